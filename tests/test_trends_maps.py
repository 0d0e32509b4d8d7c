"""Trend judgements, comparisons with Nederland, and the maps (issue: maps and comparisons)."""
import math

import pytest
import vl_convert as vlc

from analysis import compare, maps, trends
from analysis.errors import NoDataError, UnknownIndicatorError

TOT120 = "households_below_120pct_social_minimum_pct"

# Every sign printed in Bijlage 1, 2A and 2C: (table, row in the table, indicator, sign).
PRINTED = [
    ("bijlage_1", 1, "benefits_per_1000", "+"),
    ("bijlage_1", 2, "households_without_support_pct", "+"),
    ("bijlage_1", 3, "functional_limitations_pct", "-"),
    ("bijlage_1", 5, "self_direction_pct", "-"),
    ("bijlage_1", 6, "loneliness_adults_pct", "-"),
    ("bijlage_1", 7, "informal_carers_pct", "+/-"),
    ("bijlage_1", 8, "volunteers_pct", "-"),
    ("bijlage_1", 9, "self_rated_health_pct", "-"),
    ("bijlage_2a", 1, "debt_signals_count", "+"),
    ("bijlage_2a", 2, "debt_restructuring_count", "+"),
    ("bijlage_2a", 3, "households_social_assistance_pct", "+"),
    ("bijlage_2a", 4, "children_benefit_household_pct", "+"),
    ("bijlage_2a", 5, "difficulty_making_ends_meet_pct", "-"),
    ("bijlage_2a", 6, "life_expectancy_years", "-"),
    ("bijlage_2a", 7, "households_below_120pct_social_minimum_pct", "-"),
    ("bijlage_2a", 8, "informal_carers_pct", "+/-"),
    ("bijlage_2a", 9, "volunteers_pct", "-"),
    ("bijlage_2a", 10, "households_care_support_pct", "+"),
    ("bijlage_2a", 11, "youth_care_pct", "+/-"),
    ("bijlage_2a", 12, "children_vulnerable_family_pct", "+"),
    ("bijlage_2a", 13, "preterm_low_birthweight_per_1000", "+"),
    ("bijlage_2a", 14, "early_prenatal_care_per_100", "+"),
    ("bijlage_2a", 16, "toddlers_education_risk_pct", "+"),
    ("bijlage_2a", 17, "special_primary_education_pct", "-"),
    ("bijlage_2a", 18, "youth_neet_rate", "+"),
    ("bijlage_2a", 19, "early_school_leavers_pct", "-"),
    ("bijlage_2a", 21, "net_labour_participation_pct", "+"),
    ("bijlage_2a", 22, "unemployment_pct", "+"),
    ("bijlage_2a", 24, "self_rated_health_pct", "-"),
    ("bijlage_2a", 25, "high_stress_pct", "-"),
    ("bijlage_2a", 27, "overweight_group7_pct", "-"),
    ("bijlage_2c", 1, "early_prenatal_care_per_100", "+"),
    ("bijlage_2c", 2, "preterm_low_birthweight_per_1000", "+"),
    ("bijlage_2c", 4, "toddlers_education_risk_pct", "+"),
    ("bijlage_2c", 5, "overweight_group7_pct", "-"),
    ("bijlage_2c", 6, "special_primary_education_pct", "-"),
    ("bijlage_2c", 7, "early_school_leavers_pct", "-"),
    ("bijlage_2c", 8, "loneliness_secondary_pupils_pct", "-"),
    ("bijlage_2c", 9, "children_benefit_household_pct", "+"),
    ("bijlage_2c", 10, "youth_care_pct", "+/-"),
    ("bijlage_2c", 11, "life_expectancy_years", "-"),
    ("bijlage_2c", 12, "net_labour_participation_pct", "+"),
    ("bijlage_2c", 13, "households_below_120pct_social_minimum_pct", "-"),
    ("bijlage_2c", 14, "households_social_assistance_pct", "+"),
    ("bijlage_2c", 15, "difficulty_making_ends_meet_pct", "-"),
    ("bijlage_2c", 16, "debt_restructuring_count", "+"),
    ("bijlage_2c", 17, "debt_signals_count", "+"),
    ("bijlage_2c", 19, "self_rated_health_pct", "-"),
    ("bijlage_2c", 20, "high_stress_pct", "-"),
    ("bijlage_2c", 21, "households_care_support_pct", "+"),
    ("bijlage_2c", 22, "informal_carers_pct", "+/-"),
    ("bijlage_2c", 23, "volunteers_pct", "-")
,
]


@pytest.mark.parametrize("dataset,row,indicator,sign", PRINTED)
def test_every_printed_sign_is_reproduced(built, dataset, row, indicator, sign):
    j = built["judgements"]
    got = j[(j.dataset == dataset) & (j.indicator == indicator) & (j.area_code == "GM0957")]
    assert len(got) == 1
    assert got.iloc[0].computed == sign, got.iloc[0].to_dict()


def test_printed_sign_count():
    assert len(PRINTED) == 52  # 8 in Bijlage 1 (one KPI printed twice), 23 in 2A, 21 in 2C


def test_judge_rule():
    assert trends.judge(14.8, 14.8, "higher", 1) == "+/-"
    assert trends.judge(14.9, 15.1, "lower", 1) == "-"
    assert trends.judge(1464, 3579, "higher", 0) == "+"
    assert trends.judge(16, math.nan, "lower", 0) is None
    assert trends.judge(16, 17, None, 0) is None


def test_latest_available_against_the_one_before(obs):
    """Bijlage 1: no 2-meting for functioneringsproblemen, so 1-meting vs 0-meting (16% -> 17%: '-')."""
    s = obs[(obs.dataset == "bijlage_1") & (obs.indicator == "functional_limitations_pct")]
    res = trends.judge_series(s, "functional_limitations_pct")
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


def test_missing_reference_is_said_not_invented(obs):
    c = compare.compare(obs, "overweight_group7_pct", meting=1)  # Nederland: '-'
    assert c.reference_missing.all() and c.difference.isna().all()
    with pytest.raises(NoDataError, match="no national"):
        maps.choropleth(obs, "overweight_group7_pct", meting=1)


def test_bad_selections(obs):
    with pytest.raises(UnknownIndicatorError, match="unknown indicator 'poverty'"):
        maps.choropleth(obs, "poverty", meting=1)
    with pytest.raises(NoDataError, match="no meting 2; available"):
        compare.compare(obs, TOT120, meting=2)
    with pytest.raises(NoDataError, match="every wijk value is missing"):
        compare.compare(obs, "early_prenatal_care_per_100", meting=1)


def _geoshape_fills(scenegraph):
    fills = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("marktype") == "shape":
                fills.extend(i.get("fill") for i in node.get("items", []))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(scenegraph)
    return fills


def test_rendered_map_shows_all_ten_wijken(obs, tmp_path):
    chart = maps.choropleth(obs, TOT120, meting=1)
    fills = _geoshape_fills(vlc.vegalite_to_scenegraph(chart.to_dict()))
    assert len(fills) == 10
    assert fills.count(maps.NO_DATA_COLOUR) == 1  # Maasplassen: geen gegevens
    assert len(set(fills) - {maps.NO_DATA_COLOUR}) >= 8  # nine coloured by value
    png = maps.export(chart, tmp_path / "kaart.png")
    svg = maps.export(chart, tmp_path / "kaart.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    text = svg.read_text()
    assert "Maasplassen" in text and "geen gegevens" in text and "12,2%" in text  # Dutch notation


def test_chart_sizes_stay_small(obs):
    inds = list(obs.loc[obs.dataset == "bijlage_2b", "indicator"].unique())
    assert maps.spec_size_kb(maps.choropleth(obs, TOT120, meting=1)) < 300
    assert maps.spec_size_kb(maps.small_multiples(obs, inds, meting=1)) < 300
    assert maps.spec_size_kb(maps.explorer(obs, inds)) < 300


def test_explorer_is_kernel_free(obs):
    spec = maps.explorer(obs, ["households_below_120pct_social_minimum_pct", "net_labour_participation_pct"]).to_dict()
    params = {p["name"]: p for p in spec.get("params", [])} | {p["name"]: p for c in spec["hconcat"] for p in c.get("params", [])}
    assert params["indicator"]["bind"]["input"] == "select" and params["meting"]["bind"]["input"] == "radio"
    assert "wijk_klik" in params


def test_report_map_2022_reference_is_6_30(obs):
    c = compare.compare(obs, "households_social_minimum_pct", year=2022).set_index("area_name")
    assert c.loc["Roermond-Oost", "value"] == 14.0 and c.loc["Roermond-Oost", "reference_value"] == 6.3
    assert c.loc["Herten", "klasse"] == "below"
