"""Wrong input is refused (or warned about) with one line naming the file, table or key.

Each case of issue 10's "Why" that concerns the CBS/PDOK sources, built from real mirror files
with one defect put in.
"""
import json
import warnings

import pandas as pd
import pytest

from analysis.build import coverage
from analysis.core import paths
from analysis.core.errors import SourceError, SourceWarning
from analysis.sources import cbs, download, pdok

WIJKEN = [f"WK0957{i:02d}" for i in range(10)]


@pytest.fixture(autouse=True)
def _fresh_downloads(monkeypatch, tmp_path):
    download.reset()
    monkeypatch.setattr(download, "sleep", lambda s: None)
    monkeypatch.setattr(cbs, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(paths, "GEO_DIR", tmp_path / "geo_cache")
    monkeypatch.setenv(download.OFFLINE_ENV, "1")  # never the real network in these tests
    yield
    download.reset()


@pytest.fixture()
def mirror_copy(tmp_path, monkeypatch):
    """A mirror of symlinks to the real files; `put(rel, text)` replaces one file by a damaged copy."""
    real = paths.mirror_dir(required=True)
    root = tmp_path / "mirror"
    for sub in ("cbs", "geo"):
        (root / sub).mkdir(parents=True)
        for f in (real / sub).iterdir():
            (root / sub / f.name).symlink_to(f)
    monkeypatch.setenv(paths.MIRROR_ENV, str(root))

    class M:
        path = root

        @staticmethod
        def read(rel):
            return (real / rel).read_text(encoding="utf-8")

        @staticmethod
        def put(rel, text):
            (root / rel).unlink()
            (root / rel).write_text(text, encoding="utf-8")
            return root / rel
    return M


def _statline_rows():
    """Real 85984NED rows (mirror) shaped as cbsodata returns them."""
    data = json.loads((paths.mirror_dir() / cbs.MIRROR_KWB[2024].path).read_text())
    from test_cbs import unpublished_keys

    return [{"ID": i, "WijkenEnBuurten": c, "Codering_3": c.ljust(10), **data[c], **unpublished_keys(data[c], 2024)}
            for i, c in enumerate(["GM0957"] + WIJKEN)]


def _cache_2024(monkeypatch):
    """Fill the cache the way a real download does (fake cbsodata answering real rows)."""
    import cbsodata

    monkeypatch.delenv(download.OFFLINE_ENV)
    monkeypatch.setattr(cbsodata, "get_data", lambda *a, **k: _statline_rows())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        cbs.kwb_observations(2024, "GM0957")
    monkeypatch.setenv(download.OFFLINE_ENV, "1")
    return cbs.CACHE_DIR / "kwb_2024_GM0957.csv"


# --- truncated extracts and caches ---------------------------------------------------------------

def test_cache_cut_mid_line_is_an_error(monkeypatch):
    path = _cache_2024(monkeypatch)
    text = path.read_text()
    path.write_text(text[: len(text) - 25])  # the last record loses its last fields
    with pytest.raises(SourceError, match=r"kwb_2024_GM0957\.csv: line 12 has \d+ fields, the header \d+"):
        cbs.kwb_observations(2024, "GM0957")


def test_cache_cut_at_row_boundary_is_an_error(monkeypatch):
    path = _cache_2024(monkeypatch)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:6]))  # header, GM0957, WK095700..03
    with pytest.raises(SourceError, match=r"kwb_2024_GM0957\.csv: 5 rows, the download had 11"):
        cbs.kwb_observations(2024, "GM0957")
    # Without the sidecar (a file put there by hand) the missing wijken give the error.
    download.sidecar(path).unlink()
    with pytest.raises(SourceError, match=r"kwb_2024_GM0957\.csv: wijken of GM0957 missing in KWB 2024: "
                                          r"\['WK095704', .*'WK095709'\]"):
        coverage.kwb_observations(2024, "GM0957")


def test_cache_edited_after_download_is_an_error(monkeypatch):
    path = _cache_2024(monkeypatch)
    path.write_text(path.read_text().replace("60743", "60744"))
    with pytest.raises(SourceError, match=r"kwb_2024_GM0957\.csv: content differs from what was downloaded"):
        cbs.kwb_observations(2024, "GM0957")


def test_mirror_extract_missing_a_wijk_is_an_error(mirror_copy):
    rel = cbs.MIRROR_KWB[2025].path
    lines = mirror_copy.read(rel).splitlines(keepends=True)
    mirror_copy.put(rel, "".join(l for l in lines if not l.startswith("WK095706")))
    with pytest.raises(SourceError, match=r"geoinzicht_wijken_2025_roermond_transcribed\.csv: wijken of GM0957 "
                                          r"missing in KWB 2025: \['WK095706'\]"):
        coverage.kwb_observations(2025, "GM0957")


def test_value_12_x_is_an_error_not_suppressed(mirror_copy):
    rel = cbs.MIRROR_KWB[2025].path
    text = mirror_copy.read(rel)
    row = next(l for l in text.splitlines() if l.startswith("WK095704"))
    fields = row.split(",")
    fields[2] = '"12,x"'  # A2025_aantal_inwoners
    mirror_copy.put(rel, text.replace(row, ",".join(fields)))
    with pytest.raises(SourceError, match=r"geoinzicht_wijken_2025_roermond_transcribed\.csv.*column "
                                          r"'A2025_aantal_inwoners', area WK095704: value '12,x' is neither a number"):
        cbs.kwb_observations(2025, "GM0957")


@pytest.mark.parametrize("marker", [".", "", "-", "null"])
def test_explicit_missing_markers_are_missing(mirror_copy, marker):
    rel = cbs.MIRROR_KWB[2025].path
    text = mirror_copy.read(rel)
    row = next(l for l in text.splitlines() if l.startswith("WK095704"))
    fields = row.split(",")
    fields[2] = marker
    mirror_copy.put(rel, text.replace(row, ",".join(fields)))
    out = cbs.kwb_observations(2025, "GM0957")
    r = out[(out.area_code == "WK095704") & (out.indicator == "population")].iloc[0]
    assert pd.isna(r.value) and r.status == "suppressed"


def test_duplicate_area_rows_rejected(mirror_copy):
    rel = cbs.MIRROR_KWB[2025].path
    text = mirror_copy.read(rel)
    row = next(l for l in text.splitlines() if l.startswith("WK095703"))
    mirror_copy.put(rel, text.rstrip("\n") + "\n" + row + "\n")
    with pytest.raises(SourceError, match=r"geoinzicht_wijken_2025_roermond_transcribed\.csv.*area WK095703 "
                                          r"appears more than once"):
        cbs.kwb_observations(2025, "GM0957")


# --- renamed keys and editions (the schema contract: tests/test_schema_contract.py) ---------------

def _table(keys, codes=("GM0957", *WIJKEN)):
    """A table with the real 85984NED population values under the given StatLine keys."""
    data = json.loads((paths.mirror_dir() / cbs.MIRROR_KWB[2024].path).read_text())
    rows = []
    for c in codes:
        row = {"Codering_3": c.ljust(10), "WijkenEnBuurten": c}
        for k in keys:
            row[k] = data[c]["AantalInwoners_5"] if k.startswith("AantalInwoners") else None
        rows.append(row)
    return pd.DataFrame(rows)


def test_2019_woz_key_is_matched():
    cols = cbs.resolve_columns(["Codering_3", "GemiddeldeWoningwaarde_35", "AantalInwoners_5"])
    assert cols == {"avg_woz_keur": "GemiddeldeWoningwaarde_35", "population": "AantalInwoners_5"}


# --- boundaries ------------------------------------------------------------------------------------

def _roermond_2024(mirror_copy):
    return json.loads(mirror_copy.read("geo/roermond_wijken_2024_geoinzicht_wgs84.geojson"))


def test_boundary_file_lacking_a_wijk_is_an_error(mirror_copy):
    doc = _roermond_2024(mirror_copy)
    doc["features"] = [f for f in doc["features"] if f["properties"]["wijkcode"] != "WK095704"]
    mirror_copy.put("geo/roermond_wijken_2024_geoinzicht_wgs84.geojson", json.dumps(doc))
    with pytest.raises(SourceError, match=r"roermond_wijken_2024_geoinzicht_wgs84\.geojson: boundary codes do not "
                                          r"match the data; missing \['WK095704'\]"):
        coverage.boundaries("wijk", 2024, "GM0957")


def test_boundary_crs_member_contradicting_coordinates_is_refused(mirror_copy):
    doc = _roermond_2024(mirror_copy)
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    mirror_copy.put("geo/roermond_wijken_2024_geoinzicht_wgs84.geojson", json.dumps(doc))
    with pytest.raises(SourceError, match=r"roermond_wijken_2024_geoinzicht_wgs84\.geojson: coordinates .* lie outside "
                                          r"the Netherlands for the declared CRS EPSG:28992"):
        pdok.load_boundaries("wijk", 2024, "GM0957")


def test_rd_file_without_crs_member_read_as_wgs84_is_refused(mirror_copy):
    doc = json.loads(mirror_copy.read("geo/roermond_wijken_2023_cartomap_rd.geojson"))
    del doc["crs"]  # RD metres read as the GeoJSON default lon/lat
    mirror_copy.put("geo/roermond_wijken_2023_cartomap_rd.geojson", json.dumps(doc))
    with pytest.raises(SourceError, match=r"roermond_wijken_2023_cartomap_rd\.geojson: coordinates .* EPSG:4326"):
        pdok.load_boundaries("wijk", 2023, "GM0957")


def test_duplicate_boundary_feature_is_refused(mirror_copy):
    doc = _roermond_2024(mirror_copy)
    doc["features"].append(doc["features"][3])
    mirror_copy.put("geo/roermond_wijken_2024_geoinzicht_wgs84.geojson", json.dumps(doc))
    with pytest.raises(SourceError, match=r"roermond_wijken_2024_geoinzicht_wgs84\.geojson: wijk WK0957\d\d appears "
                                          r"more than once"):
        pdok.load_boundaries("wijk", 2024, "GM0957")


def test_boundary_path_is_the_file_read():
    p = pdok.boundary_path("wijk", 2024, "GM0957")
    assert p.name == "roermond_wijken_2024_geoinzicht_wgs84.geojson" and p.is_file()
    assert pdok.boundary_path("wijk", 2024, "GM1711").name == "nl_wijken_2024_wgs84_simplified.geojson"
    assert pdok.boundary_path("gemeente", 2024, "GM1711").name == "geoinzicht_pdok_wijkbuurtkaart_gemeenten_2024.geojson"
    # Nothing at hand: the cache file a download would fill, named for what it holds.
    assert pdok.boundary_path("wijk", 2019, "GM1711") == paths.GEO_DIR / "wijk_2019_GM1711.geojson"
    assert pdok.boundary_path("gemeente", 2020, "GM1711") == paths.GEO_DIR / "gemeente_2020_NL.geojson"


def test_all_nl_boundary_file_lacking_a_wijk_of_the_cbs_data_is_an_error(mirror_copy):
    rel = "geo/nl_wijken_2024_wgs84_simplified.geojson"
    doc = json.loads(mirror_copy.read(rel))
    doc["features"] = [f for f in doc["features"] if f["properties"]["wijkcode"] != "WK171105"]
    mirror_copy.put(rel, json.dumps(doc))
    with pytest.raises(SourceError, match=r"nl_wijken_2024_wgs84_simplified\.geojson: boundary codes do not match "
                                          r"the data; missing \['WK171105'\]"):
        coverage.boundaries("wijk", 2024, "GM1711")
