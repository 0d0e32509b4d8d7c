"""Coverage: the CBS tables and the PDOK boundaries must name the same wijken.

The one place that reads both sources for that check, so neither loader imports the other:
a KWB table missing an inhabited wijk of the boundary data is a cut file, and a boundary file
missing a wijk of the CBS data cannot draw it.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from analysis.sources import cbs, pdok
from analysis.core.settings import BOUNDARY_YEAR


def known_wijken(year: int, gemeentecode: str) -> set[str] | None:
    """Wijk codes the boundary data (cache or mirror, never a download) has for a gemeente and year,
    water-only wijken left out (2024: CBS's inhabitants); None when no boundary file is at hand."""
    codes = pdok.boundary_wijken(year, gemeentecode)
    if codes is not None and year == 2024:
        inhabited = cbs.inhabited_wijken_2024(gemeentecode)
        if inhabited is not None:
            codes &= inhabited
    return codes


def kwb_observations(year: int, gemeentecode: str, strict: bool | None = None, refresh: bool = False) -> pd.DataFrame:
    """cbs.kwb_observations, checked against the wijken of the boundary data."""
    return cbs.kwb_observations(year, gemeentecode, strict, refresh, expected_wijken=known_wijken)


def cbs_observations(gemeentecode: str, years=cbs.DEFAULT_YEARS, strict: bool | None = None, refresh: bool = False,
                     national: bool = False) -> pd.DataFrame:
    """cbs.observations, each edition checked against the wijken of the boundary data."""
    return cbs.observations(gemeentecode, years, strict, refresh, national, expected_wijken=known_wijken)


def boundaries(level: str = "wijk", year: int = BOUNDARY_YEAR, gemeentecode: str | None = None,
               refresh: bool = False) -> gpd.GeoDataFrame:
    """pdok.load_boundaries; wijken checked against the wijken of the CBS KWB data in the mirror
    for the year (2024: every gemeente, from 85984NED), so a boundary file lacking one is an error."""
    expected = sorted(cbs.data_wijken(year, gemeentecode) or []) if level == "wijk" else None
    return pdok.load_boundaries(level, year, gemeentecode, expected_codes=expected, refresh=refresh)
