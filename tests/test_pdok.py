"""Boundaries: every year has all ten Roermond wijken, one CRS, one naming, d3 winding."""
import pytest
import shapely

from analysis.core import paths
from analysis.core.errors import SourceError
from analysis.sources import pdok


@pytest.fixture(autouse=True)
def _fresh(fresh_downloads):
    yield


WIJKEN = [f"WK0957{i:02d}" for i in range(10)]


@pytest.mark.parametrize("year", pdok.WIJK_YEARS)
def test_all_ten_wijken_every_year(year):
    g = pdok.load_boundaries("wijk", year, "GM0957")
    assert sorted(g.wijkcode) == WIJKEN
    assert g.crs.to_epsg() == 4326
    assert list(g.columns[:2]) == ["wijkcode", "wijknaam"] and {"gemeentecode", "year"} <= set(g.columns)
    assert (g.gemeentecode == "GM0957").all() and (g.year == year).all()
    assert g.set_index("wijkcode").wijknaam["WK095704"] == "Donderberg"
    assert g.geometry.is_valid.all()
    # Roermond is ~71 km2 in any year (RD New areas).
    assert 69e6 < g.to_crs(28992).area.sum() < 72e6


def test_exterior_rings_clockwise_for_vega():
    g = pdok.load_boundaries("wijk", 2023, "GM0957")  # an RD file, reprojected
    for geom in g.geometry:
        for poly in getattr(geom, "geoms", [geom]):
            assert not shapely.is_ccw(poly.exterior)


def test_buurten_and_gemeenten():
    b = pdok.load_boundaries("buurt", 2024, "GM0957")
    assert len(b) == 36 and set(b.wijkcode) == set(WIJKEN)
    gm = pdok.load_boundaries("gemeente", 2024)
    assert "GM0957" in set(gm.gemeentecode) and gm.crs.to_epsg() == 4326


def test_codes_must_match_data():
    with pytest.raises(SourceError, match=r"do not match the data; missing \['WK095799'\]"):
        pdok.load_boundaries("wijk", 2024, "GM0957", expected_codes=WIJKEN + ["WK095799"])


def test_broken_boundary_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "GEO_DIR", tmp_path)
    (tmp_path / "wijk_2024_GM0957.geojson").write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(SourceError, match="wijk_2024_GM0957.geojson: cannot read"):
        pdok.load_boundaries("wijk", 2024, "GM0957")


def test_year_without_any_source_names_the_file(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "GEO_DIR", tmp_path)
    monkeypatch.setattr(pdok, "download_wfs", lambda *a: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(SourceError, match="wijk_2019_GM0957.geojson.*download failed: offline"):
        pdok.load_boundaries("wijk", 2019, "GM0957")
