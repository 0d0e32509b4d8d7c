"""The wijk profile's scorecard (issue 20/21): every meting with its year, gemeente and Nederland beside
the wijk, change read as a reader reads it, units once, missing with a reason; real values from the
May 2025 report (Bijlage 2A/2B) and the CBS mirror."""
import math
import re

import pandas as pd
import pytest

from analysis.build import monitors, observations
from analysis.core import catalogue
from analysis.charts import labels as lab, maps, profile_charts
from analysis.rules import period, profile, scorecard

TOT120 = "households_below_120pct_social_minimum_pct"
# an 'N-meting' without its year: not '1-meting (2023)', nor the report's own words '2016 (0-meting)', '0-meting 2016'
BARE_METING = r"(?<!\d{4} \()\d-meting(?! \(| \d{4}| in \d{4})"


@pytest.fixture(scope="module")
def card(obs):
    return scorecard.kpis(obs, "WK095704", "GM0957", monitors.load("GM0957")).set_index("indicator")


@pytest.fixture(scope="module")
def echt_susteren(tmp_path_factory):
    """A CBS-only monitor, built offline from the mirror (KWB 2024 extract, gemeente attributes)."""
    return observations.build("GM1711", out_dir=tmp_path_factory.mktemp("gm1711"))["observations"]


def test_meting_label_carries_the_year_school_year_and_series(obs):
    assert period.meting_label(obs, TOT120, 1) == "1-meting (2023)"
    assert period.meting_label(obs, TOT120, 0) == "0-meting (2022)"
    assert period.meting_label(obs, "special_primary_education_pct", 0) == "0-meting (2022/2023)"
    # ervaren gezondheid is measured in two series: the series is named, and its own year given
    assert period.meting_label(obs, "self_rated_health_pct", 1) == "1-meting (2022), Kiezen voor Kansen"
    assert period.meting_label(obs, "self_rated_health_pct", 1, series="beleidskader").startswith(
        "1-meting (2020), Beleidskader Sociaal Domein")
    assert period.meting_label(obs, TOT120, 1, with_series=True) == "1-meting (2023), Kiezen voor Kansen"


def test_scorecard_shows_gemeente_nederland_rank_and_change(card):
    row = card.loc[TOT120]
    # Bijlage 2B/2A: Donderberg 25,4 -> 25,0; Roermond 15,1; Nederland 12,2 (1-meting, 2023)
    assert row.period == "1-meting (2023)" and (row.value, row.gemeente, row.nederland) == (25.0, 15.1, 12.2)
    assert (row.previous, row.previous_period) == (25.4, "0-meting (2022)")
    # the number went down (arrow), which is favourable (judgement); the report prints '+'
    assert (row.arrow, row.judgement, row.sign) == ("↓", "gunstig", "+")
    assert row.vs_gemeente == "ongunstiger" and (row["rank"], row["n_ranked"]) == (8, 9)
    assert card.loc["net_labour_participation_pct", "arrow"] == "="  # 58% -> 58%
    assert card.loc["self_rated_health_pct", "judgement"] == "ongunstig"  # 67,2 -> 55,9


def test_scorecard_sorted_by_distance_from_the_gemeente(card):
    d = card["distance"].dropna()
    assert list(d) == sorted(d) and d.iloc[0] < 0 < d.iloc[-1]
    assert card.index[0] == "children_benefit_household_pct"  # 20% against Roermond's 7%
    assert card.loc["preterm_low_birthweight_per_1000", "vs_gemeente"] == "gunstiger"  # 142,0 vs 153,5


def test_scorecard_table_as_a_reader_reads_it(card):
    t = scorecard.table(card.reset_index(), "Roermond")
    assert list(t.columns) == ["Periode", "Wijk", "Roermond", "Nederland", "T.o.v. gemeente", "Rang in de gemeente",
                               "Verandering", "Oordeel"]
    row = t.loc["Huishoudens tot 120% van het sociaal minimum"]
    assert (row.Wijk, row.Roermond, row.Nederland) == ("25,0%", "15,1%", "12,2%")
    assert row.Verandering == "↓ van 25,4% (2022)" and row.Oordeel == "gunstig"
    assert row["Rang in de gemeente"] == "8 van 9"
    classes = t.attrs["classes"]
    i = list(t.index).index("Huishoudens tot 120% van het sociaal minimum")
    assert classes["_row"][i] == "wm-ongunstig" and classes["Oordeel"][i] == "wm-gunstig"
    assert set(classes["Periode"]) == {"wm-periode"}  # wide enough on a phone: no break after '1-'

    # units once, on the values; the label names none
    pre = t.loc["Vroeggeboorte en/of te laag geboortegewicht"]
    assert pre.Wijk == "142,0 per 1.000 geboortes" and "‰" not in "".join(t.index)
    assert t.loc["Zwangerschapsbegeleiding gestart vóór 10 weken", "Wijk"] == "72,4 per 100 geboortes"
    # missing: one notation with its reason; the gemeente's value that exists stays
    toddlers = t.loc["Peuters met risico op onderwijsachterstand"]
    assert toddlers.Wijk == "geen gegevens¹" and toddlers.Roermond == "15%"
    assert not any(v in ("-", "", "n.v.t.") for v in t[["Wijk", "Roermond", "Nederland"]].to_numpy().ravel())
    # every meting a reader sees carries its year
    text = " ".join(t.astype(str).to_numpy().ravel()) + " " + scorecard.legend(card.reset_index(), "Roermond")
    assert not re.search(BARE_METING, text)


def test_legend_explains_marks_precision_and_report_notes(card):
    text = scorecard.legend(card.reset_index(), "Roermond")
    assert "↑ gestegen, ↓ gedaald" in text and "¹ niet gepubliceerd" in text
    assert "in hele procenten" in text and "Netto arbeidsparticipatie" in text
    assert "kwetsbaarheidsindex" in text.lower() and "schaal" in text
    # NEET: the report's per 1.000 against per 10.000, wherever the KPI appears (plumbing: one row)
    neet = card.reset_index().iloc[:1].assign(indicator="youth_neet_rate", label=catalogue.reader_label("youth_neet_rate"))
    assert "per 10.000" in scorecard.legend(neet, "Roermond")
    assert scorecard.value_text("youth_neet_rate", 929) == "929 per 1.000 jongeren"


def test_maasplassen_keeps_the_reference_values(obs):
    t = scorecard.table(scorecard.kpis(obs, "WK095709", "GM0957", monitors.load("GM0957")), "Roermond")
    assert len(t) >= 10 and t.loc["Huishoudens tot 120% van het sociaal minimum", "Wijk"] == "geen gegevens¹"
    assert t.loc["Huishoudens tot 120% van het sociaal minimum", "Roermond"] == "15,1%"
    assert t.loc["Huishoudens tot 120% van het sociaal minimum", "Nederland"] == "12,2%"


def test_trend_uses_the_tables_nederland_and_names_the_other(obs, card):
    df, notes = profile_charts.trend_frame(obs, TOT120, "WK095704", "GM0957", "kiezen_voor_kansen")
    nl = df[df["gebied"] == "Nederland"].set_index("jaar")["waarde"]
    assert nl.to_dict() == {2022: 12.0, 2023: 12.2}  # the report's, as in the table; not 83841NED's 12,1
    assert any("12,2%" in n and "12,1%" in n and "83841NED" in n for n in notes)
    inds = profile_charts.trend_indicators(obs, card.reset_index(), "WK095704", "GM0957", "kiezen_voor_kansen")
    assert TOT120 in inds and "preterm_low_birthweight_per_1000" not in inds  # one measurement only
    profile_charts.trends(obs, card.reset_index(), "WK095704", "GM0957", "kiezen_voor_kansen").to_dict()


def test_cbs_only_profile_has_gemeente_and_nederland(echt_susteren):
    obs = echt_susteren
    assert profile.wijk_indicators(obs, "WK171101", "GM1711", monitors.load("GM1711")).empty
    card = scorecard.cbs_figures(obs, "WK171101", "GM1711").set_index("indicator")
    pop = card.loc["population"]
    # KWB 2024 (85984NED extract) and the gemeente attributes; Nederland from CBS (2024)
    assert (pop.value, pop.year, pop.gemeente, pop.nederland) == (5805.0, 2024, 32041.0, 17942942.0)
    assert pop.source == "CBS Kerncijfers wijken en buurten 2024" and pop.n_ranked == 11
    t = scorecard.table(card.reset_index(), "Echt-Susteren")
    assert {"Jaar", "Wijk", "Echt-Susteren", "Nederland", "Rang in de gemeente"} <= set(t.columns)
    assert t.loc["Aantal inwoners", "Echt-Susteren"] == "32.041"
    assert t.loc["Woningvoorraad", "Nederland"] == "8.125.229 (2023)"  # the latest year, named
    text = profile.intro_markdown(card.reset_index(), "Susteren", "Echt-Susteren") + scorecard.legend(
        card.reset_index(), "Echt-Susteren") + profile.cbs_coverage_markdown(obs, "WK171101")
    assert "voortgangsrapportage" not in text.lower() and "eigen metingen" not in text
    assert "2022, 2023 en 2025" in text and "uitsnede" in text  # what is missing, said on the page
    assert not re.search(r"[\w/]+\.(ya?ml|csv|json|py)\b|data/raw|papermill|wijkcode|gemeentecode", text)
    ages = profile.age_structure(obs, "WK171101", "GM1711")
    assert set(ages["area_code"]) == {"WK171101", "GM1711"}
    inds = profile_charts.trend_indicators(obs, card.reset_index(), "WK171101", "GM1711")
    assert "population_density" in inds  # the gemeente's years around the wijk's one year


def test_locator_names_the_wijk_itself_in_amsterdam():
    shapes = maps.wijk_shapes("GM0363")
    smallest = shapes.loc[shapes.to_crs(28992).area.idxmin(), "wijkcode"]
    placed = lab.place(shapes, 320, 300, first=smallest, avoid=[smallest]).set_index("wijkcode")
    assert placed.loc[smallest, "soort"] == "naam"
    assert placed.loc[smallest, "tekst"] == shapes.set_index("wijkcode").loc[smallest, "wijknaam"]


def test_value_text_units_once():
    assert scorecard.value_text("avg_woz_keur", 222) == "€ 222.000"
    assert scorecard.value_text("life_expectancy_years", 81.23) == "81,2 jaar"
    assert scorecard.value_text(TOT120, math.nan) == "geen gegevens"
    assert catalogue.reader_label("preterm_low_birthweight_per_1000") == "Vroeggeboorte en/of te laag geboortegewicht"
