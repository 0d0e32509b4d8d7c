"""Numbers as readers and files write them: parsing and formatting through babel's nl_NL.

One place for every notation the project reads:
- Dutch (`parse_nl`): decimal comma, `.` only as a thousands separator in groups of three
  (`1.464` is 1464, `15,1` is 15.1). Parsed by babel with strict=True, so `1,464.5` or `1.46`
  in a Dutch file is refused rather than read as something else.
- Plain (`parse_plain`): the international CSV dialect, a decimal point and no thousands separator.
- Machine (`parse_machine`): values CBS writes in its tables, a decimal comma or point, no
  thousands separator, an exponent allowed.

Formatting (`format_nl`) rounds by the project's rule (`round_half_up`): half up at the
indicator's precision, taken from the value's shortest repr (so 0.05 -> 0,1 and 2.25 -> 2,3, as
a reader rounding the printed digits would), and never "-0,0".
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal, parse_decimal

LOCALE = "nl_NL"
MISSING_MARKS = {"-", "–", ""}
# What babel may see of a Dutch number: babel alone would also take '+2' or '1 464'.
_DUTCH_CHARS = re.compile(r"^-?[\d.,]+$")
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_MACHINE = re.compile(r"^[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?$")
# A report cell: a number, optionally a unit and a remark in brackets ('15,1% (2022)').
_CELL = re.compile(r"^\s*(?P<number>\S+?)\s*(%|‰)?\s*(?:\(.*\))?\s*$")
# '18.0%' is printed once in Bijlage 2A: a point followed by one or two digits cannot be a
# thousands group, so it is read as a decimal point.
_POINT_DECIMAL = re.compile(r"^-?\d+\.\d{1,2}$")


def parse_nl(text: str) -> float:
    """A number in Dutch notation ('1.464', '15,1', '-0,5'); ValueError on anything else."""
    s = str(text).strip()
    if not _DUTCH_CHARS.match(s):
        raise ValueError(f"{text!r} is geen getal in Nederlandse notatie")
    # babel.numbers.NumberFormatError is a ValueError: '1,464.5' and '1.46' end here.
    return float(parse_decimal(s, locale=LOCALE, strict=True))


def parse_plain(text: str) -> float:
    """A number with a decimal point and no thousands separator ('1464', '15.1'); ValueError otherwise."""
    s = str(text).strip()
    if not _PLAIN.match(s):
        raise ValueError(f"{text!r} is not a number in international notation")
    return float(s)


def parse_machine(text: str) -> float:
    """A value as CBS writes it: decimal comma or point, no thousands separator ('15.1', '15,1', '1e3')."""
    s = str(text).strip()
    if not _MACHINE.match(s):
        raise ValueError(f"{text!r} is not a number")
    return float(s.replace(",", "."))


def parse_cell(text: object) -> tuple[float, str]:
    """Parse a printed table cell into (value, status).

    '15,1%' -> (15.1, 'ok'); '3.579' -> (3579.0, 'ok'); '-' -> (nan, 'not_published');
    '' -> (nan, 'empty_cell'). Raises ValueError on anything else so that a transcription error
    cannot pass silently.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan, "empty_cell"
    s = str(text).strip()
    if s == "":
        return math.nan, "empty_cell"
    if s in MISSING_MARKS:
        return math.nan, "not_published"
    m = _CELL.match(s)
    if not m:
        raise ValueError(f"cannot read {text!r} as a number")
    number = m.group("number")
    if _POINT_DECIMAL.match(number):
        return float(number), "ok"
    try:
        return parse_nl(number), "ok"
    except ValueError:
        raise ValueError(f"cannot read {text!r} as a number") from None


# A number as the pages print it: '7.150', '25,4%', '-0,2', '153,5‰', '929 per 1.000', '80,7 jaar'.
_PRINTED = re.compile(r"^([-+−]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*(%|‰| per 100| per 1\.000| jaar)?$")


def printed_number(text) -> tuple[float, str] | None:
    """(value, Excel number format) of a number as the pages print it, None for real text.

    The format keeps the printed decimals and the unit; Excel writes ',' and '.' by the reader's
    locale, so a Dutch Excel shows 7.150 and 25,4%."""
    if not isinstance(text, str):
        return None
    m = _PRINTED.match(text.strip())
    if not m:
        return None
    sign, whole, frac, unit = m.groups()
    value = parse_nl(whole + ("," + frac if frac else ""))
    value = -value if sign in ("-", "−") else value
    fmt = "#,##0" + ("." + "0" * len(frac) if frac else "")
    if unit:
        fmt += f'"{unit}"' if unit.strip() in ("%", "‰") else f'" {unit.strip()}"'
    return value, fmt


def round_half_up(value: float, decimals: int) -> Decimal:
    """The project's rounding rule: half up at `decimals`, from the value's repr; never -0."""
    exact = Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def format_nl(value: float | None, decimals: int = 1, unit: str = "") -> str:
    """Format a number the Dutch way: 15.1 -> '15,1', with unit '%' -> '15,1%'.

    Thousands get a dot ('3.579'); missing values become 'geen gegevens'.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value != value:
        return "geen gegevens"
    if math.isinf(value):
        raise ValueError(f"{value!r} is geen eindig getal")
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    s = format_decimal(round_half_up(value, decimals), format=pattern, locale=LOCALE)
    if unit in ("%", "‰"):
        return f"{s}{unit}"
    if unit in ("procentpunt", "pp"):
        return f"{s} procentpunt"
    return f"{s} {unit}".strip()
