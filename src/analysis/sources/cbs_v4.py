"""CBS OData v4 (datasets.cbs.nl): bulk-export reader, download client, and the national
low-income series of 83841NED.

A v4 table is `Observations` (Measure, one column per dimension, Perioden, Value,
ValueAttribute) plus one code list per dimension (`<Dim>Codes`), `MeasureCodes`, `Dimensions`
and `Properties`. A bulk export holds them as `;`-separated CSV with decimal commas; the
client writes the feed's JSON pages into the same layout, so one reader serves both.
Resolution: cache `data/raw/cbs/odata4_<table>/` -> mirror `cbs/odata4_<table>/` -> download.
"""
from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.core import paths
from analysis.core.areas import NL_CODE
from analysis.core.errors import SourceError, SourceWarning
from analysis.core.numbers import parse_machine
from analysis.sources import download, facts
from analysis.sources.tabular import strict_table

_V4 = facts.of("cbs_v4")  # sources.yml: base URL, tables, the low-income selection
V4_BASE = _V4["base_url"]
V4_TABLES = set(_V4["tables"])  # tables this project reads through v4
CACHE_DIR = paths.RAW_DIR / "cbs"
MISSING = {"", ".", "-", "null", "None", "nan", "NaN"}

LOW_INCOME_TABLE = _V4["low_income"]["table"]
LOW_INCOME = dict(_V4["low_income"]["codes"])  # InkomensgrensHuishouden code -> catalogue indicator
LOW_INCOME_SELECTION = dict(_V4["low_income"]["selection"])
LOW_INCOME_YEARS = range(_V4["low_income"]["years"]["first"], _V4["low_income"]["years"]["last"] + 1)


@dataclass
class V4Table:
    """One v4 table: observations with parsed numbers, and its code lists (Identifier -> row)."""
    table: str
    folder: Path
    observations: pd.DataFrame
    codes: dict[str, pd.DataFrame] = field(default_factory=dict)
    properties: dict = field(default_factory=dict)

    def title(self, dim: str, code: str) -> str:
        return str(self.codes[dim].loc[code, "Title"])


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise SourceError(f"{path}: missing in the v4 export")
    text = path.read_text(encoding="utf-8-sig")
    return strict_table(text, path, delimiter=";", record="record", dtype=str)


def parse_value(raw: str, where: str) -> float:
    """A v4 value: decimal comma or point; `.`, empty, null, `-` are missing; anything else is an error."""
    s = str(raw).strip()
    if s in MISSING:
        return float("nan")
    try:
        return parse_machine(s)
    except ValueError:
        raise SourceError(f"{where}: value {s!r} is neither a number nor a missing marker (., empty, null, -)") from None


def read_bulk(folder: Path, table: str | None = None) -> V4Table:
    """Read a v4 bulk export folder generically (every dimension its code list)."""
    folder = Path(folder)
    obs = _read_csv(folder / "Observations.csv")
    required = {"Measure", "Value"}
    if not required <= set(obs.columns):
        raise SourceError(f"{folder / 'Observations.csv'}: missing columns {sorted(required - set(obs.columns))}")
    if (folder / "Dimensions.csv").is_file():
        dims = list(_read_csv(folder / "Dimensions.csv")["Identifier"])
    else:
        dims = [c for c in obs.columns if c not in {"Id", "Measure", "Value", "StringValue", "ValueAttribute"}]
    missing_dims = [d for d in dims if d not in obs.columns]
    if missing_dims:
        raise SourceError(f"{folder / 'Observations.csv'}: dimension columns {missing_dims} missing")
    codes = {"Measure": _read_csv(folder / "MeasureCodes.csv").set_index("Identifier")}
    for d in dims:
        codes[d] = _read_csv(folder / f"{d}Codes.csv").set_index("Identifier")
    for d in ["Measure", *dims]:
        unknown = sorted(set(obs[d]) - set(codes[d].index))
        if unknown:
            raise SourceError(f"{folder / 'Observations.csv'}: {d} codes {unknown[:5]} not in {d}Codes")
    dup = obs.duplicated(["Measure", *dims])
    if dup.any():
        raise SourceError(f"{folder / 'Observations.csv'}: duplicate observation {obs[dup].iloc[0][['Measure', *dims]].to_dict()}")
    if "Id" in obs.columns:
        ids = pd.to_numeric(obs["Id"], errors="coerce")
        if ids.isna().any() or not (ids.diff().dropna() == 1).all() or ids.iloc[0] != 0:
            raise SourceError(f"{folder / 'Observations.csv'}: Id column not 0..n-1 (rows missing or reordered)")
    vals = [parse_value(v, f"{folder / 'Observations.csv'} row Id {i}") for i, v in zip(obs.get("Id", obs.index), obs["Value"])]
    obs = obs.assign(Value=vals)
    props = {}
    if (folder / "Properties.csv").is_file():
        props = _read_csv(folder / "Properties.csv").iloc[0].to_dict()
        count = pd.to_numeric(props.get("ObservationCount"), errors="coerce")
        if pd.notna(count) and int(count) != len(obs):
            raise SourceError(f"{folder / 'Observations.csv'}: {len(obs)} rows, Properties.csv says {int(count)} "
                              "(truncated export?)")
    table = table or props.get("Identifier") or folder.name.replace("odata4_", "")
    return V4Table(table, folder, obs, codes, props)


# --- download client ------------------------------------------------------------------------

def _to_csv_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v).replace(".", ",")
    return str(v)


def _write_rows(path: Path, rows: list[dict]) -> None:
    cols = list(dict.fromkeys(k for r in rows for k in r if not k.startswith("@")))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([_to_csv_value(r.get(c)) for c in cols])


def download_bulk(table: str, dest: Path, *, transport=None, filter: str | None = None) -> Path:
    """Fetch a v4 table (Observations with paging, MeasureCodes, Dimensions, code lists, Properties)
    into `dest` in the bulk-export layout; each file written atomically with a sidecar."""
    base = V4_BASE.format(table=table)
    kw = {"transport": transport}
    dims = download.get_odata_pages(f"{base}/Dimensions", **kw)
    files = {"Dimensions.csv": dims, "MeasureCodes.csv": download.get_odata_pages(f"{base}/MeasureCodes", **kw)}
    for d in dims:
        files[f"{d['Identifier']}Codes.csv"] = download.get_odata_pages(f"{base}/{d['Identifier']}Codes", **kw)
    props = download.get_json(f"{base}/Properties", **kw)
    files["Properties.csv"] = [props]
    obs_url = f"{base}/Observations" + (f"?$filter={filter}" if filter else "")
    files["Observations.csv"] = download.get_odata_pages(obs_url, **kw)
    for name, rows in files.items():
        download.write_cached(dest / name, lambda p, rows=rows: _write_rows(p, rows), len(rows), f"{base} ({name})")
    return dest


def resolve_table(table: str, refresh: bool = False, transport=None) -> Path:
    """Folder of a v4 table: cache -> mirror -> download into the cache."""
    cached = CACHE_DIR / f"odata4_{table}"
    if not refresh and (cached / "Observations.csv").is_file():
        for f in sorted(cached.glob("*.csv")):
            download.check_cached(f)
        return cached
    mirror = paths.mirror_dir()
    if not refresh and mirror is not None and (mirror / "cbs" / f"odata4_{table}" / "Observations.csv").is_file():
        return mirror / "cbs" / f"odata4_{table}"
    try:
        return download_bulk(table, cached, transport=transport)
    except SourceError:
        if refresh and mirror is not None and (mirror / "cbs" / f"odata4_{table}").is_dir():
            warnings.warn(f"CBS {table}: refresh failed; using mirror cbs/odata4_{table}", SourceWarning, stacklevel=2)
            return mirror / "cbs" / f"odata4_{table}"
        raise


@lru_cache(maxsize=8)
def _read_cached(folder: str, mtime: float) -> V4Table:
    return read_bulk(Path(folder))


def load_table(table: str, refresh: bool = False, transport=None) -> V4Table:
    folder = resolve_table(table, refresh, transport)
    return _read_cached(str(folder), (folder / "Observations.csv").stat().st_mtime)


def national_low_income(refresh: bool = False, transport=None) -> pd.DataFrame:
    """NL00 rows of 83841NED: % particuliere huishoudens (ten minste 1 jaar) tot 101/110/120% van het
    sociaal minimum and tot de lage-inkomensgrens, income years 2011-2024 (2024 provisional)."""
    folder = resolve_table(LOW_INCOME_TABLE, refresh, transport)
    return _national_low_income(str(folder), (folder / "Observations.csv").stat().st_mtime).copy()


def check_low_income_schema(t: V4Table) -> None:
    """The schema contract of 83841NED: the dimensions, measure and codes the national series reads."""
    from analysis.sources import schema

    edition = str(t.properties.get("Modified") or t.properties.get("ReleaseDate") or "")[:10]
    where = f"{t.folder}: CBS {t.table}" + (f", editie {edition}" if edition else "")
    dims = {d: d for d in [*LOW_INCOME_SELECTION, "InkomensgrensHuishouden", "Perioden"]}
    schema.require(t.observations.columns, dims, f"{where}, Observations.csv")
    for dim, code in LOW_INCOME_SELECTION.items():
        schema.require(t.codes[dim].index, {code: dim}, f"{where}, {dim}Codes.csv")
        schema.require(t.observations[dim].unique(), {code: dim}, f"{where}, Observations.csv")
    schema.require(t.codes["InkomensgrensHuishouden"].index, LOW_INCOME, f"{where}, InkomensgrensHuishoudenCodes.csv")


@lru_cache(maxsize=4)
def _national_low_income(folder: str, mtime: float) -> pd.DataFrame:
    t = _read_cached(folder, mtime)
    check_low_income_schema(t)
    obs = t.observations
    sel = obs
    for dim, code in LOW_INCOME_SELECTION.items():
        sel = sel[sel[dim] == code]
    title = t.properties.get("Title", "Laag en langdurig laag inkomen van huishoudens")
    rows = []
    for code, ind in LOW_INCOME.items():
        part = sel[sel["InkomensgrensHuishouden"] == code]
        if part.empty:
            raise SourceError(f"{t.folder}: no observations for InkomensgrensHuishouden {code} ({ind})")
        for _, r in part.iterrows():
            year = int(str(r["Perioden"])[:4])
            if year not in LOW_INCOME_YEARS:
                continue
            status = str(t.codes["Perioden"].loc[r["Perioden"]].get("Status", ""))
            provisional = status.lower().startswith("voorlopig")
            value = r["Value"]
            if pd.isna(value):
                continue  # not published (e.g. lage-inkomensgrens 2024): no observation
            rows.append({"area_code": NL_CODE, "area_name": "Nederland", "indicator": ind,
                         "dataset": f"cbs_{LOW_INCOME_TABLE}", "meting": None, "year": float(year),
                         "period": str(year), "value": float(value), "status": "ok",
                         "source": (f"CBS {LOW_INCOME_TABLE} {title} ({t.title('InkomensgrensHuishouden', code)}; "
                                    f"particuliere huishoudens, ten minste 1 jaar; inkomensjaar {year}"
                                    + ("; voorlopige cijfers" if provisional else "") + f") [{t.folder.name}]")})
    return pd.DataFrame(rows)
