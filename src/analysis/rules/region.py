"""A gemeente among the other gemeenten of its region and Nederland, on gemeente-level CBS figures."""
from __future__ import annotations

import pandas as pd

from analysis.core.areas import NL_CODE
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.rules import period
from analysis.rules.trends import missing_note, missing_text

# Gemeente-level figures shown in the region table, where the data has them.
REGION_INDICATORS = ["population", "households", "avg_household_size", "population_density",
                     "avg_income_per_resident_keur", "age_65_plus_pct", "households_social_minimum_pct"]


def region_rows(obs: pd.DataFrame, region) -> pd.DataFrame:
    """Yearly gemeente-level values of the region's gemeenten (and Nederland where present)."""
    codes = list(region.gemeenten) + [NL_CODE]
    sel = obs[obs["area_code"].isin(codes) & obs["meting"].isna() & (obs["status"] == "ok")
              & obs["area_level"].isin(["gemeente", "land"])]
    # One value per area, indicator and year: prefer the gemeente series over KWB editions.
    # A stable sort on the full key: the order (and altair's dataset name) must not depend on the CPU.
    keys = ["area_code", "indicator", "year"]
    sel = sel.assign(_pref=(sel["dataset"] != "kwb_gemeenten").astype(int))
    sel = sel.sort_values(keys + ["_pref", "dataset"], kind="stable")
    return sel.drop_duplicates(keys).drop(columns="_pref").reset_index(drop=True)


def table(obs: pd.DataFrame, region, indicators: list[str] | None = None) -> pd.DataFrame:
    """Per indicator the values of the region's gemeenten and Nederland in the latest year all those
    gemeenten have (period.common_year; Dutch text, with the year)."""
    rows = region_rows(obs, region)
    indicators = [i for i in (indicators or REGION_INDICATORS) if i in set(rows["indicator"])]
    if not indicators:
        return pd.DataFrame({"Opmerking": ["Geen cijfers op gemeenteniveau voor deze regio in de data."]})
    names = rows.drop_duplicates("area_code").set_index("area_code")["area_name"]
    order = [c for c in list(region.gemeenten) + [NL_CODE] if c in names.index]
    out, used = {}, []
    for ind in indicators:
        r = rows[rows["indicator"] == ind]
        year = period.common_year(r, ind, region.gemeenten, level="gemeente")
        if year is None:  # no year all have: the latest any has (the table shows '-' for the others)
            year = int(r.loc[r["area_level"] == "gemeente", "year"].max())
        r = r[r["year"] == year].set_index("area_code")
        e = catalogue_entry(ind)
        unit = f" ({e['unit']})" if e["unit"] and e["unit"] not in ("%", "aantal") else ""
        # the period the gemeenten's figures describe ('2024 (KWB 2024)', 'KWB 2022, peiljaar onbekend');
        # a value of another period (Nederland from another CBS table) names its own
        gem = r[r.index.isin(list(region.gemeenten))]
        when = period.cbs_label(ind, gem["dataset"].iloc[0], year) if len(gem) else str(year)
        out[f"{e['label']}{unit}, {when}"] = [
            (fmt(ind, r.at[c, "value"]) + _other_period(ind, r.at[c, "dataset"], year, when)) if c in r.index
            else missing_text("not_in_data") for c in order]
        used += ["not_in_data" for c in order if c not in r.index]
    t = pd.DataFrame(out, index=[names[c] for c in order]).T
    t.index.name = "Kenmerk"
    t.attrs["notes"] = missing_note(used)
    return t


def _other_period(ind: str, dataset: str, year: int, when: str) -> str:
    """' (2022, CBS StatLine 83841NED)' when a cell's figure is of another table than the row's period."""
    own = period.cbs_label(ind, dataset, year)
    if own == when:
        return ""
    return f" ({own}, CBS StatLine {str(dataset)[4:]})" if str(dataset).startswith("cbs_") else f" ({own})"


def common_year_note(obs: pd.DataFrame, region, indicators: list[str] | None = None) -> str:
    """One Dutch line saying the table compares on the latest year every gemeente of the region has."""
    names = ", ".join(period.area_name(obs, c) for c in region.gemeenten)
    return (f"Per kenmerk het laatste jaar waarin elke gemeente van de regio ({names}) een cijfer heeft "
            f"(het jaar staat achter het kenmerk); een recenter cijfer van één gemeente alleen blijft buiten de vergelijking.")
