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
    return first_per_area(sel)


def first_per_area(sel: pd.DataFrame, keys: list[str] = ("area_code",)) -> pd.DataFrame:
    """Keep one row per `keys`: a valid value before a missing one, then DATASET_ORDER."""
    order = {d: i for i, d in enumerate(DATASET_ORDER)}
    sel = sel.assign(_o=sel["dataset"].map(order).fillna(99), _ok=sel["status"] != "ok")
    return sel.sort_values(["_ok", "_o"]).drop_duplicates(list(keys)).drop(columns=["_o", "_ok"])


def direction_sign(indicator: str) -> int:
    """+1 when higher is better, -1 when lower is better, 0 when the catalogue gives no direction."""
    return {"higher": 1, "lower": -1}.get(catalogue_entry(indicator)["direction"], 0)


def classify(value, reference_value, sign, tolerance: float = 0.05) -> dict:
    """Difference, ratio, klasse and better for values against references (arrays or Series).

    klasse: 'below' / 'about_equal' / 'above', 'about_equal' within `tolerance` times the
    reference, None when either value is missing; better: True/False by the desired direction
    (`sign` +1/-1), None when about equal, missing or without a direction.
    """
    value = np.asarray(value, dtype=float)
    ref = np.asarray(reference_value, dtype=float)
    sign = np.broadcast_to(np.asarray(sign), value.shape)
    diff = value - ref
    band = tolerance * np.abs(ref)
    with np.errstate(invalid="ignore"):
        klasse = np.select([diff < -band, diff > band, ~np.isnan(diff)], ["below", "above", "about_equal"],
                           default=None).astype(object)
        better = [None if (k is None or k == "about_equal" or not s) else bool((d > 0) == (s > 0))
                  for k, d, s in zip(klasse, diff, sign)]
        ratio = value / ref
    return {"difference": diff, "ratio": ratio, "klasse": list(klasse), "better": better}


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
    for col, values in classify(out["value"], ref_value, direction_sign(indicator), tolerance).items():
        out[col] = values
    out["reference_missing"] = np.isnan(ref_value)
    return out.sort_values("area_code").reset_index(drop=True)


def summary_markdown(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None) -> str:
    """Which wijken lie above, below, or have no value, against Nederland (one Dutch line)."""
    c = compare(obs, indicator, meting, year)

    def names(mask) -> str:
        return ", ".join(c.loc[mask, "area_name"]) or "geen"

    period = f"{meting}-meting" if meting is not None else str(year)
    return (f"**{catalogue_entry(indicator)['label']}**, {period}. Boven het landelijk cijfer: "
            f"{names(c['klasse'] == 'above')}. Onder het landelijk cijfer: {names(c['klasse'] == 'below')}. "
            f"Geen gegevens: {names(c['value'].isna())}.")


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
