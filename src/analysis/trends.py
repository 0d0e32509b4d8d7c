"""The report's trend judgement: '+' (desired direction), '+/-' (equal), '-' (worse).

Rule, as Bijlage 1 and 2A apply it: compare the latest available measurement with the one
before it; values equal at the published precision are '+/-'; otherwise '+' when the change
goes the catalogue's desired direction and '-' when it does not.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.catalogue import indicator as catalogue_entry
from analysis.sources import report

SIGNS = ("+", "+/-", "-")
SIGN_LABELS = {"+": "verbeterd", "+/-": "gelijk gebleven", "-": "verslechterd"}


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
    avail = series.dropna(subset=["value"]).sort_values("meting")
    if len(avail) < 2:
        return {"computed": None, "reason": "minder dan twee metingen beschikbaar"}
    prev, last = avail.iloc[-2], avail.iloc[-1]
    sign = judge(prev["value"], last["value"], entry["direction"], entry["decimals"])
    return {"meting_previous": int(prev["meting"]), "value_previous": prev["value"],
            "meting_latest": int(last["meting"]), "value_latest": last["value"], "computed": sign,
            "reason": None if sign else "geen gewenste richting in de catalogus"}


def judgement_table(obs: pd.DataFrame) -> pd.DataFrame:
    """One row per KPI and area of the report tables: computed judgement beside the printed one."""
    tables = obs[obs["dataset"].isin(["bijlage_1", "bijlage_2a", "bijlage_2b", "bijlage_2c"])]
    rows = []
    for (dataset, ind, code), g in tables.groupby(["dataset", "indicator", "area_code"], sort=False):
        rows.append({"dataset": dataset, "indicator": ind, "area_code": code, "area_name": g["area_name"].iloc[0],
                     **judge_series(g, ind)})
    out = pd.DataFrame(rows)
    reported = report.reported_judgements()[["dataset", "indicator", "area_code", "reported"]]
    out = out.merge(reported, on=["dataset", "indicator", "area_code"], how="left")
    out["agrees"] = out["reported"].isna() | (out["reported"] == out["computed"])
    cols = ["dataset", "indicator", "area_code", "area_name", "meting_previous", "value_previous",
            "meting_latest", "value_latest", "computed", "reported", "agrees", "reason"]
    return out.reindex(columns=cols)


def kpi_table(obs: pd.DataFrame, judgements: pd.DataFrame, dataset: str = "bijlage_2a") -> pd.DataFrame:
    """The report's KPI table rebuilt from data: metingen per area, printed and computed judgement."""
    from analysis.catalogue import fmt

    sel = obs[obs["dataset"] == dataset]
    metingen = sorted(sel["meting"].dropna().unique())
    areas = [("GM0957", "Roermond"), ("NL00", "Nederland")] if dataset == "bijlage_2a" else [("GM0957", "Roermond")]
    j = judgements[(judgements["dataset"] == dataset) & (judgements["area_code"] == "GM0957")].set_index("indicator")
    rows = []
    for ind in sel["indicator"].unique():
        e = catalogue_entry(ind)
        row = {"KPI": e["label"]}
        for code, name in areas:
            for m in metingen:
                v = sel[(sel["indicator"] == ind) & (sel["area_code"] == code) & (sel["meting"] == m)]["value"]
                row[f"{name} {int(m)}-meting"] = fmt(ind, v.iloc[0]) if len(v) and pd.notna(v.iloc[0]) else "-"
        row["Beweging (rapport)"] = j["reported"].get(ind) if isinstance(j["reported"].get(ind), str) else ""
        row["Beweging (berekend)"] = j["computed"].get(ind) if isinstance(j["computed"].get(ind), str) else ""
        rows.append(row)
    return pd.DataFrame(rows).set_index("KPI")


def summary_sentence(judgements: pd.DataFrame, dataset: str) -> str:
    """'Van de 23 KPI's met twee metingen bewegen er 11 in de gewenste richting, ...'."""
    j = judgements[(judgements["dataset"] == dataset) & (judgements["area_code"] == "GM0957")]["computed"].dropna()
    n = j.value_counts()
    return (f"Van de {len(j)} KPI's met ten minste twee metingen bewegen er {n.get('+', 0)} in de gewenste richting (+), "
            f"bleven er {n.get('+/-', 0)} gelijk (+/-) en bewogen er {n.get('-', 0)} de verkeerde kant op (-).")
