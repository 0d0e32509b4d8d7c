"""Building blocks of the wijkprofiel: indicator overview, key CBS figures and Dutch sentences."""
from __future__ import annotations

import re

import pandas as pd

from analysis.build import gemeenten
from analysis.build.judgements import judge
from analysis.core.areas import NL_CODE, check_wijkcode, gemeente_of, span
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import UnknownAreaError
from analysis.rules import compare as cmp
from analysis.rules import period
from analysis.sources import cbs


def resolve_wijk(obs: pd.DataFrame, wijkcode: str) -> tuple[str, str]:
    """(code, name) of a wijk of the gemeente's boundary data, also one without figures (a water
    wijk); an unknown code fails with the list of valid ones."""
    code = check_wijkcode(wijkcode)
    gm = gemeenten.check(gemeente_of(code))
    wijken = gemeenten.wijken(gm)
    names = dict(zip(wijken["wijkcode"], wijken["wijknaam"]))
    if code not in names:
        raise UnknownAreaError(f"{code} is geen wijk van {gemeenten.name(gm)}; kies uit {span(names)}")
    return code, names[code]


def wijk_kpis(obs: pd.DataFrame, wijkcode: str, monitor=None) -> list[str]:
    """The KPIs reported for the wijk: the monitor's wijk set, else every indicator with wijk metingen."""
    wset = monitor.wijk_set() if monitor is not None else None
    if wset is not None:
        return list(wset.indicators)
    sel = obs[(obs["area_code"] == wijkcode) & obs["meting"].notna()]
    return list(sel["indicator"].unique())


def wijk_indicators(obs: pd.DataFrame, wijkcode: str, gemeentecode: str, monitor=None) -> pd.DataFrame:
    """Every KPI of the wijk at every meting present: the wijk, the gemeente, Nederland, rank, judgement.

    The same values, classes and ranks as compare.compare / compare.rank / compare.change give
    per indicator, computed for all indicators at once (a profile has some 14 of them). The
    judgement compares the wijk's latest two measurements (the report's rule).
    """
    inds = wijk_kpis(obs, wijkcode, monitor)
    if not inds:  # a CBS-only monitor, or a wijk without measurements
        out = pd.DataFrame()
        out.attrs["metingen"] = []
        return out
    sub = obs[obs["indicator"].isin(inds) & obs["meting"].notna()]
    if monitor is not None and monitor.wijk_set() is not None and monitor.wijk_set().series:
        sub = sub[sub["series"] == monitor.wijk_set().series]
    metingen = sorted(int(m) for m in sub["meting"].unique())
    sel = period.first_per_area(sub, keys=["indicator", "meting", "area_code"])
    wijken = sel[sel["area_level"] == "wijk"].copy()
    # compare() has no result when every wijk value of that meting is missing
    wijken = wijken[wijken.groupby(["indicator", "meting"])["value"].transform("count") > 0]
    ref = sel[sel["area_code"] == NL_CODE].set_index(["indicator", "meting"])["value"]
    gem = sel[sel["area_code"] == gemeentecode].set_index(["indicator", "meting"])["value"]
    keys = pd.MultiIndex.from_frame(wijken[["indicator", "meting"]])
    wijken["reference_value"] = ref.reindex(keys).to_numpy()
    wijken["gemeente_value"] = gem.reindex(keys).to_numpy()
    sign = wijken["indicator"].map(cmp.direction_sign)
    wijken["better"] = cmp.classify(wijken["value"], wijken["reference_value"], sign.to_numpy())["better"]
    # rank 1 = most favourable (compare.rank): ascending unless higher is better
    key = wijken["value"].where(sign <= 0, -wijken["value"])
    grouped = key.groupby([wijken["indicator"], wijken["meting"]])
    wijken["rank"] = grouped.rank(method="min").astype("Int64")
    wijken["n_ranked"] = grouped.transform("count")
    mine = wijken[wijken["area_code"] == wijkcode].set_index(["indicator", "meting"])
    rows = []
    for ind in inds:
        e = catalogue_entry(ind)
        row = {"indicator": ind, "KPI": e["label"]}
        for m in metingen:
            if (ind, m) not in mine.index:
                continue
            r = mine.loc[(ind, m)]
            row.update({f"wijk_{m}": r["value"], f"status_{m}": r["status"], f"nederland_{m}": r["reference_value"],
                        f"gemeente_{m}": r["gemeente_value"], f"rank_{m}": r["rank"], f"n_ranked_{m}": r["n_ranked"],
                        f"better_{m}": r["better"]})
        have = [m for m in metingen if pd.notna(row.get(f"wijk_{m}", float("nan")))]
        row["judgement"] = (judge(row[f"wijk_{have[-2]}"], row[f"wijk_{have[-1]}"], e["direction"], e["decimals"])
                            if len(have) >= 2 else None)
        row["judged_metingen"] = f"{have[-2]}->{have[-1]}" if len(have) >= 2 else None
        row["latest"] = have[-1] if have else None
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["metingen"] = metingen
    return out


def metingen_in(tab: pd.DataFrame) -> list[int]:
    """The metingen of a wijk_indicators table."""
    return tab.attrs.get("metingen") or sorted({int(c.split("_")[1]) for c in tab.columns if c.startswith("wijk_")})


def reference_meting(tab: pd.DataFrame) -> int | None:
    """The latest meting at which at least one KPI of the wijk has a national value."""
    with_nl = [m for m in metingen_in(tab) if f"nederland_{m}" in tab and tab[f"nederland_{m}"].notna().any()]
    return with_nl[-1] if with_nl else None


def display_table(tab: pd.DataFrame, gemeentenaam: str) -> pd.DataFrame:
    """Wide table in Dutch notation for reading (the edge of the tidy model): every meting of the
    wijk, then per KPI its latest meting with the gemeente, Nederland and the rank at that meting."""
    def f(ind, v):
        return fmt(ind, v) if pd.notna(v) else "geen gegevens"

    metingen = metingen_in(tab)
    if tab.empty or not metingen:
        return pd.DataFrame()

    def at_latest(row, what):
        m = row.get("latest")
        return row.get(f"{what}_{int(m)}") if pd.notna(m) else None

    out = pd.DataFrame({"KPI": [k + _unit_suffix(i) for k, i in zip(tab["KPI"], tab["indicator"])]})
    for m in metingen:
        out[f"Wijk {m}-meting"] = [f(i, v) for i, v in zip(tab["indicator"], tab.get(f"wijk_{m}", [None] * len(tab)))]
    rows = [r for _, r in tab.iterrows()]
    out["Laatste meting"] = [f"{int(r['latest'])}-meting" if pd.notna(r.get("latest")) else "-" for r in rows]
    out[gemeentenaam] = [f(r["indicator"], at_latest(r, "gemeente")) for r in rows]
    out["Nederland"] = [f(r["indicator"], at_latest(r, "nederland")) for r in rows]
    out["Beweging"] = [j if isinstance(j, str) else "n.v.t." for j in tab["judgement"]]
    out["Rang (1 = gunstigst)"] = [f"{int(at_latest(r, 'rank'))} van {int(at_latest(r, 'n_ranked'))}"
                                   if pd.notna(at_latest(r, "rank")) else "-" for r in rows]
    return out.set_index("KPI")


def _unit_suffix(ind: str) -> str:
    unit = catalogue_entry(ind)["unit"]
    return f" ({unit})" if unit and unit not in ("%", "‰", "aantal") and unit not in catalogue_entry(ind)["label"] else ""


def sentence(obs: pd.DataFrame, wijkcode: str, indicator: str, meting: int) -> str:
    """One Dutch sentence comparing the wijk with Nederland, generated from the numbers."""
    e = catalogue_entry(indicator)
    c = cmp.compare(obs, indicator, meting=meting).set_index("area_code").loc[wijkcode]
    name = c["area_name"]
    if pd.isna(c["value"]):
        reason = cmp.STATUS_LABELS.get(c["status"], "geen waarneming")
        return f"Voor {name} is over '{e['label'].lower()}' ({meting}-meting) geen cijfer beschikbaar: {reason}."
    v, ref = c["value"], c["reference_value"]
    if pd.isna(ref):
        return f"In {name}: {e['label'].lower()} {fmt(indicator, v)} ({meting}-meting); een landelijk cijfer ontbreekt."
    # The class comes from compare(), so the sentence and the maps share one "about equal" band.
    ratio = v / ref if ref else float("nan")
    if c["klasse"] == "about_equal":
        how = "ongeveer gelijk aan het landelijk gemiddelde"
    elif ratio >= 1.9:
        how = f"ruim {_times(ratio)} het landelijk gemiddelde"
    elif ratio <= 0.55:
        how = "minder dan de helft van het landelijk gemiddelde"
    else:
        how = f"{'hoger' if c['klasse'] == 'above' else 'lager'} dan het landelijk gemiddelde"
    judged = {True: " Dat is gunstig.", False: " Dat is ongunstig.", None: ""}[c["better"]]
    return (f"In {name} is het cijfer voor '{e['label'].lower()}' {fmt(indicator, v)} ({meting}-meting), "
            f"{how} ({fmt(indicator, ref)}).{judged}")


def _times(ratio: float) -> str:
    return {2: "twee keer", 3: "drie keer", 4: "vier keer"}.get(int(ratio), f"{int(ratio)} keer")


KEY_FIGURES = ["population", "households", "avg_household_size", "population_density", "avg_woz_keur",
               "owner_occupied_pct", "avg_income_per_resident_keur", "households_social_minimum_pct"]


def key_figures(obs: pd.DataFrame, wijkcode: str) -> pd.DataFrame:
    """Inwoners, huishoudens, dichtheid and more for the wijk over the CBS editions in the data."""
    k = obs[obs["dataset"].str.match(r"^kwb_\d{4}$") & (obs["area_code"] == wijkcode) & obs["indicator"].isin(KEY_FIGURES)]
    if k.empty:
        return pd.DataFrame({"Kenmerk": ["(geen CBS-kerncijfers voor deze wijk in de beschikbare bronnen)"]}).set_index("Kenmerk")
    k = k.assign(tekst=[fmt(i, v) if s == "ok" else cmp.STATUS_LABELS.get(s, "-")
                        for i, v, s in zip(k["indicator"], k["value"], k["status"])],
                 kenmerk=k["indicator"].map(lambda i: catalogue_entry(i)["label"] + _unit_suffix(i)))
    order = {catalogue_entry(i)["label"] + _unit_suffix(i): n for n, i in enumerate(KEY_FIGURES)}
    wide = k.pivot_table(index="kenmerk", columns="period", values="tekst", aggfunc="first").fillna("-")
    wide = wide.loc[sorted(wide.index, key=lambda x: order.get(x, 99))]
    wide.columns = [f"KWB {c}" for c in wide.columns]
    wide.index.name = "Kenmerk"
    return wide


def age_structure(obs: pd.DataFrame, wijkcode: str, gemeentecode: str) -> pd.DataFrame:
    """Share of inhabitants per age group for wijk and gemeente: from counts where the latest KWB
    edition has them, else from the published shares (PDOK wijk attributes). Empty without either."""
    groups = {"age_0_14": "0-14", "age_15_24": "15-24", "age_25_44": "25-44", "age_45_64": "45-64", "age_65_plus": "65+"}
    # the gemeente's shares also from the yearly gemeente attributes (a CBS-only monitor has no other)
    kwb = obs[obs["dataset"].str.match(r"^kwb_(\d{4}|gemeenten)$") & (obs["status"] == "ok")
              & obs["area_code"].isin([wijkcode, gemeentecode])]
    kwb = period.first_per_area(kwb, keys=["indicator", "area_code", "year"])
    for inds, from_counts in ((groups, True), ({f"{k}_pct": v for k, v in groups.items()}, False)):
        k = kwb[kwb["indicator"].isin(inds)]
        year = k.loc[k["area_code"] == wijkcode, "year"].max()
        k = k[k["year"] == year]
        if k.empty or k.loc[k["area_code"] == wijkcode, "indicator"].nunique() < len(inds):
            continue
        share = k["value"] / k.groupby("area_code")["value"].transform("sum") * 100 if from_counts else k["value"]
        k = k.assign(leeftijd=k["indicator"].map(inds), aandeel=share)
        return k[["area_code", "area_name", "year", "leeftijd", "value", "aandeel"]].reset_index(drop=True)
    return pd.DataFrame(columns=["area_code", "area_name", "year", "leeftijd", "value", "aandeel"])


def summary_markdown(obs: pd.DataFrame, wijkcode: str, tab: pd.DataFrame, meting: int | None = None) -> str:
    """Bullet list of sentences for every KPI with a national value at the meting (default the latest)."""
    metingen = metingen_in(tab)
    if tab.empty or not metingen:
        return "Voor deze wijk zijn geen eigen KPI's van de gemeente beschikbaar; hieronder staan de CBS-kerncijfers."
    meting = (reference_meting(tab) if reference_meting(tab) is not None else metingen[-1]) if meting is None else meting
    refs = tab.get(f"nederland_{meting}", pd.Series([None] * len(tab)))
    inds = [ind for ind, ref in zip(tab["indicator"], refs) if pd.notna(ref)]
    by_indicator = dict(tuple(obs[obs["indicator"].isin(inds)].groupby("indicator", sort=False)))
    lines = [f"- {sentence(by_indicator[ind], wijkcode, ind, meting)}" for ind in inds]
    return "\n".join(lines) or f"Voor de {meting}-meting is er geen KPI met een landelijk cijfer voor deze wijk."


def change_table(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The latest two metingen per wijk in Dutch notation, with the report's judgement."""
    e = catalogue_entry(indicator)
    ch = cmp.change(obs, indicator)
    frm, to = ch.attrs["from"], ch.attrs["to"]

    def f(v):
        return fmt(indicator, v) if pd.notna(v) else "geen gegevens"

    return pd.DataFrame({
        "Wijk": ch["area_name"], f"{frm}-meting": ch["value_from"].map(f), f"{to}-meting": ch["value_to"].map(f),
        "Verschil": [("+" if d > 0 else "") + fmt(indicator, d).rstrip("%‰") + (" procentpunt" if e["unit"] == "%" else "")
                     if pd.notna(d) else "-" for d in ch["change"]],
        "Beweging": [j if isinstance(j, str) else "n.v.t." for j in ch["judgement"]],
    }).set_index("Wijk")


def label_with_period(indicator: str, meting: int | None = None, year: int | None = None) -> str:
    """'Huishoudens tot 120% van het sociaal minimum, 1-meting' (or ', 2024')."""
    return f"{catalogue_entry(indicator)['label']}, " + (f"{meting}-meting" if meting is not None else str(year))


# --- text for any gemeente (with or without KPIs of its own) ---------------------------------------

def intro_markdown(card: pd.DataFrame, wijknaam: str, gemeentenaam: str) -> str:
    """One paragraph over the scorecard: what is compared, for a gemeente with or without own KPIs."""
    if card.empty:
        return f"Voor {wijknaam} zijn geen cijfers beschikbaar om met {gemeentenaam} en Nederland te vergelijken."
    yearly = (card["kind"] == "jaar").all()
    n_bad = int((card["vs_gemeente"] == "ongunstiger").sum())
    n_good = int((card["vs_gemeente"] == "gunstiger").sum())
    what = ("de kerncijfers van het CBS voor de wijk, elk in het laatste jaar met een cijfer" if yearly
            else "de KPI's die de gemeente per wijk meet, elk in de laatste meting met een cijfer (met het jaar)")
    change = (f" en de verandering sinds {'het vorige jaar' if yearly else 'de vorige meting'} met een cijfer"
              if card["arrow"].notna().any() else "")
    text = f"Per regel {what}, naast {gemeentenaam} en Nederland, met de rang van de wijk binnen de gemeente{change}."
    if n_bad or n_good:
        text += (f" {wijknaam} staat er bij {n_bad} {'cijfer' if n_bad == 1 else 'cijfers'} ongunstiger en bij "
                 f"{n_good} gunstiger voor dan {gemeentenaam}.")
    return text


def cbs_coverage_markdown(obs: pd.DataFrame, wijkcode: str) -> str:
    """Which KWB editions the profile lacks, which are only in part available, and why; '' if complete."""
    editions = {int(d[4:]) for d in obs.loc[obs["area_code"] == wijkcode, "dataset"].unique()
                if re.fullmatch(r"kwb_\d{4}", str(d))}
    missing = [y for y in cbs.DEFAULT_YEARS if y not in editions]
    parts = []
    if missing:
        names = ", ".join(str(y) for y in missing[:-1]) + (" en " if len(missing) > 1 else "") + str(missing[-1])
        parts.append(f"De uitgave{'n' if len(missing) > 1 else ''} {names} van de CBS Kerncijfers wijken en buurten "
                     f"{'ontbreken' if len(missing) > 1 else 'ontbreekt'} voor deze wijk: bij het bouwen van dit "
                     "rapport stonden ze niet in de lokale kopie van de CBS-gegevens en zijn ze niet gedownload.")
    for y in sorted(editions):
        extract = cbs.MIRROR_KWB.get(y)
        if extract is None or not extract.partial:
            continue
        inds = obs.loc[(obs["dataset"] == f"kwb_{y}") & (obs["area_code"] == wijkcode), "indicator"].unique()
        labels = sorted({_lower_first(catalogue_entry(i)["label"]) for i in inds})
        if labels:
            parts.append(f"Uit de uitgave {y} is alleen een deel beschikbaar (een uitsnede van de tabel): "
                         + ", ".join(labels) + ".")
    if not parts:
        return ""
    have = set(obs.loc[(obs["area_code"] == wijkcode) & (obs["status"] == "ok"), "indicator"])
    lacking = [_lower_first(catalogue_entry(i)["label"]) for i in KEY_FIGURES if i not in have]
    tail = (" Daardoor staan onder meer deze kerncijfers niet in dit profiel: " + ", ".join(lacking) + "."
            if lacking else "")
    return "**Wat ontbreekt.** " + " ".join(parts) + tail


def _lower_first(text: str) -> str:
    """'Gemiddelde WOZ-waarde' -> 'gemiddelde WOZ-waarde' (abbreviations keep their capitals)."""
    return text[:1].lower() + text[1:]
