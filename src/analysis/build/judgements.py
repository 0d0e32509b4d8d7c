"""The report's trend judgement: '+' (desired direction), '+/-' (equal), '-' (worse).

Rule, as the progress report applies it: compare the latest available measurement of an area
with the one before it; values equal at the published precision are '+/-'; otherwise '+' when
the change goes the catalogue's desired direction and '-' when it does not. Whatever metingen
exist are used: a 2-meting, once measured, is judged against the 1-meting.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.core.areas import NL_CODE
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import SourceError

SIGNS = ("+", "+/-", "-")
SIGN_LABELS = {"+": "verbeterd", "+/-": "gelijk gebleven", "-": "verslechterd"}
REPRODUCTION_DIR = "reproductie"


def judge(previous: float, latest: float, direction: str | None, decimals: int = 1) -> str | None:
    """'+', '+/-' or '-' for a change from `previous` to `latest`; None if it cannot be judged."""
    if direction is None or previous is None or latest is None or math.isnan(previous) or math.isnan(latest):
        return None
    if round(latest - previous, decimals + 2) == 0 or abs(latest - previous) < 0.5 * 10 ** -decimals:
        return "+/-"
    better = latest > previous if direction == "higher" else latest < previous
    return "+" if better else "-"


def judge_series(series: pd.DataFrame, ind: str) -> dict:
    """Judge one area's measurements of one indicator (rows with `meting` and `value`)."""
    entry = catalogue_entry(ind)
    avail = series.dropna(subset=["value"]).sort_values("meting", kind="stable")
    if len(avail) < 2:
        return {"computed": None, "reason": "minder dan twee metingen beschikbaar"}
    prev, last = avail.iloc[-2], avail.iloc[-1]
    sign = judge(prev["value"], last["value"], entry["direction"], entry["decimals"])
    return {"meting_previous": int(prev["meting"]), "value_previous": prev["value"],
            "meting_latest": int(last["meting"]), "value_latest": last["value"], "computed": sign,
            "reason": None if sign else "geen gewenste richting in de catalogus"}


def set_areas(obs: pd.DataFrame, monitor, kpi_set) -> list[str]:
    """The area codes a KPI set reports: the gemeente, Nederland and/or every wijk in the data."""
    out = []
    if "gemeente" in kpi_set.areas:
        out.append(monitor.code)
    if "land" in kpi_set.areas:
        out.append(NL_CODE)
    if "wijk" in kpi_set.areas:
        out += sorted(obs.loc[obs["area_level"] == "wijk", "area_code"].unique())
    return out


def series_rows(obs: pd.DataFrame, series: str | None) -> pd.DataFrame:
    """Measurement rows of one metingen series."""
    sel = obs[obs["meting"].notna()]
    return sel[sel["series"].fillna("") == (series or "")]


def judgement_table(obs: pd.DataFrame, monitor) -> pd.DataFrame:
    """One row per KPI set, indicator and area: the computed judgement beside the printed one."""
    rows = []
    for k in monitor.kpi_sets:
        sel = series_rows(obs, k.series)
        areas = set_areas(obs, monitor, k)
        sel = sel[sel["indicator"].isin(k.indicators) & sel["area_code"].isin(areas)]
        for (ind, code), g in sel.groupby(["indicator", "area_code"], sort=False):
            rows.append({"kpi_set": k.id, "indicator": ind, "area_code": code, "area_name": g["area_name"].iloc[0],
                         **judge_series(g, ind)})
    cols = ["kpi_set", "indicator", "area_code", "area_name", "meting_previous", "value_previous",
            "meting_latest", "value_latest", "computed", "reported", "reported_metingen", "reproduced", "agrees", "reason"]
    out = pd.DataFrame(rows).reindex(columns=cols[:9] + ["reason"])
    reported = reported_judgements(monitor)
    if reported is None or reported.empty:
        return out.assign(reported=None, reported_metingen=None, reproduced=None, agrees=True).reindex(columns=cols)
    # The printed sign judged the metingen the report had; judge those again, whatever came since.
    rep = reported.drop_duplicates(["kpi_set", "indicator", "area_code"])
    again = []
    for r in rep.itertuples():
        k = monitor.kpi_set(r.kpi_set)
        g = series_rows(obs, k.series)
        g = g[(g["indicator"] == r.indicator) & (g["area_code"] == r.area_code)].set_index("meting")["value"]
        e = catalogue_entry(r.indicator)
        prev, last = g.get(int(r.meting_previous), math.nan), g.get(int(r.meting_latest), math.nan)
        again.append(judge(prev, last, e["direction"], e["decimals"]))
    rep = rep.assign(reproduced=again, reported_metingen=[f"{int(a)}->{int(b)}" for a, b in
                                                          zip(rep["meting_previous"], rep["meting_latest"])])
    out = out.merge(rep[["kpi_set", "indicator", "area_code", "reported", "reported_metingen", "reproduced"]],
                    on=["kpi_set", "indicator", "area_code"], how="left")
    out["agrees"] = out["reported"].isna() | (out["reported"] == out["reproduced"])
    return out.reindex(columns=cols)


def reported_judgements(monitor) -> pd.DataFrame | None:
    """The judgements as printed in an earlier report (`<raw>/reproductie/*.csv`), if kept."""
    folder = Path(monitor.raw_dir or "") / REPRODUCTION_DIR
    files = sorted(folder.glob("*.csv")) if monitor.raw_dir else []
    if not files:
        return None
    parts = []
    need = {"kpi_set", "indicator", "area_code", "reported", "meting_previous", "meting_latest"}
    for f in files:
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
        missing = need - set(t.columns)
        if missing:
            raise SourceError(f"{f}: kolom(men) {sorted(missing)} ontbreken")
        bad = t[~t["reported"].isin(SIGNS)]
        if len(bad):
            raise SourceError(f"{f}: regel {bad.index[0] + 2}: oordeel {bad['reported'].iloc[0]!r} is geen +, +/- of -")
        ids = {k.id for k in monitor.kpi_sets}
        bad = t[~t["kpi_set"].isin(ids)]
        if len(bad):
            raise SourceError(f"{f}: regel {bad.index[0] + 2}: onbekende KPI-set {bad['kpi_set'].iloc[0]!r}")
        parts.append(t.assign(file=f.name))
    return pd.concat(parts, ignore_index=True)


def check_reproduction(judgements: pd.DataFrame) -> None:
    """Every printed judgement must come out of the rule again; else the data changed under it."""
    bad = judgements[judgements["agrees"] == False]  # noqa: E712 (NaN-safe on object columns)
    if len(bad):
        r = bad.iloc[0]
        raise SourceError(f"reproductie: {r.kpi_set} {r.indicator} {r.area_code}: gedrukt oordeel {r.reported!r} "
                          f"({r.reported_metingen}), uit de data {r.reproduced!r}; {len(bad)} oordeel/oordelen wijken af")

