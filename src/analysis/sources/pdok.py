"""Wijk, buurt and gemeente boundaries (CBS/PDOK wijk- en buurtkaart) as GeoDataFrames.

Whatever the file's own naming (`statcode`/`statnaam`, `wijkcode`/`wijknaam`, `gmCode`)
and CRS (RD New 28992 or WGS84), the result has columns `<level>code`, `<level>naam`,
`gemeentecode`, `year`, geometry in EPSG:4326 (what vega projections expect), valid
geometries, and exterior rings wound clockwise (d3-geo's convention; the other winding is
drawn as the whole globe minus the polygon).
Resolution: cache `geo/<level>_<year>_<gemeente>.geojson` (wijk, buurt: one gemeente) or
`geo/gemeente_<year>_NL.geojson` (all gemeenten) -> mirror -> PDOK WFS download (2020-2025,
layer names per year) -> for other years a CBS Wijk- en Buurtkaart GeoPackage placed in the
cache (`geo/wijkbuurtkaart_<year>.gpkg`). Every file is checked after reading: coordinates
inside the Netherlands for the declared CRS, and no wijk that the CBS data has is missing.
"""
from __future__ import annotations

import json
import urllib.parse
import warnings
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from analysis.core import paths
from analysis.core.areas import check_gemeentecode, short_name
from analysis.core.errors import SourceError, SourceWarning
from analysis.core.settings import BOUNDARY_YEAR
from analysis.sources import download, facts

CRS = "EPSG:4326"
LEVELS = ("wijk", "buurt", "gemeente")
_PDOK = facts.of("pdok")  # sources.yml: years, WFS URL and layer names, mirror file names
WIJK_YEARS = tuple(_PDOK["wijk_years"])
PDOK_WFS = _PDOK["wfs_url"]


def mirror_candidates(level: str, year: int, gemeentecode: str) -> list[str]:
    """Mirror files that may hold the boundaries, most detailed first: a file of this gemeente
    alone (e.g. `geo/<name>_wijken_2024_geoinzicht_wgs84.geojson`), then the all-NL file."""
    if level == "gemeente":
        return [_PDOK["mirror"]["gemeenten"].format(year=year)]
    mirror = paths.mirror_dir()
    own = []
    if mirror is not None and (mirror / "geo").is_dir():
        for f in sorted((mirror / "geo").glob(_PDOK["mirror"]["own_glob"].format(level=level, year=year))):
            if f.name.startswith(("nl_", "mlo_")):
                continue
            codes = _wijk_codes_cached(*_stamp(f))
            if codes and all(c[2:6] == gemeentecode[2:] for c in codes):
                own.append(f"geo/{f.name}")
    own.sort(key=lambda r: "cartomap" in r)  # geoinzicht (finer) before cartomap (coarse)
    return own + [_PDOK["mirror"]["nl"].format(level=level, year=year)]


# Layer (typeName) per year of the PDOK WFS: old CBS names up to OLD_NAMES_UNTIL, then the new
# ones (sources.yml). Other years have no WFS: use the yearly GeoPackage.
WFS_YEARS = tuple(_PDOK["wfs_years"])
OLD_NAMES_UNTIL = int(_PDOK["old_names_until"])
GPKG_URL = _PDOK["gpkg_url"]
TRANSPORT = None  # None: urllib (download.urllib_transport); tests put a recorded answer here
# Bounds of the Netherlands (with margin) per CRS: (minx, miny, maxx, maxy).
NL_BOUNDS = {4326: (3.0, 50.6, 7.4, 53.8), 28992: (-10_000, 290_000, 300_000, 640_000)}


def wfs_layer(level: str, year: int) -> str:
    """The WFS typeName of a level in a year."""
    if year not in WFS_YEARS:
        raise SourceError(f"PDOK has no wijkenbuurten WFS for {year} (only {WFS_YEARS[0]}-{WFS_YEARS[-1]}); "
                          f"put the CBS Wijk- en Buurtkaart GeoPackage ({GPKG_URL.format(year=year)}) "
                          f"into {paths.GEO_DIR / f'wijkbuurtkaart_{year}.gpkg'}")
    return _layer("wfs_layers", level, year)


def gpkg_layer(level: str, year: int) -> str:
    return _layer("gpkg_layers", level, year)


def _layer(kind: str, level: str, year: int) -> str:
    names = _PDOK[kind]["old" if year <= OLD_NAMES_UNTIL else "new"]
    return names[level].format(year=year)


def wfs_url(level: str, year: int, gemeentecode: str | None) -> str:
    params = {"service": "WFS", "version": "2.0.0", "request": "GetFeature", "typeNames": wfs_layer(level, year),
              "outputFormat": "json", "srsName": CRS}
    if gemeentecode is not None:  # wijk/buurt: one gemeente; level gemeente: all of NL
        params["filter"] = ("<fes:Filter xmlns:fes='http://www.opengis.net/fes/2.0'><fes:PropertyIsEqualTo>"
                            f"<fes:ValueReference>gemeentecode</fes:ValueReference><fes:Literal>{gemeentecode}"
                            "</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>")
    return f"{PDOK_WFS.format(year=year)}?{urllib.parse.urlencode(params)}"


def download_wfs(level: str, year: int, gemeentecode: str, dest: Path, transport=None) -> None:
    """Download boundaries from the PDOK WFS into `dest` (atomic, with sidecar): one gemeente's
    wijken/buurten, or every gemeente for level 'gemeente'. An empty or error answer is refused."""
    url = wfs_url(level, year, None if level == "gemeente" else gemeentecode)
    doc = download.get_json(url, transport=transport or TRANSPORT)
    feats = doc.get("features") if isinstance(doc, dict) else None
    if doc.get("type") != "FeatureCollection" or not isinstance(feats, list):
        raise download.DownloadError(f"{url}: answer is not a GeoJSON FeatureCollection")
    if not feats:
        raise download.DownloadError(f"{url}: no features for {gemeentecode if level != 'gemeente' else 'NL'}; not cached")
    download.write_cached(dest, lambda p: p.write_text(json.dumps(doc), encoding="utf-8"), len(feats),
                          f"PDOK WFS wijkenbuurten {year} {wfs_layer(level, year)}")


def cache_name(level: str, year: int, gemeentecode: str | None) -> str:
    """What a cache file holds: one gemeente's wijken/buurten, or all gemeenten of NL."""
    return f"{level}_{year}_{'NL' if level == 'gemeente' else gemeentecode}.geojson"


def boundary_path(level: str, year: int, gemeentecode: str | None) -> Path:
    """The file `load_boundaries` reads (cache, else mirror, else the cache path a download fills).
    `gemeentecode` may be None for level 'gemeente' (one file for all of NL)."""
    if level not in LEVELS:
        raise SourceError(f"level must be one of {LEVELS}, not {level!r}")
    if level != "gemeente" or gemeentecode is not None:
        gemeentecode = check_gemeentecode(gemeentecode)
    cached = paths.GEO_DIR / cache_name(level, year, gemeentecode)
    if cached.is_file():
        return cached
    mirror = paths.mirror_dir()
    if mirror is not None:
        for rel in mirror_candidates(level, year, gemeentecode):
            if (mirror / rel).is_file():
                return mirror / rel
    gpkg = paths.GEO_DIR / f"wijkbuurtkaart_{year}.gpkg"
    if year not in WFS_YEARS and gpkg.is_file():
        return gpkg
    return cached


def check_bounds(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Coordinates must lie in the Netherlands for the declared CRS (a file whose `crs` says RD New
    while its coordinates are lon/lat is refused)."""
    epsg = gdf.crs.to_epsg() if gdf.crs is not None else None
    if epsg not in NL_BOUNDS:
        probe = gdf.to_crs(CRS)
        epsg, bounds = 4326, probe.total_bounds
    else:
        bounds = gdf.total_bounds
    minx, miny, maxx, maxy = NL_BOUNDS[epsg]
    bx0, by0, bx1, by1 = bounds
    if not (minx <= bx0 and bx1 <= maxx and miny <= by0 and by1 <= maxy):
        raise SourceError(f"{path}: coordinates {[round(float(b), 3) for b in bounds]} lie outside the Netherlands "
                          f"for the declared CRS EPSG:{epsg} (wrong crs member?)")


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
    return out.sort_values(f"{level}code", kind="stable").reset_index(drop=True)


def _clockwise(geom):
    if isinstance(geom, Polygon):
        return orient(geom, sign=-1.0)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([orient(p, sign=-1.0) for p in geom.geoms])
    if hasattr(geom, "geoms"):  # make_valid may return a collection; keep its areas only
        polys = [p for g in geom.geoms for p in getattr(g, "geoms", [g]) if isinstance(p, Polygon)]
        return MultiPolygon([orient(p, sign=-1.0) for p in polys])
    return geom


def load_boundaries(level: str = "wijk", year: int = BOUNDARY_YEAR, gemeentecode: str | None = None,
                    expected_codes: list[str] | None = None, refresh: bool = False) -> gpd.GeoDataFrame:
    """Boundaries of one gemeente (level 'wijk' or 'buurt') or of all gemeenten ('gemeente').

    `expected_codes`: area codes the data has; a boundary file that lacks any of them is an error
    (analysis.build.coverage.boundaries passes the wijken of the CBS KWB data in the mirror).
    """
    if level not in LEVELS:
        raise SourceError(f"level must be one of {LEVELS}, not {level!r}")
    if level != "gemeente" or gemeentecode is not None:
        gemeentecode = check_gemeentecode(gemeentecode)
    cached = paths.GEO_DIR / cache_name(level, year, gemeentecode)
    if refresh:
        try:
            download_wfs(level, year, gemeentecode, cached)
        except SourceError as exc:
            warnings.warn(f"boundaries {cached.name}: refresh failed ({exc}); using what is there",
                          SourceWarning, stacklevel=2)
    path = boundary_path(level, year, gemeentecode)
    if not path.is_file():
        try:
            download_wfs(level, year, gemeentecode, cached)
        except Exception as exc:  # network errors come in many types; name the source either way
            raise SourceError(f"source {cached.name!r} not in cache or mirror and download failed: {exc}") from exc
        path = cached
    out = _read_normalised(level, year, *_stamp(path))
    if level != "gemeente":
        out = out[out["gemeentecode"] == gemeentecode].reset_index(drop=True)
        if out.empty:
            raise SourceError(f"{path}: no {level} of {gemeentecode} in the file")
    if expected_codes:
        missing = sorted(set(expected_codes) - set(out[f"{level}code"]))
        if missing:
            raise SourceError(f"{path}: boundary codes do not match the data; missing {missing}")
    return out.copy()


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return str(path), st.st_mtime, st.st_size


@lru_cache(maxsize=32)
def _read_normalised(level: str, year: int, path: str, mtime: float, size: int) -> gpd.GeoDataFrame:
    path = Path(path)
    if path.suffix != ".gpkg" and path.parent == paths.GEO_DIR:
        download.check_cached(path)
    try:
        if path.suffix == ".gpkg":
            gdf = gpd.read_file(path, layer=gpkg_layer(level, year))
        else:
            gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for broken files
        raise SourceError(f"{path}: cannot read boundaries: {exc}") from exc
    if gdf.empty:
        raise SourceError(f"{path}: no features")
    if gdf.crs is None:
        raise SourceError(f"{path}: no CRS")
    check_bounds(gdf, path)
    out = normalise(gdf, level, year, path)
    dup = out[f"{level}code"][out[f"{level}code"].duplicated()]
    if len(dup):
        raise SourceError(f"{path}: {level} {dup.iloc[0]} appears more than once")
    return out


def boundary_wijken(year: int, gemeentecode: str) -> set[str] | None:
    """Wijk codes the boundary data (cache or mirror, never a download) has for a gemeente and year;
    None when no boundary file is at hand (analysis.build.coverage leaves out water-only wijken)."""
    try:
        path = boundary_path("wijk", year, gemeentecode)
    except SourceError:
        return None
    if not path.is_file() or path.suffix == ".gpkg":
        return None
    codes = _wijk_codes_cached(*_stamp(path))
    return {c for c in codes if c.startswith("WK" + gemeentecode[2:])}


@lru_cache(maxsize=32)
def _wijk_codes_cached(path: str, mtime: float, size: int) -> frozenset:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        props = [f.get("properties") or {} for f in doc["features"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{path}: cannot read boundaries: {exc}") from exc
    return frozenset(str(p.get("wijkcode") or p.get("buurtcode") or p.get("statcode") or "").strip()
                     for p in props) - {""}


def simplify_for_web(gdf: gpd.GeoDataFrame, tolerance: float = 0.0002, decimals: int = 5) -> gpd.GeoDataFrame:
    """Lighter geometry for charts (~20 m tolerance, ~1 m coordinate precision), orientation kept."""
    geoms = gdf.geometry.simplify(tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms.values, 10 ** -decimals)
    # Keep the frame's own index: a fresh 0..n-1 index would misalign rows of a filtered frame.
    return gdf.set_geometry(gpd.GeoSeries([_clockwise(g) for g in geoms], index=gdf.index, crs=gdf.crs))
