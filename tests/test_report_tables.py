"""The progress report's tables, transcribed in data/raw, against figures printed in the report."""
import math

import pytest

from analysis.errors import SourceError
from analysis.sources import report
from conftest import value

TOT120 = "households_below_120pct_social_minimum_pct"


def test_roermond_vs_nederland_2a(obs):
    assert value(obs, "bijlage_2a", "GM0957", TOT120, 1).value == 15.1
    assert value(obs, "bijlage_2a", "NL00", TOT120, 1).value == 12.2
    assert value(obs, "bijlage_2a", "GM0957", TOT120, 0).value == 14.9
    assert value(obs, "bijlage_2a", "NL00", TOT120, 0).value == 12.0
    assert value(obs, "bijlage_2a", "GM0957", "debt_signals_count", 1).value == 3579
    # '20,5 %' (with a space) and '18.0%' (with a point) are printed that way in 2A.
    assert value(obs, "bijlage_2a", "GM0957", "volunteers_pct", 0).value == 20.5
    assert value(obs, "bijlage_2a", "NL00", "high_stress_pct", 0).value == 18.0


def test_wijk_values_2b(obs):
    assert value(obs, "bijlage_2b", "WK095704", TOT120, 1).value == 25.0  # Donderberg
    assert value(obs, "bijlage_2b", "WK095707", TOT120, 1).value == 4.9  # Herten
    assert value(obs, "bijlage_2b", "WK095701", TOT120, 1).value == 25.4  # Roermond-Oost
    assert value(obs, "bijlage_2b", "WK095704", "preterm_low_birthweight_per_1000", 0).value == 142


def test_2b_has_all_wijken_both_metingen(obs):
    b = obs[obs.dataset == "bijlage_2b"]
    assert len(b) == 10 * 2 * 14
    assert b.groupby(["area_code", "meting"]).size().eq(14).all()


def test_missing_stays_missing_never_zero(obs):
    row = value(obs, "bijlage_2b", "WK095709", TOT120, 1)  # Maasplassen: '-'
    assert math.isnan(row.value) and row.status == "not_published"
    for m in (0, 1):  # the two empty Asenray cells of the overweight KPI
        row = value(obs, "bijlage_2b", "WK095706", "overweight_group7_pct", m)
        assert math.isnan(row.value) and row.status == "empty_cell"
    assert not (obs.loc[obs.status != "ok", "value"].fillna(-1) == 0).any()


def test_2a_unnamed_row_kept_as_missing(obs):
    rows = obs[(obs.dataset == "bijlage_2a") & (obs.indicator == "unnamed_kpi_2a_row12")]
    assert len(rows) == 4 and rows.value.isna().all()


def test_household_weighted_wijk_mean_reproduces_gemeente(obs):
    """Wijk values of 2B, weighted by KWB households, give the gemeente figure of 2A."""
    for meting, kwb in ((1, "kwb_2023"), (0, "kwb_2022")):
        wijk = obs[(obs.dataset == "bijlage_2b") & (obs.indicator == TOT120) & (obs.meting == meting)]
        wijk = wijk.dropna(subset=["value"]).set_index("area_code")["value"]
        hh = obs[(obs.dataset == kwb) & (obs.indicator == "households")].set_index("area_code")["value"]
        weighted = (wijk * hh[wijk.index]).sum() / hh[wijk.index].sum()
        gemeente = value(obs, "bijlage_2a", "GM0957", TOT120, meting).value
        assert abs(weighted - gemeente) <= 0.1, (meting, weighted, gemeente)


def test_net_labour_participation_matches_cbs_kwb_2023(obs):
    b = obs[(obs.dataset == "bijlage_2b") & (obs.indicator == "net_labour_participation_pct") & (obs.meting == 1)]
    k = obs[(obs.dataset == "kwb_2023") & (obs.indicator == "net_labour_participation_pct") & (obs.area_level == "wijk")]
    merged = b.merge(k, on="area_code", suffixes=("_report", "_cbs")).dropna(subset=["value_report", "value_cbs"])
    assert len(merged) == 9  # Maasplassen is suppressed in both
    assert (merged.value_report == merged.value_cbs).all()


def test_bijlage1_three_metingen(obs):
    assert [value(obs, "bijlage_1", "GM0957", "self_rated_health_pct", m).value for m in (0, 1, 2)] == [69.7, 73.3, 64.1]
    assert value(obs, "bijlage_1", "GM0957", "self_rated_health_pct", 2).year == 2022


def test_bijlage2c_and_map(obs):
    assert value(obs, "bijlage_2c", "GM0957", "loneliness_secondary_pupils_pct", 1).value == 31.4
    assert value(obs, "report_map", "NL00", "households_social_minimum_pct").value == 6.3
    assert value(obs, "report_map", "WK095701", "households_social_minimum_pct").value == 14.0


def test_every_report_row_has_a_source_reference(obs):
    rep = obs[obs.dataset.str.startswith(("bijlage", "report"))]
    assert rep.source.str.contains("Voortgangsrapportage").all()


def test_truncated_table_is_named(raw_copy):
    path = raw_copy / "report_bijlage2b.csv"
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:12]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="report_bijlage2b.csv.*expected 20 rows"):
        report.observations(raw_copy)


def test_malformed_cell_is_named(raw_copy):
    path = raw_copy / "report_bijlage2a.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('"15,1%"', '"15,1 procent?"'), encoding="utf-8")
    with pytest.raises(SourceError, match=r"report_bijlage2a.csv: row \d+, column 'roermond_1'"):
        report.observations(raw_copy)


def test_missing_column_is_named(raw_copy):
    path = raw_copy / "report_bijlage1.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("meting_2", "meting_twee", 1), encoding="utf-8")
    with pytest.raises(SourceError, match="report_bijlage1.csv: missing column"):
        report.observations(raw_copy)
