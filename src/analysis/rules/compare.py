"""Area values next to a reference (Nederland by default, or the gemeente): difference, ratio, class."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.build.judgements import judge
from analysis.core.areas import NL_CODE, gemeente_of
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import NoDataError, UnknownIndicatorError
from analysis.rules import period

CLASS_LABELS = {"below": "lager dan", "about_equal": "ongeveer gelijk aan", "above": "hoger dan", None: "niet te vergelijken"}
STATUS_LABELS = {"not_published": "niet gepubliceerd in het rapport ('-')", "empty_cell": "lege cel in het rapport",
                 "suppressed": "geheimhouding CBS (te weinig waarnemingen)", "no_data": "geen waarneming"}


def select(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None,
           series: str | None = None) -> pd.DataFrame:
    """One value per area for an indicator at a meting (own measurements) or a year (CBS, map)."""
    catalogue_entry(indicator)  # unknown ids raise with suggestions
    sel = obs[obs["indicator"] == indicator]
    if sel.empty:
        raise UnknownIndicatorError(f"{indicator}: geen cijfers in de data van deze gemeente")
    if (meting is None) == (year is None):
        raise ValueError("give exactly one of meting= or year=")
    if meting is not None:
        series = series or period.default_series(obs, indicator)
        if "series" in sel.columns and series is not None:
            sel = sel[sel["series"] == series]
        sel = sel[sel["meting"] == meting]
        if sel.empty:
            raise NoDataError(f"{indicator}: geen meting {meting}; beschikbaar: "
                              f"{', '.join(available_periods(obs, indicator)) or 'niets'}")
    else:
        sel = sel[(sel["year"] == year) & sel["meting"].isna()]
        if sel.empty:
            raise NoDataError(f"{indicator}: geen jaar {year}; beschikbaar: "
                              f"{', '.join(available_periods(obs, indicator)) or 'niets'}")
    return period.first_per_area(sel)


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
    yrs = sorted({f"jaar {int(y)}" for y in sel.loc[sel["meting"].isna(), "year"].dropna()})
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
        raise NoDataError(f"{indicator}: geen waarden op {level}niveau voor "
                          f"{'meting ' + str(meting) if meting is not None else year}")
    if areas["value"].isna().all():
        raise NoDataError(f"{indicator}: elke waarde op {level}niveau ontbreekt in deze periode")
    ref = sel.loc[sel["area_code"] == reference, "value"]
    ref_value = float(ref.iloc[0]) if len(ref) else np.nan
    out = areas[["area_code", "area_name", "value", "status", "dataset", "year", "source"]].copy()
    out["reference"] = reference
    out["reference_value"] = ref_value
    for col, values in classify(out["value"], ref_value, direction_sign(indicator), tolerance).items():
        out[col] = values
    out["reference_missing"] = np.isnan(ref_value)
    return out.sort_values("area_code", kind="stable").reset_index(drop=True)


def few_names(names, n: int = 5) -> str:
    """At most a handful of names in a sentence: 'A, B, C, D, E en 12 andere'."""
    names = list(names)
    return ", ".join(names) if len(names) <= n + 1 else f"{', '.join(names[:n])} en {len(names) - n} andere"


def summary_markdown(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None) -> str:
    """Which wijken lie above or below Nederland (or, without a national value, the gemeente)."""
    c = compare(obs, indicator, meting, year)
    ref_name = "het landelijk cijfer"
    if c["reference_missing"].all():
        gm = gemeente_of(c["area_code"].iloc[0])
        c = compare(obs, indicator, meting, year, reference=gm)
        gm_name = obs.loc[obs["area_code"] == gm, "area_name"]
        ref_name = f"het cijfer van {gm_name.iloc[0] if len(gm_name) else gm}"
        if c["reference_missing"].all():
            return f"**{catalogue_entry(indicator)['label']}**: er is geen landelijk of gemeentelijk cijfer om mee te vergelijken."

    def names(mask) -> str:  # a big gemeente: a count and the most extreme few, never a list of 40
        sub = c.loc[mask]
        if mask.sum() <= 6:
            return ", ".join(sub["area_name"])
        far = sub.assign(_d=(sub["value"] - sub["reference_value"]).abs()).sort_values(
            ["_d", "area_name"], ascending=[False, True], kind="stable")
        return f"{int(mask.sum())} wijken, het verst ervan af {', '.join(far['area_name'].head(3))}"

    when = period.period_label(obs, indicator, meting, year)
    parts = [f"**{catalogue_entry(indicator)['label']}**, {when}."]
    for mask, text in ((c["klasse"] == "above", "Boven"), (c["klasse"] == "below", "Onder"),
                       (c["klasse"] == "about_equal", "Ongeveer gelijk aan")):
        if mask.any():
            parts.append(f"{text} {ref_name}: {names(mask)}.")
    if c["value"].isna().any():
        parts.append(f"Zonder cijfer: {few_names(c.loc[c['value'].isna(), 'area_name'])}.")
    return " ".join(parts)


def change(obs: pd.DataFrame, indicator: str, level: str = "wijk", frm: int | None = None,
           to: int | None = None) -> pd.DataFrame:
    """Change per area between two metingen (default: the latest two), with the report's rule."""
    e = catalogue_entry(indicator)
    present = period.metingen(obs, indicator, period.default_series(obs, indicator))
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


def wijken(obs: pd.DataFrame, indicator: str, gemeentecode: str, meting=None, year=None,
           reference: str = NL_CODE) -> tuple[pd.DataFrame, dict]:
    """The gemeente's wijken against the reference (`compare`), with period.reference's fall-back.

    Fails with a Dutch NoDataError when the period has no wijk value at all.
    """
    e = catalogue_entry(indicator)
    meting, year = period.choose(obs, indicator, meting, year)
    when = period.period_label(obs, indicator, meting, year)
    prefix = "WK" + gemeentecode[2:6]
    rows = period.rows_at(obs, indicator, meting, year)
    in_gm = rows[rows["area_code"].astype(str).str.startswith(prefix)]
    if rows.empty or in_gm.empty:
        raise NoDataError(f"{e['label']}: geen wijkcijfers voor de {when}" if meting is not None
                          else f"{e['label']}: geen wijkcijfers voor {when}")
    if in_gm["value"].isna().all():
        raise NoDataError(f"{e['label']}, {when}: geen enkele wijk heeft een cijfer")
    ref = period.reference(obs, indicator, gemeentecode, meting, year, reference)
    sub = obs[(obs["indicator"] == indicator) & ((obs["area_level"] != "wijk")
                                                  | obs["area_code"].astype(str).str.startswith(prefix))]
    c = compare(sub, indicator, meting, year, reference=reference)
    if ref["kind"] != "zelfde":
        c["reference_value"] = ref["value"]
        for col, values in classify(c["value"], ref["value"], direction_sign(indicator)).items():
            c[col] = values
        c["reference_missing"] = False
    return c, {**ref, "meting": meting, "year": year, "period": when}
