"""Area values next to a reference (Nederland by default, or the gemeente): difference, ratio, class."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.areas import NL_CODE
from analysis.catalogue import indicator as catalogue_entry
from analysis.errors import NoDataError, UnknownIndicatorError

CLASS_LABELS = {"below": "lager dan", "about_equal": "ongeveer gelijk aan", "above": "hoger dan", None: "niet te vergelijken"}
STATUS_LABELS = {"not_published": "niet gepubliceerd in het rapport ('-')", "empty_cell": "lege cel in het rapport",
                 "suppressed": "geheimhouding CBS (te weinig waarnemingen)", "no_data": "geen waarneming"}
# Datasets in order of preference when one area has a value in several for the same period.
DATASET_ORDER = ["bijlage_2b", "bijlage_2a", "bijlage_1", "bijlage_2c", "report_map",
                 "kwb_2025", "kwb_2024", "kwb_2023", "kwb_2022"]


def select(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None) -> pd.DataFrame:
    """One value per area for an indicator at a meting (report tables) or a year (CBS, map)."""
    catalogue_entry(indicator)  # unknown ids raise with suggestions
    sel = obs[obs["indicator"] == indicator]
    if sel.empty:
        raise UnknownIndicatorError(f"indicator {indicator!r} has no observations")
    if (meting is None) == (year is None):
        raise ValueError("give exactly one of meting= or year=")
    if meting is not None:
        sel = sel[sel["meting"] == meting]
        if sel.empty:
            raise NoDataError(f"{indicator}: no meting {meting}; available: {available_periods(obs, indicator)}")
    else:
        sel = sel[(sel["year"] == year) & sel["meting"].isna()]
        if sel.empty:
            raise NoDataError(f"{indicator}: no year {year}; available: {available_periods(obs, indicator)}")
    order = {d: i for i, d in enumerate(DATASET_ORDER)}
    sel = sel.assign(_o=sel["dataset"].map(order).fillna(99), _ok=sel["status"] != "ok")
    return sel.sort_values(["_ok", "_o"]).drop_duplicates("area_code").drop(columns=["_o", "_ok"])


def available_periods(obs: pd.DataFrame, indicator: str) -> list[str]:
    """Human-readable list of the metingen and years with at least one value."""
    sel = obs[(obs["indicator"] == indicator) & (obs["status"] == "ok")]
    met = sorted({f"meting {int(m)}" for m in sel["meting"].dropna()})
    yrs = sorted({f"year {int(y)}" for y in sel.loc[sel["meting"].isna(), "year"].dropna()})
    return met + yrs


def compare(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None,
            level: str = "wijk", reference: str = NL_CODE, tolerance: float = 0.05) -> pd.DataFrame:
    """Each area of `level` against the reference area's value for the same period.

    Columns: area_code, area_name, value, status, reference_value, difference (points),
    ratio, klasse ('below' / 'about_equal' / 'above'; 'about_equal' within `tolerance`
    times the reference), and `better` (True/False/None from the desired direction).
    """
    sel = select(obs, indicator, meting, year)
    areas = sel[sel["area_level"] == level]
    if areas.empty:
        raise NoDataError(f"{indicator}: no {level} values for {'meting ' + str(meting) if meting is not None else year}")
    if areas["value"].isna().all():
        raise NoDataError(f"{indicator}: every {level} value is missing for this period")
    ref = sel.loc[sel["area_code"] == reference, "value"]
    ref_value = float(ref.iloc[0]) if len(ref) else np.nan
    out = areas[["area_code", "area_name", "value", "status", "dataset", "year", "source"]].copy()
    out["reference"] = reference
    out["reference_value"] = ref_value
    out["difference"] = out["value"] - ref_value
    out["ratio"] = out["value"] / ref_value
    band = tolerance * abs(ref_value)
    out["klasse"] = [None if pd.isna(d) else "below" if d < -band else "above" if d > band else "about_equal"
                     for d in out["difference"]]
    direction = catalogue_entry(indicator)["direction"]
    sign = {"higher": 1, "lower": -1}.get(direction, 0)
    out["better"] = [None if (not isinstance(k, str) or k == "about_equal" or not sign) else ((d > 0) == (sign > 0))
                     for k, d in zip(out["klasse"], out["difference"])]
    out["reference_missing"] = np.isnan(ref_value)
    return out.sort_values("area_code").reset_index(drop=True)


def change(obs: pd.DataFrame, indicator: str, level: str = "wijk", frm: int = 0, to: int = 1) -> pd.DataFrame:
    """Change per area between two metingen, with the report's judgement rule."""
    from analysis.trends import judge

    e = catalogue_entry(indicator)
    a = select(obs, indicator, meting=frm).set_index("area_code")
    b = select(obs, indicator, meting=to).set_index("area_code")
    idx = b.index[b["area_level"] == level] if level else b.index
    out = pd.DataFrame({"area_name": b.loc[idx, "area_name"], "value_from": a["value"].reindex(idx),
                        "value_to": b.loc[idx, "value"]})
    out["change"] = out["value_to"] - out["value_from"]
    out["judgement"] = [judge(x, y, e["direction"], e["decimals"]) for x, y in zip(out["value_from"], out["value_to"])]
    return out.reset_index()


def rank(cmp: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Rank 1 = most favourable value among the areas that have one (desired direction)."""
    direction = catalogue_entry(indicator)["direction"]
    asc = direction != "higher"
    return cmp.assign(rank=cmp["value"].rank(ascending=asc, method="min").astype("Int64"),
                      n_ranked=int(cmp["value"].notna().sum()))
