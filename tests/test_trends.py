"""Trend judgements (the report's +, +/-, - rule) and comparisons with Nederland."""
import math

import pytest

from analysis.build import judgements
from analysis.core.errors import NoDataError, UnknownIndicatorError
from analysis.rules import compare, trends

TOT120 = "households_below_120pct_social_minimum_pct"

# Every sign printed in Bijlage 1, 2A and 2C: (table, row in the table, indicator, sign).
PRINTED = [
    ("beleidskader", 1, "benefits_per_1000", "+"),
    ("beleidskader", 2, "households_without_support_pct", "+"),
    ("beleidskader", 3, "functional_limitations_pct", "-"),
    ("beleidskader", 5, "self_direction_pct", "-"),
    ("beleidskader", 6, "loneliness_adults_pct", "-"),
    ("beleidskader", 7, "informal_carers_pct", "+/-"),
    ("beleidskader", 8, "volunteers_pct", "-"),
    ("beleidskader", 9, "self_rated_health_pct", "-"),
    ("kiezen_voor_kansen", 1, "debt_signals_count", "+"),
    ("kiezen_voor_kansen", 2, "debt_restructuring_count", "+"),
    ("kiezen_voor_kansen", 3, "households_social_assistance_pct", "+"),
    ("kiezen_voor_kansen", 4, "children_benefit_household_pct", "+"),
    ("kiezen_voor_kansen", 5, "difficulty_making_ends_meet_pct", "-"),
    ("kiezen_voor_kansen", 6, "life_expectancy_years", "-"),
    ("kiezen_voor_kansen", 7, "households_below_120pct_social_minimum_pct", "-"),
    ("kiezen_voor_kansen", 8, "informal_carers_pct", "+/-"),
    ("kiezen_voor_kansen", 9, "volunteers_pct", "-"),
    ("kiezen_voor_kansen", 10, "households_care_support_pct", "+"),
    ("kiezen_voor_kansen", 11, "youth_care_pct", "+/-"),
    ("kiezen_voor_kansen", 12, "children_vulnerable_family_pct", "+"),
    ("kiezen_voor_kansen", 13, "preterm_low_birthweight_per_1000", "+"),
    ("kiezen_voor_kansen", 14, "early_prenatal_care_per_100", "+"),
    ("kiezen_voor_kansen", 16, "toddlers_education_risk_pct", "+"),
    ("kiezen_voor_kansen", 17, "special_primary_education_pct", "-"),
    ("kiezen_voor_kansen", 18, "youth_neet_rate", "+"),
    ("kiezen_voor_kansen", 19, "early_school_leavers_pct", "-"),
    ("kiezen_voor_kansen", 21, "net_labour_participation_pct", "+"),
    ("kiezen_voor_kansen", 22, "unemployment_pct", "+"),
    ("kiezen_voor_kansen", 24, "self_rated_health_pct", "-"),
    ("kiezen_voor_kansen", 25, "high_stress_pct", "-"),
    ("kiezen_voor_kansen", 27, "overweight_group7_pct", "-"),
    ("levensfasen", 1, "early_prenatal_care_per_100", "+"),
    ("levensfasen", 2, "preterm_low_birthweight_per_1000", "+"),
    ("levensfasen", 4, "toddlers_education_risk_pct", "+"),
    ("levensfasen", 5, "overweight_group7_pct", "-"),
    ("levensfasen", 6, "special_primary_education_pct", "-"),
    ("levensfasen", 7, "early_school_leavers_pct", "-"),
    ("levensfasen", 8, "loneliness_secondary_pupils_pct", "-"),
    ("levensfasen", 9, "children_benefit_household_pct", "+"),
    ("levensfasen", 10, "youth_care_pct", "+/-"),
    ("levensfasen", 11, "life_expectancy_years", "-"),
    ("levensfasen", 12, "net_labour_participation_pct", "+"),
    ("levensfasen", 13, "households_below_120pct_social_minimum_pct", "-"),
    ("levensfasen", 14, "households_social_assistance_pct", "+"),
    ("levensfasen", 15, "difficulty_making_ends_meet_pct", "-"),
    ("levensfasen", 16, "debt_restructuring_count", "+"),
    ("levensfasen", 17, "debt_signals_count", "+"),
    ("levensfasen", 19, "self_rated_health_pct", "-"),
    ("levensfasen", 20, "high_stress_pct", "-"),
    ("levensfasen", 21, "households_care_support_pct", "+"),
    ("levensfasen", 22, "informal_carers_pct", "+/-"),
    ("levensfasen", 23, "volunteers_pct", "-")
,
]


@pytest.mark.parametrize("dataset,row,indicator,sign", PRINTED)
def test_every_printed_sign_is_reproduced(built, dataset, row, indicator, sign):
    j = built["judgements"]
    got = j[(j.kpi_set == dataset) & (j.indicator == indicator) & (j.area_code == "GM0957")]
    assert len(got) == 1
    assert got.iloc[0].computed == sign == got.iloc[0].reported == got.iloc[0].reproduced, got.iloc[0].to_dict()


def test_printed_sign_count():
    assert len(PRINTED) == 52  # 8 in Bijlage 1 (one KPI printed twice), 23 in 2A, 21 in 2C


def test_judge_rule():
    assert judgements.judge(14.8, 14.8, "higher", 1) == "+/-"
    assert judgements.judge(14.9, 15.1, "lower", 1) == "-"
    assert judgements.judge(1464, 3579, "higher", 0) == "+"
    assert judgements.judge(16, math.nan, "lower", 0) is None
    assert judgements.judge(16, 17, None, 0) is None


def test_latest_available_against_the_one_before(obs):
    """Bijlage 1: no 2-meting for functioneringsproblemen, so 1-meting vs 0-meting (16% -> 17%: '-')."""
    s = obs[(obs.series == "beleidskader") & (obs.indicator == "functional_limitations_pct")]
    res = judgements.judge_series(s, "functional_limitations_pct")
    assert (res["meting_previous"], res["meting_latest"], res["computed"]) == (0, 1, "-")


def test_comparison_classes_120pct(obs):
    c = compare.compare(obs, TOT120, meting=1).set_index("area_name")
    assert c.loc["Donderberg", "klasse"] == "above" and c.loc["Roermond-Oost", "klasse"] == "above"
    assert c.loc["Herten", "klasse"] == "below"
    assert c.loc["Donderberg", "reference_value"] == 12.2
    assert c.loc["Donderberg", "difference"] == pytest.approx(12.8)
    assert c.loc["Herten", "better"] is True and c.loc["Donderberg", "better"] is False
    assert math.isnan(c.loc["Maasplassen", "value"]) and not isinstance(c.loc["Maasplassen", "klasse"], str)


def test_roermond_as_second_reference(obs):
    c = compare.compare(obs, TOT120, meting=1, reference="GM0957").set_index("area_name")
    assert c.loc["Herten", "reference_value"] == 15.1


def test_bad_selections(obs):
    with pytest.raises(UnknownIndicatorError, match="onbekende indicator 'poverty'"):
        compare.compare(obs, "poverty", meting=1)
    with pytest.raises(NoDataError, match="geen meting 2; beschikbaar: meting 0, meting 1"):
        compare.compare(obs, TOT120, meting=2)
    with pytest.raises(NoDataError, match="elke waarde op wijkniveau ontbreekt"):
        compare.compare(obs, "early_prenatal_care_per_100", meting=1)


def test_report_map_2022_reference_is_6_30(obs):
    c = compare.compare(obs, "households_social_minimum_pct", year=2022).set_index("area_name")
    assert c.loc["Roermond-Oost", "value"] == 14.0 and c.loc["Roermond-Oost", "reference_value"] == 6.3
    assert c.loc["Herten", "klasse"] == "below"


def test_judgements_follow_the_metingen(built):
    j = built["judgements"]
    row = j[(j.kpi_set == "beleidskader") & (j.indicator == "self_rated_health_pct")].iloc[0]
    assert (row.meting_previous, row.meting_latest, row.value_previous, row.value_latest) == (1, 2, 73.3, 64.1)
    wijk = j[(j.kpi_set == "kpis_per_wijk") & (j.area_code == "WK095704") & (j.indicator == TOT120)].iloc[0]
    assert (wijk.value_previous, wijk.value_latest, wijk.computed) == (25.4, 25.0, "+")


def test_kpi_table_has_a_column_per_meting(obs, built):
    from analysis.build import monitors

    t = trends.kpi_table(obs, built["judgements"], monitors.load("GM0957"), "beleidskader")
    assert [c for c in t.columns if "meting" in c] == ["Roermond 0-meting", "Roermond 1-meting", "Roermond 2-meting"]
    assert t.loc["Vrijwilligers", "Roermond 0-meting"] == "24,5%" and t.loc["Vrijwilligers", "Beweging"] == "-"
