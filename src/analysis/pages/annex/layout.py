"""The printed layout of a gemeente's annex tables (`data/raw/<GM>/bijlagen.yml`), validated.

Without a layout file every KPI set of the monitor becomes one table in the monitor's order,
headed by its catalogue labels, newest meting first. With one, the tables follow the printed
report: sheet order, column order, heading rows (opgave, doel, levensfase), printed KPI names
and units, duplicate rows. KPIs of a KPI set that the layout does not name are added at the end,
so nothing in the data is left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.core import paths
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import SourceError

LAYOUT_FILE = "bijlagen.yml"
GROUP_KEYS = ("opgave", "doel", "levensfase")  # heading levels, outermost first
COLUMN_TOKENS = ("kpi", "beweging", "metingen", "bron", "meetmoment", "wijken")
AREA_KINDS = ("gemeente", "land")
DEFAULT_HEADERS = {"kpi": "KPI", "beweging": "Beweging", "bron": "Bron", "meetmoment": "Meetmoment"}


@dataclass(frozen=True)
class RowSpec:
    indicator: str
    label: str
    printed_unit: str | None = None
    fields: dict = field(default_factory=dict)
    headings: tuple[tuple[str, str], ...] = ()  # (group key, heading text), outermost first
    added: bool = False  # not in the layout file: added so that the data are complete


@dataclass(frozen=True)
class TableSpec:
    kpi_set: str
    sheet: str
    title: str
    columns: tuple[str, ...]
    headers: dict
    areas: tuple[str, ...]
    newest_first: bool
    grid: bool
    rows: tuple[RowSpec, ...]


@dataclass(frozen=True)
class Layout:
    source: str
    tables: tuple[TableSpec, ...]
    path: Path | None = None


def _fail(path, where: str, msg: str):
    raise SourceError(f"{path}: {where}: {msg}")


def _default_table(monitor, k) -> TableSpec:
    grid = "wijk" in k.areas
    rows = tuple(RowSpec(i, catalogue_entry(i)["label"]) for i in k.indicators)
    columns = ("kpi", "meetmoment", "wijken") if grid else ("kpi", "beweging", "metingen", "bron")
    areas = tuple(a for a in ("gemeente", "land") if a in k.areas)
    sheet = "".join(ch for ch in k.table if ch not in "[]:*?/\\")[:31]
    return TableSpec(k.id, sheet, f"{k.table}: {k.title}", columns, dict(DEFAULT_HEADERS), areas, True, grid, rows)


def _table(path, i: int, spec: dict, monitor) -> TableSpec:
    where = f"tables[{i}]"
    if not isinstance(spec, dict) or "kpi_set" not in spec:
        _fail(path, where, "sleutel 'kpi_set' ontbreekt")
    try:
        k = monitor.kpi_set(spec["kpi_set"])
    except SourceError:
        _fail(path, where, f"onbekende KPI-set {spec['kpi_set']!r}; wel: {[x.id for x in monitor.kpi_sets]}")
    default = _default_table(monitor, k)
    columns = tuple(spec.get("columns") or default.columns)
    for c in columns:
        if c not in COLUMN_TOKENS and not any(c in (r.get("fields") or {}) for g in spec.get("groups") or []
                                               for r in g.get("rows") or []):
            _fail(path, f"{where}.columns", f"onbekende kolom {c!r}; kies uit {COLUMN_TOKENS} of een veld van de rijen")
    areas = tuple(spec.get("areas") or default.areas)
    bad = [a for a in areas if a not in AREA_KINDS or a not in k.areas]
    if bad:
        _fail(path, f"{where}.areas", f"{bad} hoort niet bij KPI-set {k.id} (gebieden: {list(k.areas)})")
    order = spec.get("metingen", "newest_first")
    if order not in ("newest_first", "oldest_first"):
        _fail(path, f"{where}.metingen", f"{order!r}: kies newest_first of oldest_first")
    rows = []
    for g_i, g in enumerate(spec.get("groups") or []):
        headings = tuple((key, str(g[key])) for key in GROUP_KEYS if g.get(key))
        for r_i, r in enumerate(g.get("rows") or []):
            w = f"{where}.groups[{g_i}].rows[{r_i}]"
            ind = r.get("indicator") if isinstance(r, dict) else None
            if ind not in k.indicators:
                _fail(path, w, f"indicator {ind!r} staat niet in KPI-set {k.id} van monitor.yml")
            rows.append(RowSpec(ind, str(r.get("label") or catalogue_entry(ind)["label"]), r.get("printed_unit"),
                                dict(r.get("fields") or {}), headings))
    named = {r.indicator for r in rows}
    rows += [RowSpec(i, catalogue_entry(i)["label"], headings=(("doel", "Overige KPI's (niet in de opmaak van het rapport)"),),
                     added=True) for i in k.indicators if i not in named]
    headers = {**DEFAULT_HEADERS, **(spec.get("headers") or {})}
    return TableSpec(k.id, str(spec.get("sheet") or default.sheet)[:31], str(spec.get("title") or default.title),
                     columns, headers, areas, order == "newest_first", bool(spec.get("grid", default.grid)), tuple(rows))


def load(monitor, raw_dir: Path | None = None) -> Layout:
    """The layout of `monitor`'s annex tables: its bijlagen.yml, else one plain table per KPI set."""
    path = Path(raw_dir or paths.gemeente_raw_dir(monitor.code)) / LAYOUT_FILE
    if not path.is_file():
        return Layout(monitor.name, tuple(_default_table(monitor, k) for k in monitor.kpi_sets))
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: geen geldige YAML ({exc.__class__.__name__})") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("tables"), list):
        raise SourceError(f"{path}: verwacht de sleutels source en tables (een lijst)")
    tables = [_table(path, i, t, monitor) for i, t in enumerate(spec["tables"])]
    listed = {t.kpi_set for t in tables}
    tables += [_default_table(monitor, k) for k in monitor.kpi_sets if k.id not in listed]
    return Layout(str(spec.get("source") or monitor.name), tuple(tables), path)
