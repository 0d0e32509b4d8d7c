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


def dataset_rank(dataset: str) -> tuple[int, int]:
    """Preference when one area has a value in several datasets for the same period: the
    gemeente's own measurements first, then the newest KWB edition, then other CBS tables."""
    if dataset.startswith("kwb_") and dataset[4:].isdigit():
        return 1, -int(dataset[4:])
    if dataset.startswith(("kwb_", "cbs_")):
        return 2, 0
    return 0, 0


def default_series(obs: pd.DataFrame, indicator: str) -> str | None:
    """The metingen series of an indicator: the one with the most rows (the one reported per wijk)."""
    s = obs.loc[(obs["indicator"] == indicator) & obs["meting"].notna(), "series"].dropna()
    return s.value_counts().index[0] if len(s) else None


def select(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None,
           series: str | None = None) -> pd.DataFrame:
    """One value per area for an indicator at a meting (own measurements) or a year (CBS, map)."""
    catalogue_entry(indicator)  # unknown ids raise with suggestions
    sel = obs[obs["indicator"] == indicator]
    if sel.empty:
        raise UnknownIndicatorError(f"indicator {indicator!r} has no observations")
    if (meting is None) == (year is None):
        raise ValueError("give exactly one of meting= or year=")
    if meting is not None:
        series = series or default_series(obs, indicator)
        if "series" in sel.columns and series is not None:
            sel = sel[sel["series"] == series]
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
    sel = sel.assign(_o=sel["dataset"].map(dataset_rank), _ok=sel["status"] != "ok")
    return sel.sort_values(["_ok", "_o"], kind="stable").drop_duplicates(list(keys)).drop(columns=["_o", "_ok"])


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
    return out.sort_values("area_code", kind="stable").reset_index(drop=True)


def summary_markdown(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None) -> str:
    """Which wijken lie above or below Nederland (or, without a national value, the gemeente)."""
    from analysis.areas import gemeente_of

    c = compare(obs, indicator, meting, year)
    ref_name = "het landelijk cijfer"
    if c["reference_missing"].all():
        gm = gemeente_of(c["area_code"].iloc[0])
        c = compare(obs, indicator, meting, year, reference=gm)
        gm_name = obs.loc[obs["area_code"] == gm, "area_name"]
        ref_name = f"het cijfer van {gm_name.iloc[0] if len(gm_name) else gm}"
        if c["reference_missing"].all():
            return f"**{catalogue_entry(indicator)['label']}**: er is geen landelijk of gemeentelijk cijfer om mee te vergelijken."

    def names(mask) -> str:
        return ", ".join(c.loc[mask, "area_name"])

    period = f"{meting}-meting" if meting is not None else str(year)
    parts = [f"**{catalogue_entry(indicator)['label']}**, {period}."]
    for mask, text in ((c["klasse"] == "above", "Boven"), (c["klasse"] == "below", "Onder"),
                       (c["klasse"] == "about_equal", "Ongeveer gelijk aan")):
        if mask.any():
            parts.append(f"{text} {ref_name}: {names(mask)}.")
    if c["value"].isna().any():
        parts.append(f"Zonder cijfer: {names(c['value'].isna())}.")
    return " ".join(parts)


def latest_meting(obs: pd.DataFrame, indicator: str, level: str = "wijk") -> int | None:
    """The latest meting with at least one value at `level` (None when the indicator has none)."""
    series = default_series(obs, indicator)
    sel = obs[(obs["indicator"] == indicator) & (obs["area_level"] == level) & (obs["status"] == "ok")
              & obs["meting"].notna()]
    if series is not None:
        sel = sel[sel["series"] == series]
    return int(sel["meting"].max()) if len(sel) else None


def metingen(obs: pd.DataFrame, indicator: str) -> list[int]:
    """Every meting of the indicator's series that the data has."""
    series = default_series(obs, indicator)
    sel = obs[(obs["indicator"] == indicator) & obs["meting"].notna()]
    if series is not None:
        sel = sel[sel["series"] == series]
    return sorted(int(m) for m in sel["meting"].unique())


def latest_year(obs: pd.DataFrame, indicator: str, level: str = "wijk") -> int | None:
    """The latest year with a value at `level` among rows without a meting (CBS figures)."""
    sel = obs[(obs["indicator"] == indicator) & (obs["area_level"] == level) & (obs["status"] == "ok")
              & obs["meting"].isna()]
    return int(sel["year"].max()) if len(sel) else None


def change(obs: pd.DataFrame, indicator: str, level: str = "wijk", frm: int | None = None,
           to: int | None = None) -> pd.DataFrame:
    """Change per area between two metingen (default: the latest two), with the report's rule."""
    from analysis.trends import judge

    e = catalogue_entry(indicator)
    present = metingen(obs, indicator)
    if to is None:
        to = present[-1] if present else 1
    if frm is None:
        earlier = [m for m in present if m < to]
        frm = earlier[-1] if earlier else to - 1
    a = select(obs, indicator, meting=frm).set_index("area_code")
    b = select(obs, indicator, meting=to).set_index("area_code")
    idx = b.index[b["area_level"] == level] if level else b.index
    out = pd.DataFrame({"area_name": b.loc[idx, "area_name"], "value_from": a["value"].reindex(idx),
                        "value_to": b.loc[idx, "value"]})
    out["change"] = out["value_to"] - out["value_from"]
    out["judgement"] = [judge(x, y, e["direction"], e["decimals"]) for x, y in zip(out["value_from"], out["value_to"])]
    out = out.reset_index()
    out.attrs.update({"from": frm, "to": to})
    return out


def rank(cmp: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Rank 1 = most favourable value among the areas that have one (desired direction)."""
    direction = catalogue_entry(indicator)["direction"]
    asc = direction != "higher"
    return cmp.assign(rank=cmp["value"].rank(ascending=asc, method="min").astype("Int64"),
                      n_ranked=int(cmp["value"].notna().sum()))


def period_of(obs: pd.DataFrame, indicator: str, meting: int | None = None) -> dict:
    """The period to show an indicator for: {'meting': m} (default the latest with wijk values)
    for a gemeente's own KPIs, {'year': y} (the latest) for CBS figures."""
    if meting is not None:
        return {"meting": int(meting)}
    m = latest_meting(obs, indicator)
    if m is not None:
        return {"meting": m}
    y = latest_year(obs, indicator)
    if y is None:
        raise NoDataError(f"{catalogue_entry(indicator)['label']}: geen wijkcijfers in de data")
    return {"year": y}
