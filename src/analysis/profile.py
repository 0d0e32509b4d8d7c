"""Building blocks of the wijkprofiel: indicator overview, key CBS figures and Dutch sentences."""
from __future__ import annotations

import pandas as pd

from analysis import compare as cmp
from analysis.areas import NL_CODE, check_wijkcode
from analysis.catalogue import fmt, indicator as catalogue_entry
from analysis.trends import judge


def resolve_wijk(obs: pd.DataFrame, wijkcode: str) -> tuple[str, str]:
    """(code, name) of a wijk in the data; an unknown code fails with the list of valid ones."""
    code = check_wijkcode(wijkcode, list(obs.loc[obs["area_level"] == "wijk", "area_code"].unique()))
    return code, obs.loc[obs["area_code"] == code, "area_name"].iloc[0]


def wijk_indicators(obs: pd.DataFrame, wijkcode: str, gemeentecode: str = "GM0957") -> pd.DataFrame:
    """Every report indicator for one wijk: 0- and 1-meting, Roermond, Nederland, judgement, rank.

    The same values, classes and ranks as compare.compare / compare.rank / compare.change give
    per indicator, computed for all indicators at once (a profile has some 14 of them).
    """
    inds = list(obs.loc[(obs["dataset"] == "bijlage_2b") & (obs["area_code"] == wijkcode), "indicator"].unique())
    sub = obs[obs["indicator"].isin(inds) & obs["meting"].isin([0, 1])]
    sel = cmp.first_per_area(sub, keys=["indicator", "meting", "area_code"])
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
        for m in (0, 1):
            if (ind, m) not in mine.index:
                continue
            r = mine.loc[(ind, m)]
            row.update({f"wijk_{m}": r["value"], f"status_{m}": r["status"], f"nederland_{m}": r["reference_value"],
                        f"gemeente_{m}": r["gemeente_value"], f"rank_{m}": r["rank"], f"n_ranked_{m}": r["n_ranked"],
                        f"better_{m}": r["better"]})
        row["judgement"] = judge(row.get("wijk_0", float("nan")), row.get("wijk_1", float("nan")),
                                 e["direction"], e["decimals"])
        rows.append(row)
    return pd.DataFrame(rows)


def display_table(tab: pd.DataFrame) -> pd.DataFrame:
    """Wide table in Dutch notation for reading (the edge of the tidy model)."""
    def f(ind, v):
        return fmt(ind, v) if pd.notna(v) else "geen gegevens"

    out = pd.DataFrame({
        "KPI": tab["KPI"],
        "Wijk 0-meting": [f(i, v) for i, v in zip(tab["indicator"], tab.get("wijk_0"))],
        "Wijk 1-meting": [f(i, v) for i, v in zip(tab["indicator"], tab.get("wijk_1"))],
        "Roermond 1-meting": [f(i, v) for i, v in zip(tab["indicator"], tab.get("gemeente_1"))],
        "Nederland 1-meting": [f(i, v) for i, v in zip(tab["indicator"], tab.get("nederland_1"))],
        "Beweging": [j if isinstance(j, str) else "n.v.t." for j in tab["judgement"]],
        "Rang (1 = gunstigst)": [f"{int(r)} van {int(n)}" if pd.notna(r) else "-" for r, n in
                                 zip(tab.get("rank_1"), tab.get("n_ranked_1"))],
    })
    return out.set_index("KPI")


def sentence(obs: pd.DataFrame, wijkcode: str, indicator: str, meting: int = 1) -> str:
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


def key_figures(obs: pd.DataFrame, wijkcode: str) -> pd.DataFrame:
    """Inwoners, huishoudens, dichtheid and more for the wijk over the CBS editions in the data."""
    inds = ["population", "households", "avg_household_size", "population_density", "avg_woz_keur",
            "owner_occupied_pct", "avg_income_per_resident_keur", "households_social_minimum_pct"]
    k = obs[obs["dataset"].str.startswith("kwb_") & (obs["area_code"] == wijkcode) & obs["indicator"].isin(inds)]
    k = k.assign(tekst=[fmt(i, v) if s == "ok" else cmp.STATUS_LABELS.get(s, "-")
                        for i, v, s in zip(k["indicator"], k["value"], k["status"])],
                 kenmerk=k["indicator"].map(lambda i: catalogue_entry(i)["label"]))
    wide = k.pivot_table(index="kenmerk", columns="period", values="tekst", aggfunc="first").fillna("-")
    wide.columns = [f"KWB {c}" for c in wide.columns]
    return wide


def age_structure(obs: pd.DataFrame, wijkcode: str, gemeentecode: str = "GM0957") -> pd.DataFrame:
    """Share of inhabitants per age group (latest KWB edition with counts) for wijk and gemeente."""
    groups = {"age_0_14": "0-14", "age_15_24": "15-24", "age_25_44": "25-44", "age_45_64": "45-64", "age_65_plus": "65+"}
    k = obs[obs["dataset"].str.startswith("kwb_") & obs["indicator"].isin(groups) & (obs["status"] == "ok")]
    year = k.loc[k["area_code"] == wijkcode, "year"].max()
    k = k[(k["year"] == year) & k["area_code"].isin([wijkcode, gemeentecode])]
    k = k.assign(leeftijd=k["indicator"].map(groups),
                 aandeel=k["value"] / k.groupby("area_code")["value"].transform("sum") * 100)
    return k[["area_code", "area_name", "year", "leeftijd", "value", "aandeel"]].reset_index(drop=True)


def summary_markdown(obs: pd.DataFrame, wijkcode: str, tab: pd.DataFrame, meting: int = 1) -> str:
    """Bullet list of sentences for every KPI with a national value; missing ones named too."""
    inds = [ind for ind, ref in zip(tab["indicator"], tab.get(f"nederland_{meting}")) if pd.notna(ref)]
    by_indicator = dict(tuple(obs[obs["indicator"].isin(inds)].groupby("indicator", sort=False)))
    lines = [f"- {sentence(by_indicator[ind], wijkcode, ind, meting)}" for ind in inds]
    return "\n".join(lines) or "Geen KPI's met een landelijk cijfer voor deze wijk."


def change_table(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """0- to 1-meting per wijk in Dutch notation, with the report's judgement."""
    e = catalogue_entry(indicator)
    ch = cmp.change(obs, indicator)

    def f(v):
        return fmt(indicator, v) if pd.notna(v) else "geen gegevens"

    return pd.DataFrame({
        "Wijk": ch["area_name"], "0-meting": ch["value_from"].map(f), "1-meting": ch["value_to"].map(f),
        "Verschil": [("+" if d > 0 else "") + fmt(indicator, d).rstrip("%‰") + (" procentpunt" if e["unit"] == "%" else "")
                     if pd.notna(d) else "-" for d in ch["change"]],
        "Beweging": [j if isinstance(j, str) else "n.v.t." for j in ch["judgement"]],
    }).set_index("Wijk")
