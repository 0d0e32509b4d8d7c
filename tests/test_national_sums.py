"""Nederland (NL00) for counts 2012-2022: the sum over the gemeenten of THAT year in the mirror,
including gemeenten merged since (not today's gemeenten only)."""
from __future__ import annotations

import pytest

from analysis.build import observations
from analysis.sources import cbs


@pytest.fixture(scope="module")
def nl():
    sums = observations.national_sums(cbs.gemeente_series)
    return {(r.indicator, int(r.year)): r.value for r in sums.itertuples()}


@pytest.mark.parametrize("indicator, year, expected", [
    ("population", 2012, 16_730_345),  # 415 gemeenten of 2012 in the mirror's gemeente attributes
    ("population", 2019, 17_282_163),  # 355 gemeenten of 2019
    ("households", 2012, 7_512_800),
])
def test_national_sum_over_the_gemeenten_of_that_year(nl, indicator, year, expected):
    assert nl[(indicator, year)] == expected


def test_national_sums_reach_the_built_table(obs):
    nl = obs[(obs.area_code == "NL00") & (obs.dataset == "kwb_gemeenten") & (obs.indicator == "population")]
    assert nl.set_index("year")["value"].to_dict()[2012] == 16_730_345
