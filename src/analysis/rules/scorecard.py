"""The wijk's scorecard: per KPI (or CBS figure) the wijk's latest value with its period, the
gemeente's and Nederland's, the wijk's rank in the gemeente and the change since the previous
measurement, read as a reader reads it.

- the direction of the number (↑ ↓ =) is kept apart from the judgement (gunstig / gelijk /
  ongunstig): a fall of the 120%-minimum share is '↓' and 'gunstig' (the report prints '+');
- rows compare the wijk with its gemeente (`vs_gemeente`) and are sorted from the wijk's largest
  disadvantage to its largest advantage over the gemeente (`distance`, signed by the desired
  direction, relative to the gemeente's value);
- a missing value stays missing with its reason (`status`), shown as 'geen gegevens' with a
  footnote mark; a reference value that exists is never blanked, also when the wijk has none;
- values carry their unit once (`value_text`), the label then names none (`reader_label`).
Periods come from `rules.period` (meting with its year; CBS figures by year).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.build.judgements import judge
from analysis.core import catalogue
from analysis.core.areas import NL_CODE
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.rules import compare as cmp
from analysis.rules import period
from analysis.rules import profile

MISSING = "geen gegevens"
ARROW_TEXT = {"↑": "gestegen", "↓": "gedaald", "=": "gelijk gebleven"}
JUDGEMENT = {"+": "gunstig", "+/-": "gelijk", "-": "ongunstig"}
VS_GEMEENTE = {True: "gunstiger", False: "ongunstiger"}
# Why a cell says 'geen gegevens': one footnote mark per reason, the same on every profile.
REASONS = {"not_published": "niet gepubliceerd (in de bron staat '-')",
           "empty_cell": "lege cel in de bron",
           "suppressed": "CBS-geheimhouding (te weinig waarnemingen)",
           "no_data": "geen meting in dat jaar of in deze bronnen"}
MARKS = {"not_published": "¹", "empty_cell": "²", "suppressed": "³", "no_data": "⁴"}
PEILJAAR_NOTE = ("*Jaar*: het jaar dat een CBS-cijfer beschrijft, met de uitgave van de Kerncijfers wijken en buurten "
                 "als bron (inwoners, huishoudens en woningen op 1 januari van het jaar van de uitgave; de WOZ-waarde "
                 "op de waardepeildatum 1 januari van het jaar ervoor). *Peiljaar onbekend*: de CBS-toelichting die "
                 "hier beschikbaar is, noemt voor dat cijfer (inkomen, arbeidsparticipatie, bijstand, Wmo) alleen "
                 "voorlopige cijfers over een eerder jaar, niet welk jaar; dan staat alleen de uitgave er.")
# CBS figures shown elsewhere on the profile (the age chart) are left out of the table.
AGE_FIGURES = ("age_0_14", "age_15_24", "age_25_44", "age_45_64", "age_65_plus")
FIRST_FIGURES = ["population", "households", "avg_household_size", "population_density", "dwellings",
                 "avg_woz_keur", "owner_occupied_pct", "rental_pct", "avg_income_per_resident_keur",
                 "households_social_minimum_pct"]


# --- units and labels ------------------------------------------------------------------------------



def value_text(ind: str, v) -> str:
    """A value with its unit once (`catalogue.value_text`); 'geen gegevens' when missing."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return MISSING
    return catalogue.value_text(ind, v)


def report_notes(ind: str) -> list[str]:
    """The report's inconsistencies about an indicator (catalogue `report_notes`), as reader text."""
    return [catalogue.report_note_text(n) for n in catalogue.report_notes(ind)]


def missing_text(status) -> str:
    """'geen gegevens' with the footnote mark of its reason."""
    return MISSING + MARKS.get(status if isinstance(status, str) else "no_data", MARKS["no_data"])


# --- change ----------------------------------------------------------------------------------------

def arrow(previous, latest, decimals: int) -> str | None:
    """↑, ↓ or = for the change of the number itself, equal at the published precision."""
    if previous is None or latest is None or pd.isna(previous) or pd.isna(latest):
        return None
    if round(float(latest), int(decimals)) == round(float(previous), int(decimals)):
        return "="
    return "↑" if latest > previous else "↓"


def judgement(previous, latest, ind: str) -> tuple[str | None, str | None]:
    """(the report's sign '+', '+/-', '-'; its reading 'gunstig', 'gelijk', 'ongunstig'); None: no direction."""
    e = catalogue_entry(ind)
    if previous is None or latest is None or pd.isna(previous) or pd.isna(latest):
        return None, None
    sign = judge(float(previous), float(latest), e["direction"], int(e["decimals"]))
    return sign, JUDGEMENT.get(sign)


def _vs(value, gemeente, ind: str) -> tuple[str | None, float]:
    """(the wijk against the gemeente: 'gunstiger', 'ongunstiger', 'ongeveer gelijk', 'geen richting';
    the signed relative distance: below zero is worse than the gemeente)."""
    if value is None or gemeente is None or pd.isna(value) or pd.isna(gemeente):
        return None, math.nan
    sign = cmp.direction_sign(ind)
    c = cmp.classify([value], [gemeente], [sign])
    rel = (float(value) - float(gemeente)) / abs(float(gemeente)) if gemeente else math.nan
    if not sign:
        return "geen richting", math.nan
    if c["klasse"][0] == "about_equal":
        return "ongeveer gelijk", sign * rel
    return VS_GEMEENTE[c["better"][0]], sign * rel


# --- the KPIs of the monitor -----------------------------------------------------------------------

def kpis(obs: pd.DataFrame, wijkcode: str, gemeentecode: str, monitor=None, tab: pd.DataFrame | None = None
         ) -> pd.DataFrame:
    """One row per KPI of the wijk (the gemeente's own metingen): see the module doc for the columns.

    `tab`: a `profile.wijk_indicators` table already computed (else computed here).
    """
    tab = profile.wijk_indicators(obs, wijkcode, gemeentecode, monitor) if tab is None else tab
    if tab.empty:
        return _empty()
    series = monitor.wijk_set().series if monitor is not None and monitor.wijk_set() is not None else period.ANY
    metingen = profile.metingen_in(tab)
    rows = []
    for r in tab.to_dict("records"):
        ind = r["indicator"]
        e = catalogue_entry(ind)
        have = [m for m in metingen if pd.notna(r.get(f"wijk_{m}", math.nan))]
        # the wijk's latest meting with a value; without any, the latest where a reference has one
        refs = [m for m in metingen if pd.notna(r.get(f"gemeente_{m}", math.nan))
                or pd.notna(r.get(f"nederland_{m}", math.nan))]
        shown = [m for m in metingen if f"status_{m}" in r and isinstance(r.get(f"status_{m}"), str)]
        m = have[-1] if have else (refs[-1] if refs else (shown[-1] if shown else None))
        if m is None:
            continue
        value = r.get(f"wijk_{m}", math.nan)
        prev_m = have[-2] if len(have) >= 2 else None
        prev = r.get(f"wijk_{prev_m}") if prev_m is not None else math.nan
        sign, reading = judgement(prev, value, ind) if prev_m is not None else (None, None)
        gem, nl = r.get(f"gemeente_{m}", math.nan), r.get(f"nederland_{m}", math.nan)
        vs, dist = _vs(value, gem, ind)  # against the gemeente of the same meting only
        gem, gem_period = _earlier(obs, r, "gemeente", m, metingen, ind, series)
        nl, nl_period = _earlier(obs, r, "nederland", m, metingen, ind, series)
        rank, n = r.get(f"rank_{m}"), r.get(f"n_ranked_{m}")
        rows.append({
            "indicator": ind, "label": catalogue.reader_label(ind), "kind": "meting", "meting": m, "year": None,
            "period": period.meting_label(obs, ind, m, series), "value": _f(value),
            "status": r.get(f"status_{m}") if isinstance(r.get(f"status_{m}"), str) else "no_data",
            "gemeente": _f(gem), "gemeente_period": gem_period, "nederland": _f(nl), "nederland_period": nl_period,
            "nederland_source": None,
            "rank": int(rank) if pd.notna(value) and rank is not None and pd.notna(rank) else None,
            "n_ranked": int(n) if pd.notna(value) and n is not None and pd.notna(n) else None,
            "previous_period": period.meting_label(obs, ind, prev_m, series) if prev_m is not None else None,
            "previous": _f(prev), "arrow": arrow(prev, value, e["decimals"]), "sign": sign, "judgement": reading,
            "vs_gemeente": vs, "distance": dist, "source": _report_source(obs, ind, wijkcode, m)})
    return _sorted(pd.DataFrame(rows))


def _earlier(obs, r: dict, who: str, m: int, metingen: list[int], ind: str, series):
    """A reference's value at meting `m`, else at its latest earlier meting (never blanked when it
    exists): (value, None) or (value, 'de 1-meting (2023)')."""
    v = r.get(f"{who}_{m}", math.nan)
    if v is not None and pd.notna(v):
        return _f(v), None
    for mm in reversed([x for x in metingen if x < m]):
        v = r.get(f"{who}_{mm}", math.nan)
        if v is not None and pd.notna(v):
            return _f(v), "de " + period.meting_label(obs, ind, mm, series)
    return math.nan, None


def _report_source(obs: pd.DataFrame, ind: str, wijkcode: str, meting: int) -> str | None:
    """The measurement's source as its file names it, without table and row ('Voortgangsrapportage ...')."""
    src = obs.loc[(obs["indicator"] == ind) & (obs["area_code"] == wijkcode) & (obs["meting"] == meting), "source"].dropna()
    return str(src.iloc[0]).split(", Bijlage")[0].split(", rij")[0].split(" (")[0] if len(src) else None


# --- the CBS figures -------------------------------------------------------------------------------

def _yearly(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows without a meting (CBS figures), one per indicator, area and year (the preferred dataset)."""
    sel = obs[obs["meting"].isna() & obs["year"].notna()]
    return period.first_per_area(sel, keys=["indicator", "area_code", "year"])


def _edition(dataset: str) -> str:
    if dataset.startswith("kwb_") and dataset[4:].isdigit():
        return f"CBS Kerncijfers wijken en buurten {dataset[4:]}"
    if dataset == "kwb_gemeenten":
        return "CBS wijk- en buurtkaart (gemeenten)"
    if dataset.startswith("cbs_"):
        return f"CBS StatLine {dataset[4:]}"
    return dataset


def _reference_at(rows: pd.DataFrame, code: str, year: int):
    """(value, year, dataset) of an area: the same year, else its latest year before, else after."""
    r = rows[(rows["area_code"] == code) & (rows["status"] == "ok")]
    if r.empty:
        return math.nan, None, None
    same = r[r["year"] == year]
    pick = same if len(same) else (r[r["year"] < year] if (r["year"] < year).any() else r)
    pick = pick.sort_values("year", kind="stable").iloc[-1] if not len(same) else pick.iloc[0]
    return float(pick["value"]), int(pick["year"]), str(pick["dataset"])


_FIGURE_COLUMNS = ["indicator", "area_code", "area_level", "dataset", "meting", "year", "value", "status"]


def cbs_figures(obs: pd.DataFrame, wijkcode: str, gemeentecode: str, indicators=None) -> pd.DataFrame:
    """One row per CBS figure of the wijk (its latest year), beside the gemeente's and Nederland's.

    The year is the one the data gives the figure; the edition it comes from is the `source`.
    A reference without a value for that year shows its nearest earlier year, named.
    """
    # only the columns read here: every filter of a frame takes each of its (arrow) columns again
    yearly = _yearly(obs[_FIGURE_COLUMNS])
    mine = yearly[yearly["area_code"] == wijkcode]
    inds = list(dict.fromkeys(indicators)) if indicators is not None else _figure_order(mine["indicator"].unique())
    prefix = "WK" + gemeentecode[2:6]
    # one split per indicator instead of a filter of all rows per figure (pandas costs per call, not per row)
    by_indicator = {ind: r for ind, r in yearly.groupby("indicator", sort=False)}
    mine_by_indicator = {ind: r for ind, r in mine.groupby("indicator", sort=False)}
    rows = []
    for ind in inds:
        if ind not in mine_by_indicator:
            continue
        w = mine_by_indicator[ind].sort_values("year", kind="stable")
        e = catalogue_entry(ind)
        ok = w[w["status"] == "ok"]
        last = ok.iloc[-1] if len(ok) else w.iloc[-1]
        year = int(last["year"])
        ds = str(last["dataset"])
        prev = next((r for _, r in ok[ok["year"] < year].iloc[::-1].iterrows()
                     if _ordered(ind, str(r["dataset"]), int(r["year"]), ds, year)), None)
        allrows = by_indicator[ind]
        gem, gem_year, gem_ds = _reference_at(allrows, gemeentecode, year)
        nl, nl_year, nl_ds = _reference_at(allrows, NL_CODE, year)
        wk = allrows[(allrows["year"] == year) & allrows["area_code"].astype(str).str.startswith(prefix)
                     & (allrows["area_level"] == "wijk") & (allrows["status"] == "ok")]
        value = float(last["value"]) if last["status"] == "ok" else math.nan
        rank = n = None
        sign = cmp.direction_sign(ind)
        if pd.notna(value) and len(wk) > 1:  # 1 = most favourable; without a direction 1 = highest
            s_ = sign or 1
            rank = int((wk["value"] * (-s_) < -s_ * value).sum() + 1)
            n = int(len(wk))
        pv = float(prev["value"]) if prev is not None else math.nan
        s, reading = judgement(pv, value, ind) if prev is not None else (None, None)
        vs, dist = _vs(value, gem if gem_year == year else math.nan, ind)
        rows.append({
            "indicator": ind, "label": catalogue.reader_label(ind), "kind": "jaar", "meting": None, "year": year,
            "period": period.cbs_label(ind, ds, year), "value": value, "status": str(last["status"]),
            "gemeente": gem, "gemeente_period": _ref_period(ind, ds, year, gem_ds, gem_year),
            "nederland": nl, "nederland_period": _ref_period(ind, ds, year, nl_ds, nl_year),
            "nederland_source": _edition(nl_ds) if nl_ds else None, "rank": rank, "n_ranked": n,
            "previous_period": period.cbs_label(ind, str(prev["dataset"]), int(prev["year"])) if prev is not None
            else None, "previous": pv,
            "arrow": arrow(pv, value, e["decimals"]), "sign": s, "judgement": reading if sign else None,
            "vs_gemeente": vs, "distance": dist, "source": _edition(str(last["dataset"]))})
    out = pd.DataFrame(rows)
    return out if len(out) else _empty()


def _ordered(ind: str, ds_from: str, year_from: int, ds_to: str, year_to: int) -> bool:
    """Whether a change from one CBS figure to another reads forward in time: two KWB editions (same
    indicator, later edition = later period), or two figures whose described years are known and
    rise. A KWB figure of unknown peiljaar beside another table's year is not: no change shown."""
    if period.kwb_edition(ds_from, year_from) is not None and period.kwb_edition(ds_to, year_to) is not None:
        return year_from < year_to
    a, b = period.described_year(ind, ds_from, year_from), period.described_year(ind, ds_to, year_to)
    return a is not None and b is not None and a < b


def _ref_period(ind: str, dataset: str, year: int, ref_dataset, ref_year):
    """A reference's period as `_ref_text` shows it: its year (int) where it is the wijk's edition or
    describes the same known year; else a named period ('2023 (CBS StatLine 83841NED)'), so that
    an income year is never silently set beside a KWB edition whose peiljaar is unknown."""
    if ref_year is None:
        return None
    if period.kwb_edition(ref_dataset, ref_year) is not None and period.kwb_edition(dataset, year) is not None:
        return ref_year  # KWB beside KWB: the editions say the period
    mine, theirs = period.described_year(ind, dataset, year), period.described_year(ind, ref_dataset, ref_year)
    if mine is not None and mine == theirs:
        return ref_year
    return f"{period.cbs_label(ind, ref_dataset, ref_year)} ({_edition(ref_dataset)})" \
        if period.kwb_edition(ref_dataset, ref_year) is None else period.cbs_label(ind, ref_dataset, ref_year)


def _figure_order(inds) -> list[str]:
    inds = [i for i in inds if i not in AGE_FIGURES]  # counts per age group: the age chart shows them
    first = [i for i in FIRST_FIGURES if i in inds]
    return first + sorted(i for i in inds if i not in first)


# --- helpers ---------------------------------------------------------------------------------------

COLUMNS = ["indicator", "label", "kind", "meting", "year", "period", "value", "status", "gemeente",
           "gemeente_period", "nederland", "nederland_period", "nederland_source", "rank", "n_ranked",
           "previous_period", "previous", "arrow", "sign", "judgement", "vs_gemeente", "distance", "source"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def _f(v) -> float:
    return float(v) if v is not None and v is not pd.NA and pd.notna(v) else math.nan


def _sorted(card: pd.DataFrame) -> pd.DataFrame:
    """The wijk's largest disadvantage against the gemeente first, its largest advantage last; then
    KPIs without a direction, then those without a value (each kept in catalogue order)."""
    if card.empty:
        return _empty()
    group = np.select([card["distance"].notna(), card["value"].notna()], [0, 1], 2)
    card = card.assign(_g=group, _d=card["distance"].fillna(0.0), _o=range(len(card)))
    return card.sort_values(["_g", "_d", "_o"], kind="stable").drop(columns=["_g", "_d", "_o"]).reset_index(drop=True)


def row_class(vs: str | None) -> str:
    """CSS class of a scorecard row: wm-gunstig / wm-ongunstig / wm-gelijk / '' (no judgement)."""
    return {"gunstiger": "wm-gunstig", "ongunstiger": "wm-ongunstig", "ongeveer gelijk": "wm-gelijk"}.get(vs or "", "")


# --- as a reader reads it --------------------------------------------------------------------------

def table(card: pd.DataFrame, gemeentenaam: str) -> pd.DataFrame:
    """The scorecard in Dutch notation: one row per KPI, its period, the wijk, the gemeente,
    Nederland, the rank and the change; `attrs['classes']` colours the rows (webpage) and
    `attrs['download']` keeps the numbers for the Excel download."""
    if card.empty:
        return pd.DataFrame()
    yearly = (card["kind"] == "jaar").all()
    out = pd.DataFrame({"KPI" if not yearly else "Kenmerk": card["label"]})
    out["Periode" if not yearly else "Jaar"] = card["period"]
    out["Wijk"] = [value_text(i, v) if pd.notna(v) else missing_text(s)
                   for i, v, s in zip(card["indicator"], card["value"], card["status"])]
    out[gemeentenaam] = [_ref_text(i, v, y, p) for i, v, y, p in
                         zip(card["indicator"], card["gemeente"], card["gemeente_period"], card["year"])]
    out["Nederland"] = [_ref_text(i, v, y, p) for i, v, y, p in
                        zip(card["indicator"], card["nederland"], card["nederland_period"], card["year"])]
    out["T.o.v. gemeente"] = [v if isinstance(v, str) and v != "geen richting" else "-" for v in card["vs_gemeente"]]
    out["Rang in de gemeente"] = [_rank_text(r, n, i) for r, n, i in zip(card["rank"], card["n_ranked"], card["indicator"])]
    out["Verandering"] = [_change_text(r) for r in card.to_dict("records")]
    out["Oordeel"] = [j if isinstance(j, str) else "-" for j in card["judgement"]]
    # columns that would say '-' on every row (CBS figures without a direction or an earlier year) are left out
    if not card["vs_gemeente"].isin(list(VS_GEMEENTE.values()) + ["ongeveer gelijk"]).any():
        out = out.drop(columns="T.o.v. gemeente")
    if card["arrow"].isna().all():
        out = out.drop(columns="Verandering")
    if card["judgement"].isna().all():
        out = out.drop(columns="Oordeel")
    out = out.set_index(out.columns[0])
    wrap = ["wm-wrap" if catalogue.value_unit(i) not in ("", "%", "‰") else "" for i in card["indicator"]]
    out.attrs["classes"] = {"_row": [row_class(v) for v in card["vs_gemeente"]],
                            "Oordeel": [f"wm-{j}" if isinstance(j, str) else "" for j in card["judgement"]],
                            "Wijk": wrap, gemeentenaam: wrap, "Nederland": wrap,
                            out.columns[0]: ["wm-periode"] * len(card)}
    numbers = pd.DataFrame({out.index.name: card["label"], out.columns[0]: card["period"],
                            "Wijk": card["value"], gemeentenaam: card["gemeente"], "Nederland": card["nederland"],
                            "Rang": card["rank"], "Van": card["n_ranked"], "Vorige periode": card["previous_period"],
                            "Vorige waarde": card["previous"], "Richting": card["arrow"],
                            "Oordeel": card["judgement"], "Eenheid": [catalogue.value_unit(i) for i in card["indicator"]]})
    out.attrs["download"] = numbers
    return out


def _ref_text(ind: str, v, year_used, year) -> str:
    if v is None or pd.isna(v):
        return missing_text("no_data")
    text = value_text(ind, v)
    if isinstance(year_used, str):  # an earlier meting's value, named
        return f"{text} in {year_used}"
    if year_used is not None and pd.notna(year_used) and year is not None and pd.notna(year) and int(year_used) != int(year):
        text += f" ({int(year_used)})"
    return text


def _rank_text(rank, n, ind: str) -> str:
    if rank is None or n is None or pd.isna(rank) or pd.isna(n):
        return "-"
    return f"{int(rank)} van {int(n)}"


def _change_text(r: dict) -> str:
    """'↓ van 25,4% (0-meting (2022))' or '-' without an earlier value."""
    if not isinstance(r.get("arrow"), str):
        return "-"
    prev = r["previous_period"]  # the previous meting's year (same series), or the previous CBS figure's period
    if r.get("kind") == "jaar":
        return f"{r['arrow']} van {value_text(r['indicator'], r['previous'])} in {prev}"
    when = prev.split("(", 1)[-1].split(")")[0]
    return f"{r['arrow']} van {value_text(r['indicator'], r['previous'])} ({when})"


def legend(card: pd.DataFrame, gemeentenaam: str, short: bool = False) -> str:
    """The Dutch legend under the scorecard: colours, arrows, judgements, the footnote marks used,
    the report's notes on the KPIs shown and the precision of the values."""
    if card.empty:
        return ""
    yearly = (card["kind"] == "jaar").all()
    prev = "het vorige jaar met een cijfer" if yearly else "de vorige meting"
    coloured = card["vs_gemeente"].isin(["gunstiger", "ongunstiger", "ongeveer gelijk"]).any()
    changed = card["arrow"].notna().any()
    head = (f"De kleur van een rij zegt hoe de wijk ervoor staat tegenover {gemeentenaam}: "
            "<span class='wm-gunstig'>groen = gunstiger</span>, <span class='wm-ongunstig'>roze = ongunstiger</span>, "
            "grijs = ongeveer gelijk (binnen 5%), gelet op de gewenste richting van elk cijfer. "
            + (f"De rijen staan van de grootste achterstand op {gemeentenaam} bovenaan tot de grootste voorsprong "
               "onderaan. " if not yearly else "") if coloured else "")
    if changed:
        head += (f"*Verandering*: de richting van het cijfer zelf sinds {prev} (↑ gestegen, ↓ gedaald, = gelijk "
                 f"gebleven), met {'de periode' if yearly else 'tussen haakjes het jaar'} van {prev}. *Oordeel*: of die verandering gunstig, gelijk "
                 "of ongunstig is, gelet op de gewenste richting (een daling van een ongewenst cijfer is gunstig). ")
    else:
        head += (f"Een verandering is er nog niet: de wijk heeft nog maar één {'jaar' if yearly else 'meting'} "
                 "met cijfers in deze bronnen. ")
    lines = ["Kleuren, pijlen, oordeel en rang als in de tabel hierboven." if short else "**Zo lees je de tabel.** " + head +
             "*Rang*: 1 is de gunstigste wijk van de gemeente (bij een cijfer zonder gewenste richting: de hoogste). "
             "Een streepje: geen eerdere waarde om mee te vergelijken, of een cijfer zonder gewenste richting."]
    used = [s for s in MARKS if s in set(card.loc[card["value"].isna(), "status"])]
    if card["gemeente"].isna().any() or card["nederland"].isna().any():
        used = list(dict.fromkeys(used + ["no_data"]))
    if used:
        lines.append("*geen gegevens*: " + "; ".join(f"{MARKS[s]} {REASONS[s]}" for s in MARKS if s in used) + ".")
    if _named_earlier(card):
        lines.append(("Een jaartal tussen haakjes achter een cijfer van de gemeente of Nederland" if yearly else
                      "Een meting achter een cijfer van de gemeente of Nederland") + ": het meest recente cijfer, "
                     f"als er voor {'het jaar' if yearly else 'de meting'} van de wijk geen is.")
    whole = sorted({catalogue.reader_label(i) for i in card["indicator"]
                    if catalogue_entry(i)["unit"] == "%" and int(catalogue_entry(i)["decimals"]) == 0})
    if whole and (card["indicator"].map(lambda i: catalogue_entry(i)["unit"] == "%"
                                         and int(catalogue_entry(i)["decimals"]) > 0)).any():
        lines.append("Elk cijfer staat zoals de bron het publiceert; " + _names(whole)
                     + (" wordt" if len(whole) == 1 else " worden") + " in hele procenten gepubliceerd.")
    sources = [s for s in card["source"].dropna().unique()] if "source" in card else []
    if yearly and sources:
        kwb = sorted(x.rsplit(" ", 1)[-1] for x in sources if x.startswith("CBS Kerncijfers wijken en buurten "))
        other = sorted(x for x in sources if not x.startswith("CBS Kerncijfers wijken en buurten "))
        named = ([f"CBS Kerncijfers wijken en buurten, uitgave{'n' if len(kwb) > 1 else ''} {_names(kwb)}"
                  " (de uitgave staat tussen haakjes in de kolom Jaar)"] if kwb else []) + other
        lines.append("Bron van de wijk: " + "; ".join(named) + "; van de gemeente: dezelfde uitgave of de CBS "
                     "wijk- en buurtkaart van dat jaar"
                     + (f"; van Nederland: {_names(sorted(set(card['nederland_source'].dropna())))}"
                        if card["nederland_source"].notna().any() else "") + ".")
    if yearly and sources:
        lines.append(PEILJAAR_NOTE)
    for i in card["indicator"]:
        for note in report_notes(i):
            lines.append(f"*Let op, {catalogue.reader_label(i)[:1].lower() + catalogue.reader_label(i)[1:]}*: {note}")
    return "\n\n".join(lines)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _named_earlier(card: pd.DataFrame) -> bool:
    """Whether a reference value of another period than the wijk's is shown (and named) in the table."""
    for col in ("gemeente", "nederland"):
        for v, used, year in zip(card[col], card[f"{col}_period"], card["year"]):
            if pd.isna(v):
                continue
            if isinstance(used, str) or (used is not None and pd.notna(used) and year is not None
                                          and pd.notna(year) and int(used) != int(year)):
                return True
    return False
