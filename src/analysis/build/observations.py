"""The one tidy table of a gemeente: every value from every source, one row per value.

Schema: declared once in observations.yml (columns, dtypes, key; analysis.build.schema) and
enforced at build: area_code, area_name, area_level, indicator, dataset, series, meting, year,
period, value, status, source, note. `status` is 'ok' or says why `value` is missing
('not_published': '-' in a measurement file; 'empty_cell': an empty cell; 'suppressed': CBS
secrecy). `series` names the metingen series of a gemeente's own measurements (the programme
that numbers its 0-, 1-, 2-meting); CBS rows have a year and no meting.
Built per gemeente into `data/processed/<GM>/` as one generation (analysis.build.generations).
"""
from __future__ import annotations

import functools
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis.core import contracts, paths
from analysis.build import generations
from analysis.core.areas import NL_CODE, level_of
from analysis.core.catalogue import catalogue
from analysis.core.errors import SourceError
from analysis.build import coverage
from analysis.build import gemeenten
from analysis.build import judgements as judging, monitors
from analysis.build import schema
from analysis.sources import cbs, cbs_v4
from analysis.sources import measurements

SCHEMA = schema.observations()
COLUMNS = SCHEMA.columns
STATUSES = {"ok", "not_published", "empty_cell", "suppressed"}
CSV_NAME = "observations.csv"
PARQUET_NAME = "observations.parquet"
JUDGEMENTS_NAME = "kpi_judgements.csv"


def measurement_rows(monitor, wijk_names: dict[str, str]) -> pd.DataFrame:
    """The gemeente's own measurements (data/raw/<GM>/*.csv|xlsx), validated, as observation rows."""
    if monitor.raw_dir is None:
        return pd.DataFrame(columns=COLUMNS)
    df = measurements.read_folder(monitor.raw_dir)
    if df.empty:
        if monitor.kpi_sets:
            raise SourceError(f"{monitor.raw_dir}: monitor.yml noemt KPI-sets, maar er is geen meetbestand (*.csv, *.xlsx)")
        return pd.DataFrame(columns=COLUMNS)
    df = measurements.validate(df, monitor, list(wijk_names), set(catalogue().index))
    df["dataset"] = df["file"].str.rsplit(".", n=1).str[0]
    df["area_name"] = None
    return df


def _cbs_rows(monitor, strict: bool | None, refresh: bool = False) -> list[pd.DataFrame]:
    """CBS figures: KWB per wijk, the gemeente series for the region, the national v4 series."""
    parts = [coverage.cbs_observations(monitor.code, strict=strict, refresh=refresh),
             cbs.gemeente_series(monitor.region_gemeenten()), _national_sums()]
    from analysis.sources.schema import SchemaError

    try:
        parts.append(cbs_v4.national_low_income(refresh=refresh))
    except SchemaError:
        raise  # the table is there but lacks a declared key: never a silent drop
    except SourceError as exc:
        if cbs._strict(strict):
            raise
        warnings.warn(f"landelijke reeks lage inkomens niet geladen: {exc}", stacklevel=2)
    for part in parts:  # every CBS value within its indicator's contract (analysis.core.contracts)
        contracts.check_rows(part, lambda r: f"{r.source}, gebied {r.area_code}, {r.period}")
    return parts


@functools.lru_cache(maxsize=1)
def _national_sums() -> pd.DataFrame:
    """national_sums of the mirror's gemeente series, once per process (every gemeente's build uses it)."""
    return national_sums(cbs.gemeente_series)


def national_sums(gemeente_series) -> pd.DataFrame:
    """Nederland for the count indicators of the gemeente series: the sum over every gemeente of a year.

    Every gemeente of THAT year (gemeente_series(None)), not today's only: gemeenten merged since
    would otherwise drop out of the older years. Only counts add up (inwoners, huishoudens, …);
    averages and shares are not derived.
    """
    all_rows = gemeente_series(None)
    all_rows = all_rows[~all_rows["area_code"].isin(gemeenten.NOT_A_GEMEENTE)]
    units = catalogue()["unit"]
    counts = [i for i in all_rows["indicator"].unique() if units.get(i) == "aantal"]
    sel = all_rows[all_rows["indicator"].isin(counts) & (all_rows["status"] == "ok")]
    n_per_year = all_rows.groupby("year")["area_code"].nunique()
    sums = sel.groupby(["indicator", "year"], as_index=False)["value"].sum()
    complete = sel.groupby(["indicator", "year"])["area_code"].nunique().reindex(
        pd.MultiIndex.from_frame(sums[["indicator", "year"]])).to_numpy() == n_per_year.reindex(sums["year"]).to_numpy()
    sums = sums[complete]  # a year where a gemeente lacks the figure has no national sum
    return sums.assign(area_code=NL_CODE, area_name="Nederland", dataset="kwb_gemeenten", series=None, meting=None,
                       period=sums["year"].astype(int).astype(str), status="ok", note=None,
                       source="CBS Kerncijfers wijken en buurten (PDOK-gemeentekaart), som van alle gemeenten")


def collect(monitor, strict: bool | None = None, refresh: bool = False) -> pd.DataFrame:
    """Gather rows from every source into the tidy schema (not yet written)."""
    wijken = gemeenten.wijken(monitor.code)
    wijk_names = dict(zip(wijken["wijkcode"], wijken["wijknaam"]))
    parts = [measurement_rows(monitor, wijk_names)] + _cbs_rows(monitor, strict, refresh)
    parts = [p for p in parts if len(p)]
    df = pd.concat([p.reindex(columns=COLUMNS) for p in parts], ignore_index=True)
    df["area_level"] = df["area_code"].map(level_of)
    # One name per code: the boundary data's for wijken and gemeenten, else the first source's.
    names = df.dropna(subset=["area_name"]).drop_duplicates("area_code").set_index("area_code")["area_name"]
    df["area_name"] = df["area_code"].map(names)
    df["area_name"] = df["area_code"].map(wijk_names).fillna(df["area_name"])
    for code in df.loc[df["area_level"] == "gemeente", "area_code"].unique():
        df.loc[df["area_code"] == code, "area_name"] = monitor.name if code == monitor.code else gemeenten.name(code)
    df.loc[df["area_code"] == NL_CODE, "area_name"] = "Nederland"
    df["meting"] = pd.to_numeric(df["meting"]).astype("Int64")
    df["year"] = pd.to_numeric(df["year"]).astype("Int64")
    df["value"] = pd.to_numeric(df["value"]).astype(float)
    for col in ("series", "note", "period", "source", "dataset"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return validate(df[COLUMNS])


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Check the schema (observations.yml) and the missing-value rules; raise naming the offending rows."""
    SCHEMA.check(df)
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
    return df.reset_index(drop=True)


def _folder(gemeentecode: str | None, out_dir: Path | None) -> Path:
    if out_dir is not None:
        return Path(out_dir)
    if not gemeentecode:
        raise SourceError("geef een gemeentecode (bijv. GM0363) of een map met verwerkte data")
    return paths.processed_dir(gemeentecode)


def load(gemeentecode: str | None = None, out_dir: Path | None = None) -> pd.DataFrame:
    """The processed table of a gemeente (its current generation); builds it first if missing."""
    folder = _folder(gemeentecode, out_dir)
    gen = generations.current(folder)
    if gen is None:
        if not gemeentecode:
            raise SourceError(f"{folder}: geen verwerkte data; draai eerst 'python -m analysis build'")
        return build(gemeentecode, out_dir=out_dir)["observations"]
    return _read(str(gen.absolute() / PARQUET_NAME)).copy()


def load_judgements(gemeentecode: str | None = None, out_dir: Path | None = None) -> pd.DataFrame | None:
    """kpi_judgements of the current generation (None for a monitor without metingen)."""
    gen = generations.current(_folder(gemeentecode, out_dir))
    path = gen / JUDGEMENTS_NAME if gen else None
    return _read(str(path.absolute())).copy() if path and path.is_file() else None


@functools.lru_cache(maxsize=16)
def _read(path: str) -> pd.DataFrame:
    """One file of a generation, read once per process (a kept batch kernel reads a gemeente once).

    Keyed by the generation's path: a published generation never changes, a rebuild is a new one
    (analysis.build.generations). Callers get a copy, so what a notebook changes is not kept.
    """
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)


def build(gemeentecode: str, out_dir: Path | None = None, strict: bool | None = None, refresh: bool = False) -> dict:
    """Collect, validate and write observations.csv/.parquet and kpi_judgements.csv as one generation."""
    t0 = time.perf_counter()
    monitor = monitors.load(gemeentecode)
    obs = collect(monitor, strict=strict, refresh=refresh)
    judgements = judging.judgement_table(obs, monitor) if monitor.kpi_sets else None
    if judgements is not None:
        judging.check_reproduction(judgements)
    # Everything is computed before anything is written, so a failure leaves the old generation.
    writers = {CSV_NAME: lambda p: obs.to_csv(p, index=False),
               PARQUET_NAME: lambda p: obs.to_parquet(p, index=False)}
    if judgements is not None:
        writers[JUDGEMENTS_NAME] = lambda p: judgements.to_csv(p, index=False)
    gen = generations.publish(_folder(monitor.code, out_dir), writers)
    files = {"csv": gen / CSV_NAME, "parquet": gen / PARQUET_NAME}
    if judgements is not None:
        files["judgements"] = gen / JUDGEMENTS_NAME
    return {"observations": obs, "judgements": judgements, "files": files, "monitor": monitor,
            "seconds": time.perf_counter() - t0}
