"""Source facts live in sources/sources.yml; the loaders read them (tables, editions, mirror files, years)."""
from analysis.core import paths
from analysis.sources import cbs, cbs_v4, facts, pdok


def test_kwb_tables_and_mirror_files_from_yaml():
    kwb = facts.of("cbs_kwb")
    assert cbs.KWB_TABLES[2024] == "85984NED" and cbs.KWB_TABLES[2025] == "86165NED"
    assert cbs.KWB_TABLES == {int(y): t for y, t in kwb["tables"].items()}
    assert cbs.DEFAULT_YEARS == (2022, 2023, 2024, 2025)
    assert cbs.MIRROR_KWB[2024].partial and cbs.MIRROR_KWB[2024].kind == "odata_json"
    assert cbs.MIRROR_KWB[2025].prefix == "A2025_" and "65plus" in cbs.MIRROR_KWB[2025].columns
    assert cbs.PDOK_WIJK_FIELDS["0_15"] == "age_0_14_pct"  # a quoted key, not the YAML int 15
    mirror = paths.mirror_dir()
    for rel in [m.path for m in cbs.MIRROR_KWB.values()] + [cbs.NL_WIJKEN_2024, cbs.GEMEENTE_ATTRIBUTES]:
        assert (mirror / rel).is_file(), rel


def test_v4_and_pdok_facts():
    assert cbs_v4.LOW_INCOME_TABLE == "83841NED" and cbs_v4.V4_TABLES == {"83841NED"}
    assert cbs_v4.LOW_INCOME["1050290"] == "low_income_households_pct"
    assert cbs_v4.LOW_INCOME_YEARS == range(2011, 2025)
    assert pdok.wfs_layer("wijk", 2021) == "wijkenbuurten2021:cbs_wijken_2021"
    assert pdok.wfs_layer("gemeente", 2020) == "wijkenbuurten2020:gemeenten2020"
    assert pdok.wfs_layer("buurt", 2024) == "wijkenbuurten:buurten"
    assert pdok.gpkg_layer("wijk", 2019) == "cbs_wijken_2019" and pdok.gpkg_layer("gemeente", 2023) == "gemeenten"
    assert pdok.mirror_candidates("gemeente", 2024, "GM0957") == ["cbs/geoinzicht_pdok_wijkbuurtkaart_gemeenten_2024.geojson"]
    assert pdok.mirror_candidates("wijk", 2024, "GM0957")[-1] == "geo/nl_wijken_2024_wgs84_simplified.geojson"
