"""The KPI tables as the report prints them, and the summary sentence of their judgements.

The judgements themselves are made at build time (analysis.build.judgements)."""
from __future__ import annotations

import math

import pandas as pd

from analysis.build.judgements import series_rows, set_areas
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.rules import period


def kpi_table(obs: pd.DataFrame, judgements: pd.DataFrame, monitor, set_id: str, numeric: bool = False,
              readers: bool = False) -> pd.DataFrame:
    """A KPI set as the report prints it: KPI rows, a column per area and meting present, judgements.

    `numeric=True` keeps numbers (for Excel); otherwise Dutch text at the published precision.
    For a set reported per wijk, the rows are KPI x wijk. `readers=True` leaves out rows that
    only the reproduction needs (catalogue `report_only`, e.g. the report's nameless row).
    """
    k = monitor.kpi_set(set_id)
    sel = series_rows(obs, k.series)
    sel = sel[sel["indicator"].isin(k.indicators)]
    metingen = period.metingen(obs, k.indicators, series=k.series)
    j = judgements[judgements["kpi_set"] == set_id] if judgements is not None else pd.DataFrame(
        columns=["indicator", "area_code", "computed", "reported"])
    per_wijk = "wijk" in k.areas
    areas = [(c, n) for c, n in _area_names(obs, set_areas(obs, monitor, k))]
    rows = []
    for ind in k.indicators:
        e = catalogue_entry(ind)
        if readers and e.get("report_only"):
            continue
        for code, name in (areas if per_wijk else [(None, None)]):
            row = {"KPI": e["label"]}
            if per_wijk:
                row["Wijk"] = name
            for c, n in ([(code, "")] if per_wijk else areas):
                for m in metingen:
                    v = sel[(sel["indicator"] == ind) & (sel["area_code"] == c) & (sel["meting"] == m)]["value"]
                    val = v.iloc[0] if len(v) else math.nan
                    col = f"{n} {m}-meting".strip()
                    row[col] = (None if pd.isna(val) else float(val)) if numeric else (fmt(ind, val) if pd.notna(val) else "-")
            jj = j[(j["indicator"] == ind) & (j["area_code"] == (code or monitor.code))]
            computed = jj["computed"].iloc[0] if len(jj) else None
            reported = jj["reported"].iloc[0] if len(jj) else None
            row["Beweging"] = computed if isinstance(computed, str) else ""
            if not per_wijk:
                row["Beweging (rapport)"] = reported if isinstance(reported, str) else ""
            row["Eenheid"] = e["unit"] or ""
            row["Bron"] = e["bron"] or ""
            rows.append(row)
    out = pd.DataFrame(rows)
    return out.set_index(["KPI", "Wijk"] if per_wijk else "KPI")


def _area_names(obs: pd.DataFrame, codes: list[str]) -> list[tuple[str, str]]:
    names = obs.drop_duplicates("area_code").set_index("area_code")["area_name"]
    return [(c, names.get(c, c)) for c in codes]


def summary_sentence(judgements: pd.DataFrame, set_id: str, area_code: str) -> str:
    """'Van de 23 KPI's met ten minste twee metingen bewegen er 11 in de gewenste richting, ...'."""
    j = judgements[(judgements["kpi_set"] == set_id) & (judgements["area_code"] == area_code)]["computed"].dropna()
    n = j.value_counts()
    if not len(j):
        return "Nog geen KPI met twee metingen: er is nog geen beweging te bepalen."
    return (f"Van de {len(j)} KPI's met ten minste twee metingen bewegen er {n.get('+', 0)} in de gewenste richting (+), "
            f"bleven er {n.get('+/-', 0)} gelijk (+/-) en bewogen er {n.get('-', 0)} de verkeerde kant op (-).")
