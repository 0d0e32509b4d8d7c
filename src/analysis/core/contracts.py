"""Value contracts per indicator, from the catalogue's unit: what a value of that indicator can be.

A count ('aantal') is a whole number >= 0, a percentage lies in 0-100, a rate within its unit's
range (per 1.000: 0-1000, per 100: 0-100), years, amounts, densities and areas are >= 0. An
indicator may narrow or widen its unit's rule in catalogue.yml with `range: [min, max]` (null
for no bound) and `whole: true|false`. Units without a rule (an index) only need a finite number.
A value outside its contract is an error: the callers name file, line and column (measurement
files) or table, edition, key and area (CBS), see `violation`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from analysis.core.numbers import format_nl


@dataclass(frozen=True)
class Contract:
    unit: str
    low: float | None = None
    high: float | None = None
    whole: bool = False

    def describe(self) -> str:
        """Dutch, e.g. 'een geheel getal van 0 of meer', 'een getal van 0 tot en met 100'."""
        what = "een geheel getal" if self.whole else "een getal"
        if self.low is not None and self.high is not None:
            return f"{what} van {format_nl(self.low, 0)} tot en met {format_nl(self.high, 0)}"
        if self.low is not None:
            return f"{what} van {format_nl(self.low, 0)} of meer"
        if self.high is not None:
            return f"{what} van hoogstens {format_nl(self.high, 0)}"
        return what


UNITS = {  # unit in catalogue.yml -> (low, high, whole)
    "aantal": (0, None, True),
    "%": (0, 100, False),
    "‰": (0, 1000, False),
    "per 1000": (0, 1000, False),
    "per 100": (0, 100, False),
    "jaren": (0, 130, False),
    "x 1.000 euro": (0, None, False),
    "personen": (0, None, False),
    "inwoners per km²": (0, None, False),
    "ha": (0, None, False),
}


@lru_cache(maxsize=None)
def contract(ind: str) -> Contract:
    """The value contract of an indicator (its unit's rule, with the catalogue's `range`/`whole`)."""
    from analysis.core.catalogue import indicator

    e = indicator(ind)
    unit = e.get("unit") or ""
    low, high, whole = UNITS.get(unit, (None, None, False))
    if e.get("range") is not None:
        low, high = e["range"]
    if e.get("whole") is not None:
        whole = bool(e["whole"])
    return Contract(unit, low, high, whole)


def _show(value: float) -> str:
    return repr(value) if not float(value).is_integer() else str(int(value))


def violation(ind: str, value: float, text: str | None = None) -> str | None:
    """None when `value` keeps the contract of `ind`, else the Dutch reason (`text`: the value as written).

    '1.464 is geen geheel getal; debt_signals_count (aantal) is een geheel getal van 0 of meer'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None  # a missing value has its own status
    c = contract(ind)
    shown = text if text else _show(value)
    rule = f"{ind} ({c.unit or 'zonder eenheid'}) is {c.describe()}"
    if not math.isfinite(value):
        return f"{shown} is geen eindig getal; {rule}"
    if c.whole and not float(value).is_integer():
        return f"{shown} is geen geheel getal; {rule}"
    if c.low is not None and value < c.low:
        return f"{shown} is kleiner dan {format_nl(c.low, 0)}; {rule}"
    if c.high is not None and value > c.high:
        return f"{shown} is groter dan {format_nl(c.high, 0)}; {rule}"
    return None


def outside(df) -> "pd.Series":
    """A boolean mask of the rows of `df` (indicator, value) whose value breaks its contract
    (vectorised per indicator: a national build checks some 40,000 values per gemeente series)."""
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype=float)
    bad = np.zeros(len(df), dtype=bool)
    present = ~np.isnan(values)
    for ind, pos in df.groupby("indicator", sort=False).indices.items():
        c, v, has = contract(ind), values[pos], present[pos]
        m = has & ~np.isfinite(v)
        if c.whole:
            m |= has & np.isfinite(v) & (v != np.round(v))
        if c.low is not None:
            m |= has & (v < c.low)
        if c.high is not None:
            m |= has & (v > c.high)
        bad[pos] = m
    return pd.Series(bad, index=df.index)


def check_rows(df, where) -> None:
    """Raise SourceError at the first row of `df` (indicator, value) outside its contract;
    `where(row)` names it (file, line, column or table, edition, key, area)."""
    from analysis.core.errors import SourceError

    if len(df) == 0:
        return
    mask = outside(df)
    if mask.any():
        row = next(df[mask.to_numpy()].itertuples(index=False))
        raise SourceError(f"{where(row)}: {violation(row.indicator, row.value)}")
