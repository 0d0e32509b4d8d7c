"""Which gemeenten exist, their names and wijken, from the boundary data (CBS/PDOK)."""
from __future__ import annotations

import difflib
import functools

import pandas as pd

from analysis.core.areas import check_gemeentecode
from analysis.core.errors import UnknownAreaError
from analysis.build import coverage
from analysis.core.errors import SourceError
from analysis.sources import pdok
import pyogrio

from analysis.core.settings import BOUNDARY_YEAR

NOT_A_GEMEENTE = {"GM0998"}  # CBS 'Buitenland': a code in the wijk layer, not a gemeente


@functools.lru_cache(maxsize=4)
def _table(year: int = BOUNDARY_YEAR) -> pd.DataFrame:
    """Codes and names of the gemeente boundary layer (attributes only: no geometry is needed)."""
    path = pdok.boundary_path("gemeente", year, None)
    try:
        g = pyogrio.read_dataframe(path, read_geometry=False, columns=["gemeentecode", "gemeentenaam"])
    except Exception as exc:  # pyogrio raises several types for broken files
        raise SourceError(f"{path}: gemeentecodes niet te lezen: {exc}") from None
    g = g[~g["gemeentecode"].isin(NOT_A_GEMEENTE)]
    t = pd.DataFrame({"gemeentecode": g["gemeentecode"].astype(str).str.strip(), "gemeentenaam": g["gemeentenaam"]})
    if t["gemeentecode"].duplicated().any():
        raise SourceError(f"gemeentegrenzen {year}: dubbele gemeentecode(s) "
                          f"{sorted(t.loc[t['gemeentecode'].duplicated(), 'gemeentecode'])[:5]}")
    return t.reset_index(drop=True)


def codes(year: int = BOUNDARY_YEAR) -> list[str]:
    """Every gemeente of the boundary year, sorted by code."""
    return sorted(_table(year)["gemeentecode"])


def name(gemeentecode: str, year: int = BOUNDARY_YEAR) -> str:
    """The gemeente's name; an unknown code fails naming the closest codes and names."""
    t = _table(year).set_index("gemeentecode")["gemeentenaam"]
    code = check(gemeentecode, year)
    return str(t[code])


def check(gemeentecode: str, year: int = BOUNDARY_YEAR) -> str:
    """A gemeentecode of the boundary data, or one line naming the closest ones."""
    t = _table(year)
    text = str(gemeentecode).strip()
    if text.upper().startswith("GM") and text.upper() in set(t["gemeentecode"]):
        return text.upper()
    raise UnknownAreaError(f"onbekende gemeente {text!r}; bedoelt u: {', '.join(closest(text, year)) or '-'}?")


def closest(text: str, year: int = BOUNDARY_YEAR, n: int = 3) -> list[str]:
    """The gemeenten whose code or name is closest to `text`, as 'GM0363 Amsterdam'."""
    t = _table(year)
    labels = {f"{c} {nm}": (c, nm) for c, nm in zip(t["gemeentecode"], t["gemeentenaam"])}
    digits = text.upper().removeprefix("GM")
    if digits.isdigit():  # a code: the numerically nearest codes
        near = sorted(t["gemeentecode"], key=lambda c: abs(int(c[2:]) - int(digits)))[:n]
        return [lab for lab, (c, _) in labels.items() if c in near]
    by_code = difflib.get_close_matches(text.upper(), list(t["gemeentecode"]), n=n, cutoff=0.6)
    by_name = difflib.get_close_matches(text.lower(), [nm.lower() for nm in t["gemeentenaam"]], n=n, cutoff=0.6)
    out = [lab for lab, (c, nm) in labels.items() if c in by_code or nm.lower() in by_name]
    return out[:n]


def wijken(gemeentecode: str, year: int = BOUNDARY_YEAR) -> pd.DataFrame:
    """The gemeente's wijken (wijkcode, wijknaam) in the boundary year; none is an error."""
    code = check_gemeentecode(gemeentecode)
    shapes = coverage.boundaries("wijk", year, code)
    if shapes.empty:
        raise UnknownAreaError(f"{code}: geen wijken in de wijkgrenzen van {year}")
    return shapes[["wijkcode", "wijknaam"]].reset_index(drop=True)
