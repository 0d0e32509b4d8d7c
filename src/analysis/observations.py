"""The one tidy table: every value from every source, one row per value.

Schema: area_code, area_name, area_level, indicator, dataset, meting, year, period, value,
status, source. `status` is 'ok' or says why `value` is missing ('not_published': '-' in
the report; 'empty_cell': an empty report cell; 'suppressed': CBS secrecy).
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.areas import level_of
from analysis.atomic import write_atomic
from analysis.catalogue import catalogue
from analysis.errors import SourceError
from analysis.sources import cbs, report

COLUMNS = ["area_code", "area_name", "area_level", "indicator", "dataset", "meting", "year", "period",
           "value", "status", "source"]
STATUSES = {"ok", "not_published", "empty_cell", "suppressed"}
CSV_NAME = "observations.csv"
PARQUET_NAME = "observations.parquet"


def collect(gemeentecode: str = "GM0957", kwb_years=cbs.DEFAULT_YEARS, raw_dir: Path | None = None) -> pd.DataFrame:
    """Gather rows from every source into the tidy schema (not yet written)."""
    parts = [cbs.observations(gemeentecode, kwb_years)]
    if gemeentecode == report.GEMEENTE[0]:  # the progress report is Roermond's own
        parts.insert(0, report.observations(raw_dir))
    df = pd.concat(parts, ignore_index=True)
    df["area_level"] = df["area_code"].map(level_of)
    # Fill names that a source lacks (StatLine extracts carry codes only) from the other sources.
    names = df.dropna(subset=["area_name"]).drop_duplicates("area_code").set_index("area_code")["area_name"]
    df["area_name"] = df["area_code"].map(names)  # one name per code, the first source's
    df.loc[df["area_code"] == "NL00", "area_name"] = "Nederland"
    df["meting"] = df["meting"].astype("Int64")
    df["year"] = df["year"].astype("Int64")
    return validate(df[COLUMNS])


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Check the schema and the missing-value rules; raise naming the offending rows."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise SourceError(f"observations: missing columns {missing}")
    unknown = sorted(set(df["indicator"]) - set(catalogue().index))
    if unknown:
        raise SourceError(f"observations: indicators not in catalogue.yml: {unknown}")
    bad_status = sorted(set(df["status"]) - STATUSES)
    if bad_status:
        raise SourceError(f"observations: unknown status {bad_status}")
    inconsistent = df[(df["status"] == "ok") == df["value"].isna()]
    if len(inconsistent):
        raise SourceError(f"observations: value/status disagree in {len(inconsistent)} rows, e.g. "
                          f"{inconsistent.iloc[0][['area_code', 'indicator', 'dataset']].to_dict()}")
    dup = df.duplicated(["area_code", "indicator", "dataset", "meting", "year"])
    if dup.any():
        raise SourceError(f"observations: duplicate rows, e.g. {df[dup].iloc[0][['area_code', 'indicator', 'dataset']].to_dict()}")
    return df.reset_index(drop=True)


def write(df: pd.DataFrame, out_dir: Path | None = None) -> dict[str, Path]:
    """Write CSV and Parquet twins atomically (a failed write leaves the old files)."""
    out_dir = out_dir or paths.PROCESSED_DIR
    out = {
        "csv": write_atomic(out_dir / CSV_NAME, lambda p: df.to_csv(p, index=False)),
        "parquet": write_atomic(out_dir / PARQUET_NAME, lambda p: df.to_parquet(p, index=False)),
    }
    return out


def load(out_dir: Path | None = None) -> pd.DataFrame:
    """The processed table (Parquet if present, else CSV); builds it first if missing."""
    out_dir = out_dir or paths.PROCESSED_DIR
    pq, csv = out_dir / PARQUET_NAME, out_dir / CSV_NAME
    if pq.is_file():
        return pd.read_parquet(pq)
    if csv.is_file():
        df = pd.read_csv(csv, dtype={"period": str})
        df["meting"] = df["meting"].astype("Int64")
        df["year"] = df["year"].astype("Int64")
        return df
    return build(out_dir)["observations"]


def indicators_of(obs: pd.DataFrame, dataset: str) -> list[str]:
    """The indicator ids of one dataset (e.g. 'bijlage_2b', the KPIs per wijk), in table order."""
    return list(obs.loc[obs["dataset"] == dataset, "indicator"].unique())


def build(out_dir: Path | None = None, gemeentecode: str = "GM0957") -> dict:
    """Collect, validate and write observations.csv/.parquet and kpi_judgements.csv."""
    from analysis import trends  # trends reads the catalogue and report; kept out of import time

    t0 = time.perf_counter()
    out_dir = out_dir or paths.PROCESSED_DIR
    obs = collect(gemeentecode)
    judgements = trends.judgement_table(obs) if gemeentecode == report.GEMEENTE[0] else None
    # Everything is computed before anything is written, so a failure leaves the old outputs.
    files = write(obs, out_dir)
    if judgements is not None:
        files["judgements"] = write_atomic(out_dir / "kpi_judgements.csv",
                                           lambda p: judgements.to_csv(p, index=False))
    return {"observations": obs, "judgements": judgements, "files": files,
            "seconds": time.perf_counter() - t0}
