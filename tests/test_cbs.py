"""CBS Kerncijfers wijken en buurten: key-name columns, code stripping, secrecy, the lookup order."""
import json
import math

import pytest
from conftest import value as _value

from analysis.core import paths
from analysis.core.errors import SourceError
from analysis.sources import cbs


@pytest.fixture(autouse=True)
def _fresh(fresh_downloads):
    yield


def test_columns_resolved_by_key_not_suffix():
    # Suffixes differ per edition (85984NED: _90/_92/_94; 86165NED: _87 for Bijstand).
    cols = cbs.resolve_columns(["Codering_3", "HuishOnderOfRondSociaalMinimum_90", "HuishoudensTot120VanSociaalMinimum_81",
                                "PersonenPerSoortUitkeringBijstand_87", "AantalInwoners_5"])
    assert cols == {"households_social_minimum_pct": "HuishOnderOfRondSociaalMinimum_90",
                    "households_below_120pct_social_minimum_pct": "HuishoudensTot120VanSociaalMinimum_81",
                    "social_assistance_persons": "PersonenPerSoortUitkeringBijstand_87", "population": "AantalInwoners_5"}


def test_catalogue_keys_exist_in_real_statline_metadata():
    meta = json.loads((paths.mirror_dir() / "cbs/niquedegraaff_85984NED_kwb2024_DataProperties.json").read_text())
    keys = {cbs.strip_suffix(m["Key"]) for m in meta if m.get("Key")}
    for k in ["AantalInwoners", "HuishoudensTotaal", "HuishOnderOfRondSociaalMinimum",
              "HuishoudensTot120VanSociaalMinimum", "GemiddeldInkomenPerInwoner", "PersonenPerSoortUitkeringBijstand"]:
        assert k in keys


def value(obs, dataset, area, indicator):
    """The one CBS observation of a dataset (CBS rows carry no measurement series)."""
    return _value(obs, None, area, indicator, dataset=dataset)


def test_kwb_mirror_values(obs):
    assert value(obs, "kwb_2024", "GM0957", "population").value == 60743
    assert value(obs, "kwb_2024", "WK095709", "population").value == 110
    assert value(obs, "kwb_2023", "GM0957", "households").value == 29076
    assert value(obs, "kwb_2023", "WK095704", "households_social_minimum_pct").value == 14.2
    assert value(obs, "kwb_2025", "WK095700", "population").value == 11615
    assert value(obs, "kwb_2022", "WK095700", "population").value == 10900


def test_suppressed_is_missing_with_reason(obs):
    row = value(obs, "kwb_2023", "WK095709", "households_social_minimum_pct")
    assert math.isnan(row.value) and row.status == "suppressed"


def _statline_rows(year_json):
    """Real 85984NED rows (mirror) shaped as cbsodata returns them: padded Codering_3, titles."""
    data = json.loads(year_json.read_text())
    rows = []
    for code in ["GM0957"] + [f"WK0957{i:02d}" for i in range(10)]:
        rows.append({"ID": len(rows), "WijkenEnBuurten": code, "Codering_3": code.ljust(10), **data[code],
                     **unpublished_keys(data[code], 2024)})
    return rows


def unpublished_keys(present: dict, edition: int) -> dict:
    """The other keys the schema contract declares for a complete table of `edition`, without values
    (a real download carries every key; the mirror extract only 8)."""
    from analysis.core import catalogue as cat

    have = {cbs.strip_suffix(k) for k in present}
    return {f"{key}_{900 + i}": None for i, key in enumerate(cat.expected_indicators(edition, "old").values())
            if key not in have}


def test_download_path_fills_cache(monkeypatch, tmp_path, online):
    """No cache, no mirror file for the year: cbsodata is asked and its answer is cached."""
    import cbsodata

    rows = _statline_rows(paths.mirror_dir() / cbs.MIRROR_KWB[2024].path)
    calls = []

    def fake_get_data(table, filters=None, **kw):
        calls.append((table, filters))
        return rows

    monkeypatch.setattr(cbsodata, "get_data", fake_get_data)
    monkeypatch.setattr(cbs, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(cbs, "MIRROR_KWB", {})
    out = cbs.kwb_observations(2024, "GM0957")
    assert calls == [("85984NED", "startswith(WijkenEnBuurten,'NL00') or startswith(WijkenEnBuurten,'GM0957') "
                                  "or startswith(WijkenEnBuurten,'WK0957')")]
    assert (tmp_path / "kwb_2024_GM0957.csv").is_file()
    pop = out[(out.indicator == "population")].set_index("area_code").value
    assert pop["WK095704"] == 7210 and pop["GM0957"] == 60743  # codes stripped of padding
    # Second call: served from the cache, no download.
    monkeypatch.setattr(cbsodata, "get_data", lambda *a, **k: pytest.fail("downloaded again"))
    assert cbs.kwb_observations(2024, "GM0957").equals(out)


def test_no_cache_no_mirror_download_fails_names_source(monkeypatch, tmp_path, online):
    import cbsodata

    monkeypatch.setattr(cbsodata, "get_data", lambda *a, **k: (_ for _ in ()).throw(OSError("no network")))
    monkeypatch.setattr(cbs, "CACHE_DIR", tmp_path)
    with pytest.raises(SourceError, match="kwb_2019_GM0957.csv.*download failed: no network"):
        cbs.kwb_observations(2019, "GM0957")


def test_missing_mirror_env_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.MIRROR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(SourceError, match="WIJKMONITOR_MIRROR"):
        paths.mirror_dir()


def test_malformed_mirror_file_is_named(monkeypatch, tmp_path):
    (tmp_path / "cbs").mkdir()
    (tmp_path / "cbs" / "niquedegraaff_85984NED_kwb2024_GM_WK_population_area.json").write_text('{"GM0957": {"Aantal')
    monkeypatch.setenv(paths.MIRROR_ENV, str(tmp_path))
    monkeypatch.setattr(cbs, "CACHE_DIR", tmp_path / "cache")
    with pytest.raises(SourceError, match="niquedegraaff_85984NED.*malformed"):
        cbs.kwb_observations(2024, "GM0957")


def test_unknown_gemeente_code():
    from analysis.core.errors import UnknownAreaError

    with pytest.raises(UnknownAreaError, match="GM957"):
        cbs.kwb_observations(2024, "GM957")


def test_other_gemeente_from_all_nl_extract():
    out = cbs.kwb_observations(2024, "GM0935")  # Maastricht: in the all-NL 2024 extract
    assert (out.area_level if "area_level" in out else out.area_code.str[:2]).size > 0
    assert value(out.assign(series=None), "kwb_2024", "GM0935", "population").value > 100000
