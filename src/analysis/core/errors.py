"""Exceptions with messages that name the file, code, indicator or parameter at fault."""


class WijkmonitorError(Exception):
    """Base class for every error the suite raises on bad input."""


class SourceError(WijkmonitorError):
    """A source file is missing, malformed or truncated."""


class UnknownAreaError(WijkmonitorError):
    """A wijk or gemeente code that the data does not know."""


class UnknownIndicatorError(WijkmonitorError):
    """An indicator id that is not in the catalogue or has no data."""


class ParameterError(WijkmonitorError):
    """A notebook or function parameter with a value it cannot take (meting 'abc')."""


class NoDataError(WijkmonitorError):
    """A selection (indicator, period, area set) without any value to show."""


class WijkmonitorWarning(UserWarning):
    """Base class for warnings about incomplete but usable input."""


class SourceWarning(WijkmonitorWarning):
    """A source lacks expected keys or rows, or a download failed while a fallback exists."""
