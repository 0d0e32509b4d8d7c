"""The progress report's tables, as Roermond's first measurements, against figures printed in the report."""
import math

import pandas as pd
from conftest import REPORT, value

TOT120 = "households_below_120pct_social_minimum_pct"
KVK, BK = "kiezen_voor_kansen", "beleidskader"


def test_roermond_vs_nederland_2a(obs):
    assert value(obs, KVK, "GM0957", TOT120, 1).value == 15.1
    assert value(obs, KVK, "NL00", TOT120, 1).value == 12.2
    assert value(obs, KVK, "GM0957", TOT120, 0).value == 14.9
    assert value(obs, KVK, "NL00", TOT120, 0).value == 12.0
    assert value(obs, KVK, "GM0957", "debt_signals_count", 1).value == 3579
    # '20,5 %' (with a space) and '18.0%' (with a point) are printed that way in 2A.
    assert value(obs, KVK, "GM0957", "volunteers_pct", 0).value == 20.5
    assert value(obs, KVK, "NL00", "high_stress_pct", 0).value == 18.0


def test_wijk_values_2b(obs):
    assert value(obs, KVK, "WK095704", TOT120, 1).value == 25.0  # Donderberg
    assert value(obs, KVK, "WK095707", TOT120, 1).value == 4.9  # Herten
    assert value(obs, KVK, "WK095701", TOT120, 1).value == 25.4  # Roermond-Oost
    assert value(obs, KVK, "WK095704", "preterm_low_birthweight_per_1000", 0).value == 142


def test_2b_has_all_wijken_at_every_meting(obs):
    b = obs[(obs.dataset == REPORT) & (obs.area_level == "wijk") & (obs.series == KVK)]
    metingen = sorted(b.meting.unique())
    assert metingen == [0, 1]
    assert b.groupby(["area_code", "meting"]).size().eq(14).all() and b.area_code.nunique() == 10


def test_missing_stays_missing_never_zero(obs):
    row = value(obs, KVK, "WK095709", TOT120, 1)  # Maasplassen: '-'
    assert math.isnan(row.value) and row.status == "not_published"
    for m in (0, 1):  # the two empty Asenray cells of the overweight KPI
        row = value(obs, KVK, "WK095706", "overweight_group7_pct", m)
        assert math.isnan(row.value) and row.status == "empty_cell"
    assert not (obs.loc[obs.status != "ok", "value"].fillna(-1) == 0).any()


def test_2a_unnamed_row_kept_as_missing(obs):
    rows = obs[(obs.dataset == REPORT) & (obs.indicator == "unnamed_kpi_2a_row12")]
    assert len(rows) == 4 and rows.value.isna().all()


def test_household_weighted_wijk_mean_reproduces_gemeente(obs):
    """Wijk values of 2B, weighted by KWB households, give the gemeente figure of 2A."""
    for meting, kwb in ((1, "kwb_2023"), (0, "kwb_2022")):
        wijk = obs[(obs.dataset == REPORT) & (obs.area_level == "wijk") & (obs.indicator == TOT120) & (obs.meting == meting)]
        wijk = wijk.dropna(subset=["value"]).set_index("area_code")["value"]
        hh = obs[(obs.dataset == kwb) & (obs.indicator == "households")].set_index("area_code")["value"]
        weighted = (wijk * hh[wijk.index]).sum() / hh[wijk.index].sum()
        gemeente = value(obs, KVK, "GM0957", TOT120, meting).value
        assert abs(weighted - gemeente) <= 0.1, (meting, weighted, gemeente)


def test_net_labour_participation_matches_cbs_kwb_2023(obs):
    b = obs[(obs.dataset == REPORT) & (obs.area_level == "wijk") & (obs.indicator == "net_labour_participation_pct") & (obs.meting == 1)]
    k = obs[(obs.dataset == "kwb_2023") & (obs.indicator == "net_labour_participation_pct") & (obs.area_level == "wijk")]
    merged = b.merge(k, on="area_code", suffixes=("_report", "_cbs")).dropna(subset=["value_report", "value_cbs"])
    assert len(merged) == 9  # Maasplassen is suppressed in both
    assert (merged.value_report == merged.value_cbs).all()


def test_bijlage1_three_metingen_in_its_own_series(obs):
    assert [value(obs, BK, "GM0957", "self_rated_health_pct", m).value for m in (0, 1, 2)] == [69.7, 73.3, 64.1]
    assert value(obs, BK, "GM0957", "self_rated_health_pct", 2).year == 2022
    # The same KPI numbers its metingen differently in Kiezen voor Kansen: 0-meting 2020, not 2016.
    assert value(obs, BK, "GM0957", "volunteers_pct", 0).period == "2016"
    assert value(obs, KVK, "GM0957", "volunteers_pct", 0).period == "2020"


def test_bijlage2c_and_map(obs):
    row = value(obs, KVK, "GM0957", "loneliness_secondary_pupils_pct", 1)
    assert row.value == 31.4 and "10,8% vaak tot altijd" in row.note
    assert value(obs, None, "NL00", "households_social_minimum_pct").value == 6.3
    assert value(obs, None, "WK095701", "households_social_minimum_pct").value == 14.0


def test_school_year_kept_as_period(obs):
    row = value(obs, KVK, "GM0957", "early_school_leavers_pct", 1)
    assert row.period == "2023/2024" and row.year == 2024 and row.value == 2.82


def test_every_report_row_has_a_source_reference(obs):
    rep = obs[obs.dataset == REPORT]
    assert len(rep) == 421
    assert rep.source.str.contains("Voortgangsrapportage Sociaal Domein Roermond, mei 2025").all()


def test_committed_file_is_what_the_script_writes(tmp_path, monkeypatch):
    """scripts/transcribe_report.py re-creates the committed files byte for byte from the report text."""
    import importlib.util

    from analysis.core import paths

    spec = importlib.util.spec_from_file_location("transcribe", paths.ROOT / "scripts" / "transcribe_report.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "OUT", tmp_path)
    mod.main(paths.mirror_dir(required=True).parent / "seeds" / "002_f4522cab5a867525.txt")
    for name in (mod.MEASUREMENTS, mod.JUDGEMENTS):
        assert (tmp_path / name).read_bytes() == (paths.RAW_DIR / "GM0957" / name).read_bytes(), name


def test_judgements_file_has_every_printed_sign():
    from analysis.core import paths

    j = pd.read_csv(paths.RAW_DIR / "GM0957" / "reproductie" / "voortgangsrapportage_2025_oordelen.csv")
    assert j.drop_duplicates(["kpi_set", "indicator"]).groupby("kpi_set").size().to_dict() == {
        "beleidskader": 8, "kiezen_voor_kansen": 23, "levensfasen": 21}
