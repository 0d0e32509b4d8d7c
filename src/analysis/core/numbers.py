"""Dutch number notation: parsing the report's printed cells and formatting values for readers."""
from __future__ import annotations

import math
import re

MISSING_MARKS = {"-", "–", ""}
_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(%|‰)?\s*(?:\(.*\))?\s*$")


def parse_cell(text: object) -> tuple[float, str]:
    """Parse a printed table cell into (value, status).

    '15,1%' -> (15.1, 'ok'); '-' -> (nan, 'not_published'); '' -> (nan, 'empty_cell').
    A decimal point is accepted too ('18.0%' is printed once in Bijlage 2A). Raises ValueError
    on anything else so that a transcription error cannot pass silently.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan, "empty_cell"
    s = str(text).strip()
    if s == "":
        return math.nan, "empty_cell"
    if s in MISSING_MARKS:
        return math.nan, "not_published"
    m = _NUMBER.match(s)
    if not m:
        raise ValueError(f"cannot read {text!r} as a number")
    return float(m.group(1).replace(",", ".")), "ok"


def format_nl(value: float | None, decimals: int = 1, unit: str = "") -> str:
    """Format a number the Dutch way: 15.1 -> '15,1', with unit '%' -> '15,1%'.

    Thousands get a dot ('3.579'); missing values become 'geen gegevens'.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "geen gegevens"
    s = f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if unit in ("%", "‰"):
        return f"{s}{unit}"
    if unit in ("procentpunt", "pp"):
        return f"{s} procentpunt"
    return f"{s} {unit}".strip()


# d3-format locale for vega-lite charts: decimal comma, thousands dot.
