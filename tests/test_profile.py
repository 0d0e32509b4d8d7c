"""The wijk profile's table: real values from Bijlage 2B, and the same answers as compare()."""
import math

import pytest

from analysis.build import monitors
from analysis.core.errors import UnknownAreaError
from analysis.rules import compare, profile


@pytest.fixture(scope="module")
def donderberg(obs):
    return profile.wijk_indicators(obs, "WK095704", "GM0957", monitors.load("GM0957")).set_index("indicator")


def test_donderberg_values_as_printed(donderberg):
    row = donderberg.loc["households_below_120pct_social_minimum_pct"]
    # Bijlage 2B / 2A: Donderberg 25,4 -> 25,0; Nederland 12,0 -> 12,2; Roermond 14,9 -> 15,1
    assert (row.wijk_0, row.wijk_1) == (25.4, 25.0)
    assert (row.nederland_0, row.nederland_1) == (12.0, 12.2)
    assert (row.gemeente_0, row.gemeente_1) == (14.9, 15.1)
    assert row.judgement == "+" and row.better_1 is False
    # Not published for the wijk: missing with its reason, never a zero
    toddlers = donderberg.loc["toddlers_education_risk_pct"]
    assert math.isnan(toddlers.wijk_1) and toddlers.status_1 == "not_published"


@pytest.mark.parametrize("meting", [0, 1])
def test_same_answers_as_compare_rank_and_change(obs, donderberg, meting):
    """The profile computes all indicators at once; per indicator it must agree with compare()."""
    checked = 0
    for ind, row in donderberg.iterrows():
        if math.isnan(row.get(f"n_ranked_{meting}", math.nan)):
            continue
        c = compare.rank(compare.compare(obs, ind, meting=meting), ind).set_index("area_code").loc["WK095704"]
        assert row[f"wijk_{meting}"] == c["value"] or (math.isnan(c["value"]) and math.isnan(row[f"wijk_{meting}"]))
        ref = row[f"nederland_{meting}"]
        assert ref == c["reference_value"] or (math.isnan(ref) and math.isnan(c["reference_value"]))
        assert row[f"better_{meting}"] == c["better"], ind
        assert (str(row[f"rank_{meting}"]), row[f"n_ranked_{meting}"]) == (str(c["rank"]), c["n_ranked"]), ind
        checked += 1
    assert checked >= 10
    for ind, row in donderberg.iterrows():
        ch = compare.change(obs, ind).set_index("area_code")["judgement"].get("WK095704")
        assert row.judgement == ch or (not isinstance(ch, str) and not isinstance(row.judgement, str)), ind


def test_resolve_wijk(obs):
    assert profile.resolve_wijk(obs, " WK095704") == ("WK095704", "Donderberg")
    with pytest.raises(UnknownAreaError, match=r"^WK095799 is geen wijk van Roermond; kies uit WK095700 … WK095709$"):
        profile.resolve_wijk(obs, "WK095799")


def test_comparison_summary_names_the_wijken(obs):
    text = compare.summary_markdown(obs, "households_below_120pct_social_minimum_pct", meting=1)
    above = text.split("Boven het landelijk cijfer: ")[1].split(".")[0]
    below = text.split("Onder het landelijk cijfer: ")[1].split(".")[0]
    assert "Zonder cijfer: Maasplassen." in text and "geen." not in text
    assert "Donderberg" in above and "Roermond-Oost" in above and "Herten" in below
    assert text.startswith("**") and "1-meting" in text
