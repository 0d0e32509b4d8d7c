"""Wijk, buurt and gemeente boundaries (CBS/PDOK wijk- en buurtkaart) as GeoDataFrames.

Whatever the file's own naming (`statcode`/`statnaam`, `wijkcode`/`wijknaam`, `gmCode`)
and CRS (RD New 28992 or WGS84), the result has columns `<level>code`, `<level>naam`,
`gemeentecode`, `year`, geometry in EPSG:4326 (what vega projections expect), valid
geometries, and exterior rings wound clockwise (d3-geo's convention; the other winding is
drawn as the whole globe minus the polygon).
Resolution: cache `geo/<level>_<year>_<gemeente>.geojson` -> mirror -> PDOK WFS download.
"""
from __future__ import annotations

import urllib.parse
import urllib.request
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from analysis import paths
from analysis.areas import check_gemeentecode, short_name
from analysis.errors import SourceError

CRS = "EPSG:4326"
LEVELS = ("wijk", "buurt", "gemeente")
WIJK_YEARS = (2020, 2021, 2022, 2023, 2024, 2025)
PDOK_WFS = "https://service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0"


def mirror_candidates(level: str, year: int, gemeentecode: str) -> list[str]:
    """Mirror files that may hold the boundaries, most detailed first."""
    if level == "gemeente":
        return [f"cbs/geoinzicht_pdok_wijkbuurtkaart_gemeenten_{year}.geojson"]
    # The mirror's detailed single-gemeente files are named after the gemeente (e.g. 'roermond').
    from analysis.gemeenten import name

    slug = name(gemeentecode).lower().replace(" ", "-")
    own = [f"geo/{slug}_{level}en_{year}_geoinzicht_wgs84.geojson", f"geo/{slug}_{level}en_{year}_cartomap_rd.geojson"]
    return own + [f"geo/nl_{level}en_{year}_wgs84_simplified.geojson"]


def download_wfs(level: str, year: int, gemeentecode: str, dest: Path) -> None:
    """Download one gemeente's boundaries from the PDOK WFS of the CBS wijk- en buurtkaart."""
    layer = {"wijk": "wijken", "buurt": "buurten", "gemeente": "gemeenten"}[level]
    fes = ("<fes:Filter xmlns:fes='http://www.opengis.net/fes/2.0'><fes:PropertyIsEqualTo>"
           f"<fes:ValueReference>gemeentecode</fes:ValueReference><fes:Literal>{gemeentecode}</fes:Literal>"
           "</fes:PropertyIsEqualTo></fes:Filter>")
    query = urllib.parse.urlencode({
        "service": "WFS", "version": "2.0.0", "request": "GetFeature", "typeNames": f"wijkenbuurten:{layer}",
        "outputFormat": "json", "srsName": CRS, "filter": fes,
    })
    with urllib.request.urlopen(f"{PDOK_WFS.format(year=year)}?{query}", timeout=60) as resp:
        dest.write_bytes(resp.read())


def _first(gdf: gpd.GeoDataFrame, names: list[str], path: Path):
    for n in names:
        if n in gdf.columns:
            return gdf[n]
    raise SourceError(f"{path}: none of the columns {names} present")


def normalise(gdf: gpd.GeoDataFrame, level: str, year: int, path: Path) -> gpd.GeoDataFrame:
    """One column naming, one CRS, valid and clockwise-wound polygons."""
    if gdf.crs is None:
        raise SourceError(f"{path}: no CRS")
    code = _first(gdf, [f"{level}code", "statcode"], path).astype(str).str.strip()
    name = _first(gdf, [f"{level}naam", "statnaam"], path).astype(str)
    out = gpd.GeoDataFrame({f"{level}code": code, f"{level}naam": name.map(short_name)},
                           geometry=gdf.geometry.values, crs=gdf.crs)
    if level == "buurt":
        out["wijkcode"] = "WK" + code.str[2:8]
    out["gemeentecode"] = code if level == "gemeente" else "GM" + code.str[2:6]
    out["year"] = year
    out = out.to_crs(CRS)
    geoms = shapely.make_valid(out.geometry.values)
    out = out.set_geometry(gpd.GeoSeries([_clockwise(g) for g in geoms], crs=CRS))
    return out.sort_values(f"{level}code").reset_index(drop=True)


def _clockwise(geom):
    if isinstance(geom, Polygon):
        return orient(geom, sign=-1.0)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([orient(p, sign=-1.0) for p in geom.geoms])
    if hasattr(geom, "geoms"):  # make_valid may return a collection; keep its areas only
        polys = [p for g in geom.geoms for p in getattr(g, "geoms", [g]) if isinstance(p, Polygon)]
        return MultiPolygon([orient(p, sign=-1.0) for p in polys])
    return geom


def load_boundaries(level: str = "wijk", year: int = 2024, gemeentecode: str | None = None,
                    expected_codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """Boundaries of one gemeente (level 'wijk' or 'buurt') or of all gemeenten ('gemeente').

    `expected_codes`: area codes the data has; a boundary file that lacks any of them is an error.
    """
    if level not in LEVELS:
        raise SourceError(f"level must be one of {LEVELS}, not {level!r}")
    if level != "gemeente" or gemeentecode is not None:
        gemeentecode = check_gemeentecode(gemeentecode)
    scope = "NL" if level == "gemeente" else gemeentecode
    path = paths.resolve(f"{level}_{year}_{scope}.geojson", paths.GEO_DIR,
                         mirror_candidates(level, year, gemeentecode),
                         download=lambda dest: download_wfs(level, year, gemeentecode, dest))
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for broken files
        raise SourceError(f"{path}: cannot read boundaries: {exc}") from exc
    out = normalise(gdf, level, year, path)
    if level != "gemeente":
        out = out[out["gemeentecode"] == gemeentecode].reset_index(drop=True)
        if out.empty:
            raise SourceError(f"{path}: no {level} of {gemeentecode} in the file")
    if expected_codes is not None:
        missing = sorted(set(expected_codes) - set(out[f"{level}code"]))
        if missing:
            raise SourceError(f"{path}: boundary codes do not match the data; missing {missing}")
    return out


def simplify_for_web(gdf: gpd.GeoDataFrame, tolerance: float = 0.0002, decimals: int = 5) -> gpd.GeoDataFrame:
    """Lighter geometry for charts (~20 m tolerance, ~1 m coordinate precision), orientation kept."""
    geoms = gdf.geometry.simplify(tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms.values, 10 ** -decimals)
    return gdf.set_geometry(gpd.GeoSeries([_clockwise(g) for g in geoms], crs=gdf.crs))
