"""Monitor definitions: what a gemeente reports (`data/raw/<GM>/monitor.yml`), as data.

A gemeente without a definition gets the CBS-only monitor: its name from the boundary data,
the regions of `data/raw/regions.yml` it belongs to, no KPI sets of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.core import paths
from analysis.core.areas import check_gemeentecode
from analysis.core.errors import SourceError
from analysis.build import gemeenten
from analysis.core.catalogue import catalogue

AREA_KINDS = ("wijk", "gemeente", "land", "regio")
MONITOR_FILE = "monitor.yml"
REGIONS_FILE = "regions.yml"
# Shown on the landing page and first on the indicator map when a monitor names none.
CBS_HEADLINE = "population_density"


@dataclass(frozen=True)
class Region:
    name: str
    title: str
    gemeenten: tuple[str, ...]


@dataclass(frozen=True)
class KpiSet:
    id: str
    title: str
    table: str
    series: str | None
    indicators: tuple[str, ...]
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Monitor:
    code: str
    name: str
    regions: tuple[Region, ...] = ()
    kpi_sets: tuple[KpiSet, ...] = ()
    series: dict = field(default_factory=dict)
    headline: str = CBS_HEADLINE
    raw_dir: Path | None = None

    @property
    def is_cbs_only(self) -> bool:
        return not self.kpi_sets

    def kpi_set(self, set_id: str) -> KpiSet:
        for k in self.kpi_sets:
            if k.id == set_id:
                return k
        raise SourceError(f"{self.code}: geen KPI-set {set_id!r}; wel: {[k.id for k in self.kpi_sets]}")

    def wijk_set(self) -> KpiSet | None:
        """The KPI set reported per wijk, if any."""
        return next((k for k in self.kpi_sets if "wijk" in k.areas), None)

    def region_gemeenten(self) -> list[str]:
        """Every gemeente of this gemeente's regions, itself first."""
        out = [self.code]
        for r in self.regions:
            out += [g for g in r.gemeenten if g not in out]
        return out


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", regel {mark.line + 1}" if mark else ""
        raise SourceError(f"{path}{where}: geen geldige YAML ({getattr(exc, 'problem', exc)})") from None


def regions(raw_dir: Path | None = None) -> dict[str, Region]:
    """Every region of `data/raw/regions.yml` (none when the file is absent)."""
    path = Path(raw_dir or paths.RAW_DIR) / REGIONS_FILE
    if not path.is_file():
        return {}
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise SourceError(f"{path}: verwacht per regio een naam met 'gemeenten: [...]'")
    out = {}
    for name, spec in data.items():
        members = spec.get("gemeenten") if isinstance(spec, dict) else spec if isinstance(spec, list) else None
        if not members:
            raise SourceError(f"{path}: regio {name!r}: sleutel 'gemeenten' ontbreekt of is leeg")
        for g in members:
            try:
                gemeenten.check(g)
            except Exception:
                raise SourceError(f"{path}: regio {name!r}: onbekende gemeente {g!r}") from None
        title = spec.get("title", name) if isinstance(spec, dict) else name
        out[name] = Region(name, title, tuple(members))
    return out


def load(gemeentecode: str, raw_dir: Path | None = None) -> Monitor:
    """The monitor of a gemeente: its definition file, or the CBS-only monitor."""
    code = gemeenten.check(check_gemeentecode(gemeentecode))
    root = Path(raw_dir or paths.RAW_DIR)
    all_regions = regions(root)
    folder = root / code
    path = folder / MONITOR_FILE
    if not path.is_file():
        own = tuple(r for r in all_regions.values() if code in r.gemeenten)
        return Monitor(code, gemeenten.name(code), own, raw_dir=folder if folder.is_dir() else None)
    spec = _read_yaml(path)
    if not isinstance(spec, dict):
        raise SourceError(f"{path}: verwacht sleutels name, regions, series, kpi_sets")
    known = set(catalogue().index)
    unknown_keys = set(spec) - {"name", "regions", "headline", "series", "kpi_sets", "measurements"}
    if unknown_keys:
        raise SourceError(f"{path}: onbekende sleutel(s) {sorted(unknown_keys)}")
    region_list = []
    for r in spec.get("regions") or []:
        if r not in all_regions:
            raise SourceError(f"{path}: regions: onbekende regio {r!r}; bekend in {REGIONS_FILE}: {sorted(all_regions)}")
        region_list.append(all_regions[r])
    series = spec.get("series") or {}
    sets = []
    for i, k in enumerate(spec.get("kpi_sets") or []):
        where = f"{path}: kpi_sets[{i}]"
        for key in ("id", "title", "indicators"):
            if key not in k:
                raise SourceError(f"{where}: sleutel {key!r} ontbreekt")
        bad = [ind for ind in k["indicators"] if ind not in known]
        if bad:
            raise SourceError(f"{where} ({k['id']}): onbekende indicator(en) {bad} (niet in catalogue.yml)")
        if k.get("series") is not None and k["series"] not in series:
            raise SourceError(f"{where} ({k['id']}): onbekende reeks {k['series']!r}; bekend: {sorted(series)}")
        areas = tuple(k.get("areas") or ["gemeente"])
        bad = [a for a in areas if a not in AREA_KINDS]
        if bad:
            raise SourceError(f"{where} ({k['id']}): onbekend gebiedsniveau {bad}; kies uit {AREA_KINDS}")
        sets.append(KpiSet(k["id"], k["title"], k.get("table", k["title"]), k.get("series"),
                           tuple(dict.fromkeys(k["indicators"])), areas))
    headline = spec.get("headline", CBS_HEADLINE)
    if headline not in known:
        raise SourceError(f"{path}: headline: onbekende indicator {headline!r}")
    data_dir = (folder / spec.get("measurements", ".")).resolve()
    if not data_dir.is_dir():
        raise SourceError(f"{path}: measurements: map {spec.get('measurements')!r} bestaat niet ({data_dir})")
    return Monitor(code, spec.get("name") or gemeenten.name(code), tuple(region_list), tuple(sets), series,
                   headline, data_dir)
