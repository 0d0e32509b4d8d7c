"""The progress report's KPI tables, transcribed in data/raw/report_*.csv, as tidy rows."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.areas import NL_CODE
from analysis.errors import SourceError
from analysis.numbers import parse_cell

GEMEENTE = ("GM0957", "Roermond")
FILES = {
    "bijlage_1": "report_bijlage1.csv",
    "bijlage_2a": "report_bijlage2a.csv",
    "bijlage_2b": "report_bijlage2b.csv",
    "bijlage_2c": "report_bijlage2c.csv",
    "report_map": "report_map_social_minimum.csv",
}
REQUIRED = {
    "bijlage_1": ["indicator", "meting_0", "meting_1", "meting_2", "beweging", "year_0", "year_1", "year_2", "source_ref"],
    "bijlage_2a": ["indicator", "nl_0", "roermond_0", "nl_1", "roermond_1", "beweging", "year_0", "year_1", "source_ref"],
    "bijlage_2b": ["wijkcode", "wijknaam", "meting", "source_ref"],
    "bijlage_2c": ["indicator", "meting_0", "meting_1", "effect", "source_ref"],
    "report_map": ["area_code", "area_name", "value", "year", "source_ref"],
}
EXPECTED_ROWS = {"bijlage_1": 9, "bijlage_2a": 27, "bijlage_2b": 20, "bijlage_2c": 23, "report_map": 11}


def read_table(dataset: str, raw_dir: Path | None = None) -> pd.DataFrame:
    """Read one transcribed table as strings, checking columns and row count."""
    path = (raw_dir or paths.RAW_DIR) / FILES[dataset]
    if not path.is_file():
        raise SourceError(f"{path}: transcribed report table missing")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read as CSV: {exc}") from exc
    missing = [c for c in REQUIRED[dataset] if c not in df.columns]
    if missing:
        raise SourceError(f"{path}: missing column(s) {missing}")
    if len(df) != EXPECTED_ROWS[dataset]:
        raise SourceError(f"{path}: expected {EXPECTED_ROWS[dataset]} rows, found {len(df)} (truncated?)")
    return df


def _year(period: str) -> float:
    """'2022' -> 2022, '2022/2023' -> 2023 (a school year counts for the year it ends)."""
    period = (period or "").strip()
    return float(period[-4:]) if period else float("nan")


def _obs(path: Path, row: int, column: str, cell: str, **fields) -> dict:
    try:
        value, status = parse_cell(cell)
    except ValueError as exc:
        raise SourceError(f"{path}: row {row + 2}, column {column!r}: {exc}") from None
    return {**fields, "value": value, "status": status}


def _gemeente_rows(df, path, dataset, meting_cols, area, sign_col) -> list[dict]:
    code, name = area
    out = []
    for i, r in df.iterrows():
        for m, col in meting_cols:
            period = r.get(f"year_{m}", "")
            out.append(_obs(path, i, col, r[col], area_code=code, area_name=name, indicator=r["indicator"],
                            dataset=dataset, meting=m, year=_year(period), period=period or None,
                            source=r["source_ref"]))
    return out


def observations(raw_dir: Path | None = None) -> pd.DataFrame:
    """All report values (Bijlagen 1, 2A, 2B, 2C and the sociaal-minimum map) as tidy rows."""
    raw_dir = raw_dir or paths.RAW_DIR
    rows: list[dict] = []

    b1 = read_table("bijlage_1", raw_dir)
    rows += _gemeente_rows(b1, raw_dir / FILES["bijlage_1"], "bijlage_1",
                           [(0, "meting_0"), (1, "meting_1"), (2, "meting_2")], GEMEENTE, "beweging")

    a = read_table("bijlage_2a", raw_dir)
    rows += _gemeente_rows(a, raw_dir / FILES["bijlage_2a"], "bijlage_2a",
                           [(0, "roermond_0"), (1, "roermond_1")], GEMEENTE, "beweging")
    nl = a.rename(columns={"nl_0": "v0", "nl_1": "v1"})
    rows += _gemeente_rows(nl, raw_dir / FILES["bijlage_2a"], "bijlage_2a", [(0, "v0"), (1, "v1")],
                           (NL_CODE, "Nederland"), "beweging")
    periods = {(r.indicator, m): r[f"year_{m}"] for _, r in a.iterrows() for m in (0, 1)}

    b = read_table("bijlage_2b", raw_dir)
    path = raw_dir / FILES["bijlage_2b"]
    indicators = [c for c in b.columns if c not in ("wijkcode", "wijknaam", "meting", "source_ref")]
    if len(indicators) != 14:
        raise SourceError(f"{path}: expected 14 indicator columns, found {len(indicators)}")
    for i, r in b.iterrows():
        m = int(r["meting"])
        for ind in indicators:
            period = periods.get((ind, m), "")
            rows.append(_obs(path, i, ind, r[ind], area_code=r["wijkcode"], area_name=r["wijknaam"],
                             indicator=ind, dataset="bijlage_2b", meting=m, year=_year(period),
                             period=period or None, source=r["source_ref"]))

    c = read_table("bijlage_2c", raw_dir)
    c = c.assign(year_0=[periods.get((ind, 0), "") for ind in c.indicator],
                 year_1=[periods.get((ind, 1), "") for ind in c.indicator])
    rows += _gemeente_rows(c, raw_dir / FILES["bijlage_2c"], "bijlage_2c",
                           [(0, "meting_0"), (1, "meting_1")], GEMEENTE, "effect")

    mp = read_table("report_map", raw_dir)
    path = raw_dir / FILES["report_map"]
    for i, r in mp.iterrows():
        rows.append(_obs(path, i, "value", r["value"], area_code=r["area_code"], area_name=r["area_name"],
                         indicator="households_social_minimum_pct", dataset="report_map", meting=None,
                         year=float(r["year"]), period=r["year"], source=r["source_ref"]))

    df = pd.DataFrame(rows)
    # A KPI printed twice in one table (Bijlage 1 rows 1/4, 2A life expectancy, 2C prenatal care)
    # is one observation; two different printed values would be a transcription error.
    key = ["dataset", "area_code", "indicator", "meting"]
    dup = df[df.duplicated(key, keep=False)]
    for k, g in dup.groupby(key, dropna=False):
        if g["value"].nunique(dropna=False) > 1 and not g["value"].isna().all():
            raise SourceError(f"{k}: the same KPI is printed with different values: {g['value'].tolist()}")
    return df.drop_duplicates(key, keep="first").reset_index(drop=True)


def reported_judgements(raw_dir: Path | None = None) -> pd.DataFrame:
    """The +, +/- and - signs as printed, one row per (dataset, indicator) for Roermond."""
    raw_dir = raw_dir or paths.RAW_DIR
    parts = []
    for dataset, col in (("bijlage_1", "beweging"), ("bijlage_2a", "beweging"), ("bijlage_2c", "effect")):
        t = read_table(dataset, raw_dir)
        t = t.assign(dataset=dataset, reported=t[col].str.strip(), row=range(1, len(t) + 1))
        parts.append(t[["dataset", "row", "indicator", "kpi", "reported", "source_ref"]])
    out = pd.concat(parts, ignore_index=True)
    out = out[out["reported"] != ""]
    bad = out[~out["reported"].isin(["+", "+/-", "-"])]
    if len(bad):
        raise SourceError(f"unexpected judgement sign(s): {bad[['dataset', 'row', 'reported']].to_dict('records')}")
    return out.drop_duplicates(["dataset", "indicator"]).assign(area_code=GEMEENTE[0]).reset_index(drop=True)
