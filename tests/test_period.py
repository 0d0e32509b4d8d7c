"""rules/period: which meting, which year, compared with what (Roermond's data, the May 2025 report)."""
import pytest

from analysis.build import monitors
from analysis.rules import period, region

TOT120 = "households_below_120pct_social_minimum_pct"


def _kpis(kpi_set: str) -> list[str]:
    return next(k.indicators for k in monitors.load("GM0957").kpi_sets if k.id == kpi_set)


def test_latest_meting(obs):
    """Bijlage 2C per wijk has a 0- and a 1-meting; shown by default: the 1-meting."""
    assert period.metingen(obs, _kpis("kpis_per_wijk"), level="wijk", measured=True) == [0, 1]
    assert period.latest_meting(obs, TOT120) == 1
    assert period.choose(obs, TOT120) == (1, None)
    assert period.of(obs, TOT120) == {"meting": 1}
    # Bijlage 1 (beleidskader) has a 2-meting, for the gemeente only
    assert period.metingen(obs, "self_rated_health_pct", series="beleidskader") == [0, 1, 2]
    # CBS figures have years only: the latest year with wijk values
    assert period.of(obs, "population") == {"year": 2025}


def test_year_of_a_meting(obs):
    """Bijlage 2C: 120% sociaal minimum 0-meting 2022, 1-meting 2023; Bijlage 1: vrijwilligers 0-meting 2016."""
    assert period.year_of(obs, TOT120, 0) == 2022
    assert period.year_of(obs, TOT120, 1) == 2023
    assert period.year_of(obs, "volunteers_pct", 0, series="beleidskader") == 2016
    assert period.year_of(obs, "volunteers_pct", 0, series="kiezen_voor_kansen") == 2020
    assert period.year_of(obs, TOT120, 7) is None


def test_comparable_reference_year(obs):
    """Nederland's latest 120% figure is 2024 (CBS 83841NED, 11,8%); the region's gemeenten all have
    2024 inhabitants although Roermond alone has 2025 (61.210), so the region table shows 2024."""
    assert period.reference_year(obs, TOT120, "NL00") == 2024
    gemeenten = monitors.load("GM0957").regions[0].gemeenten
    assert period.common_year(obs, "population", gemeenten, level="gemeente") == 2024
    assert period.latest_year(obs, "population", level="gemeente") == 2025
    t = region.table(obs, monitors.load("GM0957").regions[0])
    assert t.loc["Aantal inwoners, 2024", "Roermond"] == "60.743"
    assert t.loc["Aantal inwoners, 2024", "Echt-Susteren"] == "32.041"
    assert t.loc["Huishoudens onder of rond het sociaal minimum, 2022", "Nederland"] == "6,3%"


def test_fall_back_when_nederland_lacks_the_meting(obs):
    """Report 2C: Nederland 12,2% in the 1-meting; vrijwilligers has no national 0-meting ('-'),
    so the 1-meting of 2022 (23,8%) is the reference and the legend says so; overgewicht groep 7 has
    no national figure at all, so Roermond's own (23%) is."""
    same = period.reference(obs, TOT120, "GM0957", meting=1)
    assert (same["kind"], same["value"], same["tekst"]) == ("zelfde", 12.2, "midden = Nederland (12,2%)")
    latest = period.reference(obs, "volunteers_pct", "GM0957", meting=0)
    assert latest["kind"] == "laatste" and latest["value"] == 23.8
    assert latest["tekst"] == "midden = Nederland, 1-meting (2022) (23,8%); geen cijfer voor de 0-meting (2020)"
    gem = period.reference(obs, "overweight_group7_pct", "GM0957", meting=1)
    assert gem["kind"] == "gemeente" and gem["value"] == 23.0
    assert gem["tekst"] == "midden = Roermond (23%); geen cijfer van Nederland"


def test_no_period_at_all_is_a_dutch_error(obs):
    from analysis.core.errors import NoDataError

    with pytest.raises(NoDataError, match="geen wijkcijfers in de data"):
        period.of(obs[obs.indicator != TOT120], TOT120)


def test_first_per_area_is_sort_then_first_row(obs):
    """first_per_area (plain Python, for speed) keeps what a stable sort on (missing, dataset rank)
    followed by the first row per key keeps, in that order, missing keys equal: on Roermond's
    observations with every key set the library uses."""
    import pandas as pd

    def reference(sel, keys):
        sel = sel.assign(_o=sel["dataset"].map(period.dataset_rank), _ok=sel["status"] != "ok")
        return sel.sort_values(["_ok", "_o"], kind="stable").drop_duplicates(list(keys)).drop(columns=["_o", "_ok"])

    for keys in (["area_code"], ["area_code", "meting"], ["area_code", "year"], ["indicator", "area_code", "year"],
                 ["indicator", "area_code", "meting", "series"]):
        for sel in (obs, obs[obs["indicator"] == TOT120], obs.iloc[:0]):
            pd.testing.assert_frame_equal(period.first_per_area(sel, keys), reference(sel, keys), check_exact=True)
    # Roermond's 120% figure: the KPI table's own 1-meting value (13,7% in Centrum) before any CBS row
    kept = period.first_per_area(period.rows_at(obs, TOT120, meting=1), ["area_code"])
    assert kept["area_code"].is_unique
    assert kept.set_index("area_code")["value"]["WK095700"] == pytest.approx(13.7)
