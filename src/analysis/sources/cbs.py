"""CBS Kerncijfers wijken en buurten (KWB): StatLine tables via cbsodata, or mirror extracts.

Columns are matched by key name, never by the numeric suffix that StatLine changes every
edition ('AantalInwoners_5' in 85984NED is the indicator 'population' in any year); the
catalogue says which key an indicator has in which edition (`catalogue.edition_key`).
Resolution per edition year: cache `data/raw/cbs/kwb_<year>_<gemeente>.csv` -> mirror
extract -> download with cbsodata (which fills the cache). A partial mirror extract (KWB 2024,
8 columns) does not block a download of the complete table; offline it is used with a warning.
Every value is a number or an explicit missing marker; every table is checked for duplicate
areas, missing wijken and missing keys before use.
"""
from __future__ import annotations

import difflib
import json
import math
import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.core import catalogue as cat
from analysis.core import paths
from analysis.core.areas import NL_CODE, check_gemeentecode, level_of, short_name
from analysis.core.catalogue import catalogue
from analysis.core.errors import SourceError, SourceWarning
from analysis.core.numbers import parse_machine
from analysis.sources import cbs_v4, download, facts, schema
from analysis.sources.cbs_v4 import MISSING
from analysis.sources.tabular import strict_table

_KWB = facts.of("cbs_kwb")  # sources.yml: tables per edition, mirror extracts, PDOK attribute files
KWB_TABLES = {int(y): str(t) for y, t in _KWB["tables"].items()}
DEFAULT_YEARS = tuple(_KWB["default_years"])
CACHE_DIR = paths.RAW_DIR / "cbs"
STRICT_ENV = "WIJKMONITOR_STRICT"
CORE_INDICATORS = ("population",)  # what a gemeente must have from some edition to build offline


class DownloadUnavailable(SourceError):
    """Not in cache or mirror, and the download failed (softened to a warning when other
    editions already give the gemeente's core figures)."""


@dataclass(frozen=True)
class MirrorExtract:
    """A partial KWB extract in the mirror: which file, which column block, what it is."""
    path: str
    kind: str  # "csv" (code column + named columns) or "odata_json" ({code: {Key_N: value}})
    prefix: str = ""
    note: str = ""
    partial: bool = False  # a column cut of the full table: a download may complete it
    columns: tuple = ()  # its schema contract: every column the loader reads (a missing one is an error)


MIRROR_KWB = {int(y): MirrorExtract(m["path"], m["kind"], m.get("prefix", ""), m.get("note", ""),
                                    bool(m.get("partial", False)), tuple(m.get("columns", ())))
              for y, m in _KWB["mirror"].items()}
# PDOK wijk- en buurtkaart 2024 attributes of every wijk of NL (the mirror's all-NL wijk file).
NL_WIJKEN_2024 = _KWB["nl_wijken_2024"]["path"]
PDOK_WIJK_FIELDS = dict(_KWB["nl_wijken_2024"]["fields"])
# PDOK gemeente attributes 2012-2024 (kaartjaar = KWB edition); which fields, and why: sources.yml.
GEMEENTE_ATTRIBUTES = _KWB["gemeente_attributes"]["path"]
GEMEENTE_FIELDS = dict(_KWB["gemeente_attributes"]["fields"])


def _strict(strict: bool | None) -> bool:
    return bool(os.environ.get(STRICT_ENV)) if strict is None else bool(strict)


def strip_suffix(key: str) -> str:
    """'HuishOnderOfRondSociaalMinimum_90' -> 'HuishOnderOfRondSociaalMinimum'."""
    return re.sub(r"_\d+$", "", key)


def resolve_columns(columns: list[str], prefix: str = "", source: str = "") -> dict[str, str]:
    """Map catalogue indicators to the columns of a KWB table or extract.

    A column matches an indicator by its StatLine key without numeric suffix (`cbs_key`, or an
    edition's `cbs_keys`) or, after removing `prefix`, by one of the indicator's mirror `aliases`.
    """
    by_key = cat.all_keys()
    by_alias = {a: ind for ind, al in catalogue()["aliases"].dropna().items() for a in al}
    found: dict[str, str] = {}
    for col in columns:
        if prefix and not col.startswith(prefix):
            continue
        name = col[len(prefix):]
        ind = by_key.get(strip_suffix(name)) if re.search(r"_\d+$", name) else None
        ind = ind or by_alias.get(name)
        if ind is None:
            continue
        if ind in found:
            raise SourceError(f"{source}: columns {found[ind]!r} and {col!r} both match indicator {ind!r}")
        found[ind] = col
    return found


def _wijk_pattern(gemeentecode: str) -> str:
    return rf"^WK{gemeentecode[2:]}[0-9A-Z]{{2}}$"  # letters are valid: WK0363AA


def _area_codes(codes: pd.Series, gemeentecode: str) -> pd.Series:
    """Keep NL, the gemeente itself and its wijken (codes stripped of StatLine padding)."""
    codes = codes.astype(str).str.strip()
    return codes.isin([NL_CODE, gemeentecode]) | codes.str.match(_wijk_pattern(gemeentecode))


def parse_numbers(values: pd.Series, codes: pd.Series, column: str, source: str) -> pd.Series:
    """Numbers, or NaN for an explicit missing marker; anything else is an error naming the cell."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    out = []
    for v, code in zip(values, codes):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(float("nan"))
            continue
        if isinstance(v, (int, float)):
            out.append(float(v))
            continue
        s = str(v).strip()
        if s in MISSING:
            out.append(float("nan"))
            continue
        try:
            out.append(parse_machine(s))
        except ValueError:
            raise SourceError(f"{source}: column {column!r}, area {code}: value {s!r} is neither a number "
                              "nor a missing marker (., empty, null, -)") from None
    return pd.Series(out, index=values.index, dtype=float)


def check_keys(found: dict[str, str], expected: dict[str, str], what: str, strict: bool | None = None,
               unmatched: list[str] = ()) -> None:
    """The schema contract (analysis.sources.schema): a table that is there but lacks a declared key
    (indicator -> key) is an error naming the table/file, edition and key, strict or not."""
    missing = {key: ind for ind, key in expected.items() if ind not in found}
    if missing:
        # Name the columns that look like a renamed key, not every column the loader leaves alone.
        close = [c for key in missing for c in difflib.get_close_matches(key, [str(u) for u in unmatched], n=3)]
        raise schema.SchemaError(schema.message(what, missing, list(dict.fromkeys(close))))


def tidy_kwb(table: pd.DataFrame, year: int, gemeentecode: str, source: str, prefix: str = "",
             code_col: str = "Codering_3", name_col: str | None = None, indicators: dict[str, str] | None = None
             ) -> pd.DataFrame:
    """A KWB table (one row per area, one column per variable) -> tidy observation rows.

    `indicators` (id -> column) overrides the key/alias matching.
    """
    if code_col not in table.columns:
        raise SourceError(f"{source}: no area code column {code_col!r}")
    table = table.assign(**{code_col: table[code_col].astype(str).str.strip()})
    table = table[_area_codes(table[code_col], gemeentecode)]
    if table.empty:
        raise SourceError(f"{source}: no rows for {gemeentecode} or its wijken")
    dup = table[code_col][table[code_col].duplicated()]
    if len(dup):
        raise SourceError(f"{source}: area {dup.iloc[0]} appears more than once")
    cols = indicators if indicators is not None else resolve_columns(list(table.columns), prefix, source)
    if not cols:
        raise SourceError(f"{source}: no known KWB column found (malformed or wrong file?)")
    levels = table[code_col].map(level_of)
    rows = []
    for ind, col in cols.items():
        values = parse_numbers(table[col], table[code_col], col, source)
        for code, name, level, v in zip(table[code_col], table[name_col] if name_col else table[code_col],
                                        levels, values):
            if math.isnan(v):
                # Missing where the same level has values elsewhere: CBS secrecy. Missing for the
                # whole level: the source does not publish it there, so there is no observation.
                if values[levels == level].isna().all():
                    continue
                status = "suppressed"
            else:
                status = "ok"
            rows.append({"area_code": code, "area_name": short_name(name) if name_col else None,
                         "indicator": ind, "dataset": f"kwb_{year}", "meting": None, "year": float(year),
                         "period": str(year), "value": float(v), "status": status,
                         "source": f"{source} [{col}]"})
    return pd.DataFrame(rows)


# --- reading files (each big file once per process) -------------------------------------------

def _stamp(path: Path) -> tuple[str, float, int]:
    st = path.stat()
    return str(path), st.st_mtime, st.st_size


def read_csv_checked(path: Path) -> pd.DataFrame:
    """A CSV extract as text columns; a record with too few fields (cut mid-line) is an error."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: malformed KWB extract: {exc}") from exc
    return strict_table(text, path)


@lru_cache(maxsize=16)
def _read_mirror_cached(stamp: tuple, kind: str) -> pd.DataFrame:
    table = _read_mirror_file(Path(stamp[0]), kind)
    code_col = "Codering_3" if kind == "odata_json" else "code"
    codes = table[code_col].astype(str).str.strip()
    # The gemeente number of each row ('' for NL00): one vectorised compare selects a gemeente.
    return table.assign(_gm=codes.str[2:6].where(codes.str[:2].isin(["GM", "WK"]), ""))


def _read_mirror_file(path: Path, kind: str) -> pd.DataFrame:
    if kind == "odata_json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SourceError(f"{path}: malformed KWB extract: {exc}") from exc
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise SourceError(f"{path}: malformed KWB extract: expected {{code: {{key: value}}}}")
        return pd.DataFrame.from_dict(data, orient="index").rename_axis("Codering_3").reset_index()
    return read_csv_checked(path)


def _read_mirror(extract: MirrorExtract, path: Path, gemeentecode: str | None = None
                 ) -> tuple[pd.DataFrame, str, str | None]:
    """A mirror extract (read once per process), cut to NL00 + one gemeente when given."""
    table = _read_mirror_cached(_stamp(path), extract.kind)
    code_col, name_col = ("Codering_3", None) if extract.kind == "odata_json" else ("code", "naam")
    if gemeentecode is not None:
        table = table[(table["_gm"] == gemeentecode[2:]) | (table[code_col].astype(str).str.strip() == NL_CODE)]
    return table.drop(columns="_gm"), code_col, name_col


@lru_cache(maxsize=4)
def _nl_wijken_cached(stamp: tuple) -> pd.DataFrame:
    path = Path(stamp[0])
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        props = pd.DataFrame([f["properties"] for f in doc["features"]])
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{path}: malformed wijk file: {exc}") from exc
    declared = {"wijkcode": "wijkcode", "wijknaam": "wijknaam", "gemeentecode": "gemeentecode", **PDOK_WIJK_FIELDS}
    schema.require(props.columns, declared, f"{path}: PDOK wijk- en buurtkaart 2024 (KWB 2024), wijkattributen")
    return props


def nl_wijken_2024() -> pd.DataFrame | None:
    """Properties of every wijk in the mirror's all-NL 2024 wijk file (None without mirror)."""
    mirror = paths.mirror_dir()
    if mirror is None or not (mirror / NL_WIJKEN_2024).is_file():
        return None
    return _nl_wijken_cached(_stamp(mirror / NL_WIJKEN_2024))


def inhabited_wijken_2024(gemeentecode: str) -> set[str] | None:
    """2024 wijk codes of a gemeente that have inhabitants (water-only wijken excluded)."""
    props = nl_wijken_2024()
    if props is None:
        return None
    sel = props[(props["gemeentecode"] == gemeentecode) & props["aantal_inwoners"].notna()]
    return set(sel["wijkcode"])


def data_wijken(year: int, gemeentecode: str) -> set[str] | None:
    """Wijk codes of a gemeente in the mirror's KWB extract of `year` (None when it has none)."""
    extract = MIRROR_KWB.get(year)
    mirror = paths.mirror_dir()
    if extract is None or mirror is None or not (mirror / extract.path).is_file():
        return None
    table, code_col, _ = _read_mirror(extract, mirror / extract.path, gemeentecode)
    codes = set(table[code_col].astype(str).str.strip())
    wijken = {c for c in codes if c.startswith("WK")}
    return wijken or None


def check_complete(codes, gemeentecode: str, year: int, source: str, expected_wijken=None) -> None:
    """Every wijk `expected_wijken(year, gemeentecode)` names (analysis.build.coverage: the inhabited
    wijken of the boundary data) must be in the table: a missing one means a cut file."""
    present = set(codes)
    expected = expected_wijken(year, gemeentecode) if expected_wijken is not None else None
    if expected is None:
        return
    missing = sorted(expected - present)
    if missing:
        raise SourceError(f"{source}: wijken of {gemeentecode} missing in KWB {year}: {missing} "
                          "(file cut off or wrong extract?)")


# --- one edition ------------------------------------------------------------------------------

def _tidy_full_table(table: pd.DataFrame, year: int, gemeentecode: str, path: Path, source: str,
                     strict: bool | None, expected_wijken=None) -> pd.DataFrame:
    name_col = "WijkenEnBuurten" if "WijkenEnBuurten" in table else None
    cols = resolve_columns(list(table.columns), source=source)
    layout = cat.detect_layout(table.columns)
    expected = cat.expected_indicators(year, layout)
    indeling = "oude" if layout == "old" else "nieuwe"
    unmatched = [c for c in table.columns if re.search(r"_\d+$", str(c)) and c not in cols.values()]
    check_keys(cols, expected, f"{path.name}: CBS {KWB_TABLES.get(year)}, KWB {year} ({indeling} indeling)", strict,
               unmatched)
    code_col = "Codering_3"
    sel = table[_area_codes(table[code_col].astype(str), gemeentecode)] if code_col in table else table
    check_complete(sel[code_col].astype(str).str.strip() if code_col in sel else [], gemeentecode, year,
                   str(path), expected_wijken)
    return tidy_kwb(table, year, gemeentecode, source, name_col=name_col, indicators=cols or None)


def _from_cache(path: Path, year: int, gemeentecode: str, strict: bool | None, expected_wijken=None) -> pd.DataFrame:
    table = read_csv_checked(path)
    download.check_cached(path, rows=len(table))
    source = f"CBS {KWB_TABLES.get(year)} via cbsodata ({path.name})"
    return _tidy_full_table(table, year, gemeentecode, path, source, strict, expected_wijken)


def _from_mirror(extract: MirrorExtract, path: Path, year: int, gemeentecode: str,
                 strict: bool | None, expected_wijken=None) -> pd.DataFrame:
    table, code_col, name_col = _read_mirror(extract, path, gemeentecode)
    source = f"mirror {extract.path}: {extract.note}"
    cols = resolve_columns(list(table.columns), extract.prefix, source)
    found_cols = {c[len(extract.prefix):] if extract.prefix else c for c in cols.values()}
    missing = [c for c in extract.columns if c not in found_cols]
    if missing:
        by_key = cat.all_keys()
        by_alias = {a: ind for ind, al in catalogue()["aliases"].dropna().items() for a in al}
        expected = {by_key.get(strip_suffix(c)) or by_alias.get(c) or c: c for c in missing}
        unmatched = [c[len(extract.prefix):] for c in table.columns if c not in cols.values()
                     and c not in (code_col, name_col) and (not extract.prefix or c.startswith(extract.prefix))]
        check_keys({}, expected, f"{path}: CBS {KWB_TABLES.get(year)}, KWB {year}", strict, unmatched)
    sel = table[_area_codes(table[code_col].astype(str), gemeentecode)]
    check_complete(sel[code_col].astype(str).str.strip(), gemeentecode, year, str(path), expected_wijken)
    out = tidy_kwb(table, year, gemeentecode, source, extract.prefix, code_col, name_col, indicators=cols)
    if year == 2024:
        out = pd.concat([out, _pdok_wijk_2024(gemeentecode, set(out["indicator"]))], ignore_index=True)
    return out


def _pdok_wijk_2024(gemeentecode: str, have: set[str]) -> pd.DataFrame:
    """KWB 2024 wijk attributes of the PDOK wijk- en buurtkaart (all NL), for indicators the
    StatLine extract lacks."""
    props = nl_wijken_2024()
    if props is None:
        return pd.DataFrame()
    sel = props[props["gemeentecode"] == gemeentecode]
    fields = {ind: f for f, ind in PDOK_WIJK_FIELDS.items() if f in sel.columns and ind not in have}
    # Wijken without any value (water-only 'Groot water') are not areas the KWB reports on.
    sel = sel[sel[list(PDOK_WIJK_FIELDS)].notna().any(axis=1)] if len(sel) else sel
    if sel.empty or not fields:
        return pd.DataFrame()
    return tidy_kwb(sel, 2024, gemeentecode, f"mirror {NL_WIJKEN_2024}: PDOK wijk- en buurtkaart 2024 (KWB 2024)",
                    code_col="wijkcode", name_col="wijknaam", indicators=fields)


def download_kwb(year: int, gemeentecode: str, dest: Path) -> None:
    """Fetch one KWB edition for NL, the gemeente and its wijken from CBS StatLine (OData v3).

    Timeout, retries and backoff via `download.with_retries`; an empty answer or one without the
    gemeente's row is refused; the cache file is written atomically with a sidecar.
    """
    import cbsodata  # 0.14 s (python -X importtime): only when neither cache nor mirror has the table

    if year not in KWB_TABLES:
        raise SourceError(f"no known StatLine table for KWB {year}; known: {sorted(KWB_TABLES)}")
    gm = gemeentecode[2:]
    flt = (f"startswith(WijkenEnBuurten,'NL00') or startswith(WijkenEnBuurten,'GM{gm}') "
           f"or startswith(WijkenEnBuurten,'WK{gm}')")
    cbsodata.options.requests.setdefault("timeout", download.TIMEOUT)
    label = f"CBS {KWB_TABLES[year]} (KWB {year}) for {gemeentecode} via cbsodata -> {dest.name}"
    rows = download.with_retries(label, "opendata.cbs.nl",
                                 lambda: cbsodata.get_data(KWB_TABLES[year], filters=flt))
    data = pd.DataFrame(rows)
    if data.empty:
        raise download.DownloadError(f"{label}: empty answer; not cached")
    codes = data.get("Codering_3", data.get("WijkenEnBuurten", pd.Series(dtype=str))).astype(str).str.strip()
    if gemeentecode not in set(codes):
        raise download.DownloadError(f"{label}: answer has no row for {gemeentecode}; not cached")
    download.write_cached(dest, lambda p: data.to_csv(p, index=False), len(data), label)


def kwb_observations(year: int, gemeentecode: str, strict: bool | None = None,
                     refresh: bool = False, expected_wijken=None) -> pd.DataFrame:
    """Tidy KWB rows for one edition year: cache -> mirror -> download (see module doc).

    `expected_wijken(year, gemeentecode)`: the wijken the table must have (check_complete)."""
    gemeentecode = check_gemeentecode(gemeentecode)
    name = f"kwb_{year}_{gemeentecode}.csv"
    cached = CACHE_DIR / name
    extract = MIRROR_KWB.get(year)
    mirror = paths.mirror_dir()
    mirror_path = mirror / extract.path if extract and mirror and (mirror / extract.path).is_file() else None
    has_gm = False
    if mirror_path is not None:
        table, code_col, _ = _read_mirror(extract, mirror_path, gemeentecode)
        has_gm = bool(_area_codes(table[code_col].astype(str), gemeentecode).any())
    if cached.is_file() and not refresh:
        return _from_cache(cached, year, gemeentecode, strict, expected_wijken)
    if has_gm and not extract.partial and not refresh:
        return _from_mirror(extract, mirror_path, year, gemeentecode, strict, expected_wijken)
    try:
        download_kwb(year, gemeentecode, cached)
    except SourceError as exc:
        if has_gm:
            warnings.warn(f"KWB {year} ({KWB_TABLES.get(year)}): download failed ({exc}); using the partial "
                          f"mirror extract {extract.path} ({extract.note})", SourceWarning, stacklevel=2)
            return _from_mirror(extract, mirror_path, year, gemeentecode, strict, expected_wijken)
        raise DownloadUnavailable(f"source {name!r} not in cache or mirror and {_reason(exc)}") from exc
    except Exception as exc:  # anything unexpected from the client: name the source
        raise DownloadUnavailable(f"source {name!r} not in cache or mirror and download failed: {exc}") from exc
    return _from_cache(cached, year, gemeentecode, strict, expected_wijken)


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text[text.index("download failed"):] if "download failed" in text else f"download failed: {text}"


def observations(gemeentecode: str, years=DEFAULT_YEARS, strict: bool | None = None,
                 refresh: bool = False, national: bool = False, expected_wijken=None) -> pd.DataFrame:
    """Tidy rows for every requested KWB edition, plus (`national=True`) the CBS 83841NED NL00 series
    (`cbs_v4.national_low_income`, which `observations.collect` adds itself).

    An edition that is neither cached, in the mirror nor downloadable is a warning naming the
    source when another edition gives the gemeente's core figures; otherwise an error.
    """
    parts, failed = [], []
    for y in years:
        try:
            parts.append(kwb_observations(y, gemeentecode, strict, refresh, expected_wijken))
        except DownloadUnavailable as exc:
            failed.append(exc)
    have_core = any(p["indicator"].isin(CORE_INDICATORS).any() for p in parts if len(p))
    if failed and (not have_core or _strict(strict)):
        raise failed[0]
    for exc in failed:
        warnings.warn(f"{exc}; continuing with the other editions", SourceWarning, stacklevel=2)
    if national:
        try:
            parts.append(cbs_v4.national_low_income(refresh=refresh))
        except DownloadUnavailable as exc:  # pragma: no cover - the mirror holds the export
            warnings.warn(str(exc), SourceWarning, stacklevel=2)
    return pd.concat([p for p in parts if len(p)], ignore_index=True)


# --- gemeente attributes 2012-2024 --------------------------------------------------------------

@lru_cache(maxsize=2)
def _gemeente_table(stamp: tuple) -> pd.DataFrame:
    path = Path(stamp[0])
    table = read_csv_checked(path)
    schema.require(table.columns, {c: c for c in ("kaartjaar", "gemeentecode", "gemeentenaam")},
                   f"{path}: PDOK/CBS wijk- en buurtkaart, gemeenteattributen kaartjaar 2012-2024")
    dup = table.duplicated(["kaartjaar", "gemeentecode"])
    if dup.any():
        r = table[dup].iloc[0]
        raise SourceError(f"{path}: gemeente {r['gemeentecode']} appears twice in kaartjaar {r['kaartjaar']}")
    schema.require(table.columns, GEMEENTE_FIELDS,
                   f"{path}: PDOK/CBS wijk- en buurtkaart, gemeenteattributen kaartjaar 2012-2024")
    out = table[["kaartjaar", "gemeentecode", "gemeentenaam"]].copy()
    out["kaartjaar"] = parse_numbers(table["kaartjaar"], table["gemeentecode"], "kaartjaar", str(path)).astype(int)
    for f in GEMEENTE_FIELDS:
        out[f] = parse_numbers(table[f], table["gemeentecode"], f, str(path))
    # Rows without any CBS value (e.g. a 'GM9999' placeholder in 2012) are not gemeenten.
    return out[out[list(GEMEENTE_FIELDS)].notna().any(axis=1)].reset_index(drop=True)


def gemeente_series(gemeentecodes=None) -> pd.DataFrame:
    """Tidy gemeente-level KWB rows 2012-2024 from the PDOK gemeente attributes in the mirror
    (dataset `kwb_gemeenten`, year = kaartjaar). `gemeentecodes`: None for every gemeente."""
    mirror = paths.mirror_dir(required=True)
    path = mirror / GEMEENTE_ATTRIBUTES
    if not path.is_file():
        raise SourceError(f"source {GEMEENTE_ATTRIBUTES!r} not in the mirror {mirror}")
    table = _gemeente_table(_stamp(path))
    if gemeentecodes is not None:
        codes = [check_gemeentecode(c) for c in ([gemeentecodes] if isinstance(gemeentecodes, str) else gemeentecodes)]
        unknown = sorted(set(codes) - set(table["gemeentecode"]))
        if unknown:
            raise SourceError(f"{path}: no rows for {unknown}")
        table = table[table["gemeentecode"].isin(codes)]
    long = table.melt(id_vars=["kaartjaar", "gemeentecode", "gemeentenaam"], value_vars=list(GEMEENTE_FIELDS),
                      var_name="field", value_name="value")
    full = _gemeente_table(_stamp(path))
    published = {(int(y), f) for f in GEMEENTE_FIELDS for y in full.loc[full[f].notna(), "kaartjaar"].unique()}
    long = long[[(int(y), f) in published for y, f in zip(long["kaartjaar"], long["field"])]]
    out = pd.DataFrame({
        "area_code": long["gemeentecode"], "area_name": long["gemeentenaam"],
        "indicator": long["field"].map(GEMEENTE_FIELDS), "dataset": "kwb_gemeenten", "meting": None,
        "year": long["kaartjaar"].astype(float), "period": long["kaartjaar"].astype(str),
        "value": long["value"], "status": ["ok" if pd.notna(v) else "suppressed" for v in long["value"]],
        "source": [f"PDOK/CBS wijk- en buurtkaart {y}, gemeenten (mirror {GEMEENTE_ATTRIBUTES}) [{f}]"
                   for y, f in zip(long["kaartjaar"], long["field"])],
    })
    return out.sort_values(["area_code", "indicator", "year"], kind="stable").reset_index(drop=True)
