"""CBS Kerncijfers wijken en buurten (KWB): StatLine tables via cbsodata, or mirror extracts.

Columns are matched by key name, never by the numeric suffix that StatLine changes every
edition ('AantalInwoners_5' in 85984NED is the indicator 'population' in any year).
Resolution per edition year: cache `data/raw/cbs/kwb_<year>_<gemeente>.csv` -> mirror
extracts -> download with cbsodata (which fills the cache).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.areas import NL_CODE, check_gemeentecode, level_of, short_name
from analysis.catalogue import catalogue
from analysis.errors import SourceError

KWB_TABLES = {2019: "84583NED", 2020: "84799NED", 2021: "85039NED", 2022: "85318NED",
              2023: "85618NED", 2024: "85984NED", 2025: "86165NED"}
DEFAULT_YEARS = (2022, 2023, 2024, 2025)
CACHE_DIR = paths.RAW_DIR / "cbs"


@dataclass(frozen=True)
class MirrorExtract:
    """A partial KWB extract in the mirror: which file, which column block, what it is."""
    path: str
    kind: str  # "csv" (code column + named columns) or "odata_json" ({code: {Key_N: value}})
    prefix: str = ""
    note: str = ""


MIRROR_KWB = {
    2022: MirrorExtract("cbs/geoinzicht_wijken_2022_pdok_roermond_transcribed.csv", "csv",
                        note="PDOK wijk- en buurtkaart 2022 (KWB-attributen)"),
    2023: MirrorExtract("cbs/geoinzicht_wijken_2025_roermond_transcribed.csv", "csv", "B2023_",
                        note="KWB 2023 (85618NED), blok B2023; veldkoppeling waarschijnlijk"),
    2024: MirrorExtract("cbs/niquedegraaff_85984NED_kwb2024_GM_WK_population_area.json", "odata_json",
                        note="KWB 2024 (85984NED), uitsnede van 8 kolommen"),
    2025: MirrorExtract("cbs/geoinzicht_wijken_2025_roermond_transcribed.csv", "csv", "A2025_",
                        note="KWB 2025 (86165NED), blok A2025"),
}


def strip_suffix(key: str) -> str:
    """'HuishOnderOfRondSociaalMinimum_90' -> 'HuishOnderOfRondSociaalMinimum'."""
    return re.sub(r"_\d+$", "", key)


def resolve_columns(columns: list[str], prefix: str = "", source: str = "") -> dict[str, str]:
    """Map catalogue indicators to the columns of a KWB table or extract.

    A column matches an indicator by its StatLine key without numeric suffix (`cbs_key`) or,
    after removing `prefix`, by one of the indicator's mirror `aliases`.
    """
    cat = catalogue()
    by_key = {k: ind for ind, k in cat["cbs_key"].dropna().items()}
    by_alias = {a: ind for ind, al in cat["aliases"].dropna().items() for a in al}
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


def _area_codes(codes: pd.Series, gemeentecode: str) -> pd.Series:
    """Keep NL, the gemeente itself and its wijken (codes stripped of StatLine padding)."""
    codes = codes.astype(str).str.strip()
    gm = gemeentecode[2:]
    return codes.isin([NL_CODE, gemeentecode]) | codes.str.match(rf"^WK{gm}\d\d$")


def tidy_kwb(table: pd.DataFrame, year: int, gemeentecode: str, source: str, prefix: str = "",
             code_col: str = "Codering_3", name_col: str | None = None) -> pd.DataFrame:
    """A KWB table (one row per area, one column per variable) -> tidy observation rows."""
    if code_col not in table.columns:
        raise SourceError(f"{source}: no area code column {code_col!r}")
    table = table.assign(**{code_col: table[code_col].astype(str).str.strip()})
    table = table[_area_codes(table[code_col], gemeentecode)]
    if table.empty:
        raise SourceError(f"{source}: no rows for {gemeentecode} or its wijken")
    cols = resolve_columns(list(table.columns), prefix, source)
    if not cols:
        raise SourceError(f"{source}: no known KWB column found (malformed or wrong file?)")
    rows = []
    for ind, col in cols.items():
        values = pd.to_numeric(table[col], errors="coerce")
        levels = table[code_col].map(level_of)
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


def _read_mirror(extract: MirrorExtract, path: Path) -> tuple[pd.DataFrame, str, str | None]:
    try:
        if extract.kind == "odata_json":
            data = json.loads(path.read_text(encoding="utf-8"))
            table = pd.DataFrame.from_dict(data, orient="index").rename_axis("Codering_3").reset_index()
            return table, "Codering_3", None
        table = pd.read_csv(path)
        return table, "code", "naam"
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: malformed KWB extract: {exc}") from exc


def download_kwb(year: int, gemeentecode: str, dest: Path) -> None:
    """Fetch one KWB edition for NL, the gemeente and its wijken from CBS StatLine (OData)."""
    import cbsodata  # imported here: only needed when neither cache nor mirror has the table

    if year not in KWB_TABLES:
        raise SourceError(f"no known StatLine table for KWB {year}; known: {sorted(KWB_TABLES)}")
    gm = gemeentecode[2:]
    flt = (f"startswith(WijkenEnBuurten,'NL00') or startswith(WijkenEnBuurten,'GM{gm}') "
           f"or startswith(WijkenEnBuurten,'WK{gm}')")
    data = pd.DataFrame(cbsodata.get_data(KWB_TABLES[year], filters=flt))
    data.to_csv(dest, index=False)


def kwb_observations(year: int, gemeentecode: str = "GM0957") -> pd.DataFrame:
    """Tidy KWB rows for one edition year: cache -> mirror -> download."""
    gemeentecode = check_gemeentecode(gemeentecode)
    name = f"kwb_{year}_{gemeentecode}.csv"
    extract = MIRROR_KWB.get(year)
    mirror = paths.mirror_dir()
    if not (CACHE_DIR / name).is_file() and extract and mirror and (mirror / extract.path).is_file():
        path = mirror / extract.path
        table, code_col, name_col = _read_mirror(extract, path)
        if _area_codes(table[code_col].astype(str), gemeentecode).any():
            return tidy_kwb(table, year, gemeentecode, f"mirror {extract.path}: {extract.note}",
                            extract.prefix, code_col, name_col)
    path = paths.resolve(name, CACHE_DIR, download=lambda dest: download_kwb(year, gemeentecode, dest))
    try:
        table = pd.read_csv(path)
    except (ValueError, pd.errors.ParserError) as exc:
        raise SourceError(f"{path}: malformed KWB table: {exc}") from exc
    return tidy_kwb(table, year, gemeentecode, f"CBS {KWB_TABLES.get(year)} via cbsodata ({name})",
                    name_col="WijkenEnBuurten" if "WijkenEnBuurten" in table else None)


def observations(gemeentecode: str = "GM0957", years=DEFAULT_YEARS) -> pd.DataFrame:
    """Tidy rows for every requested KWB edition."""
    return pd.concat([kwb_observations(y, gemeentecode) for y in years], ignore_index=True)
