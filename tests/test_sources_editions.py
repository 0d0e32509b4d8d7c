"""Editions and breaks in the catalogue, the CBS v4 national series, and every gemeente offline."""
import json
import time
import warnings

import pytest

from analysis.core import catalogue as cat
from analysis.core import paths
from analysis.core.errors import SourceError, SourceWarning
from analysis.sources import cbs, cbs_v4, download


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path):
    download.reset()
    monkeypatch.setenv(download.OFFLINE_ENV, "1")
    monkeypatch.setattr(cbs, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(cbs_v4, "CACHE_DIR", tmp_path / "cache")
    yield
    download.reset()


# --- catalogue ---------------------------------------------------------------------------------

def test_edition_keys_and_renamed_woz_key():
    assert cat.edition_key("avg_woz_keur", 2019) == "GemiddeldeWoningwaarde"
    assert cat.edition_key("avg_woz_keur", 2024) == "GemiddeldeWOZWaardeVanWoningen"
    assert cat.edition_key("households_below_120pct_social_minimum_pct", 2024) == "HuishoudensTot120VanSociaalMinimum"
    assert cat.edition_key("households_below_120pct_social_minimum_pct", 2025) is None
    assert cat.edition_key("persons_in_poverty_pct", 2023) is None
    assert cat.edition_key("persons_in_poverty_pct", 2025) == "PersonenInArmoede"


def test_armoedegrens_is_a_new_indicator_not_a_continuation():
    old = cat.breaks("households_below_120pct_social_minimum_pct")
    assert old[0]["kind"] == "ends" and old[0]["edition"] == 2024
    assert "persons_in_poverty_pct" in old[0]["related"]
    new = cat.breaks("persons_in_poverty_pct")
    assert new[0]["kind"] == "starts" and new[0]["related"] == ["households_below_120pct_social_minimum_pct"]
    assert "Geen voortzetting" in cat.break_note("persons_in_poverty_pct", [2024, 2025])
    assert "geen voortzetting" in cat.break_note("households_below_120pct_social_minimum_pct", range(2011, 2025))
    assert cat.break_note("households_below_120pct_social_minimum_pct", [2022, 2023]) is None
    assert cat.break_note("population", [2019, 2025]) is None
    e = cat.indicator("persons_up_to_25pct_above_poverty_line_pct")
    assert e["label"] == "Personen tot 25% boven de armoedegrens" and e["unit"] == "%" and e["since"] == 2024


def test_expected_indicators_per_edition_and_layout():
    old24, new24 = cat.expected_indicators(2024, "old"), cat.expected_indicators(2024, "new")
    assert "households_social_minimum_pct" in old24 and "persons_in_poverty_pct" not in old24
    assert "persons_in_poverty_pct" in new24 and "households_social_minimum_pct" not in new24
    assert cat.expected_indicators(2019, "old")["avg_woz_keur"] == "GemiddeldeWoningwaarde"
    assert cat.detect_layout(["AantalInwoners_5", "PersonenInArmoede_81"]) == "new"
    assert cat.detect_layout(["AantalInwoners_5", "HuishOnderOfRondSociaalMinimum_90"]) == "old"


def test_old_layout_keys_exist_in_real_85984NED_metadata():
    """Every key the catalogue expects of the first 85984NED publication is in its real DataProperties."""
    meta = json.loads((paths.mirror_dir() / "cbs/niquedegraaff_85984NED_kwb2024_DataProperties.json").read_text())
    keys = {cbs.strip_suffix(m["Key"]) for m in meta if m.get("Key")}
    assert set(cat.expected_indicators(2024, "old").values()) <= keys


# --- CBS OData v4: 83841NED --------------------------------------------------------------------

def test_national_low_income_real_values():
    d = cbs_v4.national_low_income()
    assert set(d.area_code) == {"NL00"} and set(d.area_name) == {"Nederland"} and set(d.dataset) == {"cbs_83841NED"}
    assert d.meting.isna().all() and (d.status == "ok").all()
    v = d.set_index(["indicator", "year"]).value
    assert v["households_below_120pct_social_minimum_pct", 2022] == 12.0
    assert v["households_social_minimum_pct", 2022] == 6.3
    assert v["households_below_120pct_social_minimum_pct", 2023] == 12.1
    assert v["low_income_households_pct", 2019] == 7.5
    assert v["households_below_110pct_social_minimum_pct", 2024] == 9.2
    assert sorted(d[d.indicator == "households_below_120pct_social_minimum_pct"].year) == list(range(2011, 2025))
    assert ("low_income_households_pct", 2024) not in v.index  # not published
    src = d.set_index(["indicator", "year"]).source
    assert "voorlopige cijfers" in src["households_social_minimum_pct", 2024]
    assert "voorlopig" not in src["households_social_minimum_pct", 2023]


def test_v4_reader_refuses_damaged_export(tmp_path):
    real = paths.mirror_dir() / "cbs" / "odata4_83841NED"
    for f in real.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    obs = tmp_path / "Observations.csv"
    text = obs.read_text()
    obs.write_text(text[:-30])  # cut mid-line
    with pytest.raises(SourceError, match=r"Observations\.csv: record 11461 has \d+ fields"):
        cbs_v4.read_bulk(tmp_path)
    lines = text.splitlines(keepends=True)
    obs.write_text("".join(lines[:-100]))  # cut at a row boundary
    with pytest.raises(SourceError, match=r"Observations\.csv: 11360 rows, Properties\.csv says 11460"):
        cbs_v4.read_bulk(tmp_path)
    obs.write_text(text.replace(";481,8;", ";48x,8;", 1))
    with pytest.raises(SourceError, match=r"Observations\.csv row Id 0: value '48x,8' is neither a number"):
        cbs_v4.read_bulk(tmp_path)


def test_observations_hold_the_national_series():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        out = cbs.observations("GM0957", national=True)
        assert "cbs_83841NED" not in set(cbs.observations("GM0957").dataset)  # default: the caller adds it
    nl = out[(out.dataset == "cbs_83841NED")]
    assert len(nl) == 55 and set(nl.area_code) == {"NL00"}


# --- every gemeente offline -----------------------------------------------------------------------

def _gemeenten():
    props = cbs.nl_wijken_2024()
    return sorted(set(props.gemeentecode) - {"GM0998"})


def test_every_gemeente_has_offline_figures_fast():
    codes = _gemeenten()
    assert len(codes) == 342  # the file's 343 minus GM0998 Buitenland
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        cbs.observations(codes[0], national=False)  # first call reads the big files
        t = time.perf_counter()
        sample = codes[::17]
        for gm in sample:
            out = cbs.observations(gm, national=False)
            assert {"population", "households", "avg_household_size"} <= set(out[out.area_code.str.startswith("WK")].indicator), gm
            assert (out[(out.area_code == gm) & (out.indicator == "population")].value > 0).all()
        per = (time.perf_counter() - t) / len(sample)
    # ~0.17 s measured alone on 2 cores; the bound leaves room for a loaded CI machine.
    assert per < 0.5, f"{per:.2f} s per gemeente"


def test_mlo_gemeente_offline_with_warning_naming_the_source():
    with pytest.warns(SourceWarning, match=r"kwb_2022_GM1711\.csv.*download failed"):
        out = cbs.observations("GM1711")
    w = out[(out.dataset == "kwb_2024") & (out.indicator == "population")].set_index("area_code").value
    assert len([c for c in w.index if c.startswith("WK1711")]) == 11
    hh = out[(out.dataset == "kwb_2024") & (out.indicator == "households")]
    assert hh.source.str.contains("nl_wijken_2024").all()


def test_wijk_codes_with_letters():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        out = cbs.kwb_observations(2024, "GM0363")
    assert "WK0363AA" in set(out.area_code)


def test_gemeente_series_real_values():
    s = cbs.gemeente_series(["GM0957", "GM1711"])
    assert set(s.dataset) == {"kwb_gemeenten"} and set(s.area_code) == {"GM0957", "GM1711"}
    v = s.set_index(["area_code", "indicator", "year"]).value
    assert v["GM0957", "population", 2012] == 56165 and v["GM0957", "population", 2024] == 60743
    assert v["GM0957", "households", 2023] == 29076
    assert v["GM0957", "avg_income_per_resident_keur", 2012] == 21.1
    # PDOK 'pct_hh_laag_inkomen' is the 40%-laagste share, not 'huishoudens met een laag inkomen'.
    assert v["GM0957", "lowest_income_40pct_households_pct", 2022] == 45
    assert "low_income_households_pct" not in set(s.indicator)
    assert not s.source.str.contains(r"\[(?:zk|cr|bag|ff|lbt|bbg)_").any()
    assert sorted(s.year.unique()) == [2012, 2017, 2018, 2019, 2022, 2023, 2024]
    # Income was not published on the 2023/2024 maps: no rows, not 'suppressed' rows.
    assert ("GM0957", "avg_income_per_resident_keur", 2024) not in v.index
    assert s.set_index(["area_code", "indicator", "year"]).area_name["GM1711", "population", 2024] == "Echt-Susteren"


def test_gemeente_series_unknown_code_named():
    with pytest.raises(SourceError, match=r"no rows for \['GM9999'\]"):
        cbs.gemeente_series(["GM0957", "GM9999"])
