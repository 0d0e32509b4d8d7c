"""Dutch numbers through babel nl_NL: strict parsing, the project's rounding rule, report values."""
import math
from decimal import Decimal

import pytest

from analysis.core import catalogue, paths
from analysis.core.errors import SourceError
from analysis.core.numbers import (format_nl, parse_cell, parse_machine, parse_nl, parse_plain,
                                   round_half_up)
from analysis.sources import cbs_v4, measurements

TOT120 = "households_below_120pct_social_minimum_pct"


@pytest.mark.parametrize("text, value", [("1.464", 1464.0), ("15,1", 15.1), ("-0,5", -0.5),
                                         ("1.464,5", 1464.5), ("12.345.678", 12345678.0), ("25", 25.0)])
def test_parse_nl_reads_dutch_notation(text, value):
    assert parse_nl(text) == value


@pytest.mark.parametrize("text", ["1,464.5", "1.46", "15.1", "+2", "1 464", "abc", "1,2,3"])
def test_parse_nl_is_strict(text):
    with pytest.raises(ValueError):
        parse_nl(text)


def test_plain_and_machine_dialects():
    assert parse_plain("1464") == 1464.0 and parse_plain("15.1") == 15.1
    for bad in ("1,464", "1.464,5", "15,1"):
        with pytest.raises(ValueError):
            parse_plain(bad)
    assert [parse_machine(s) for s in ("15,1", "15.1", "-3", "1e3")] == [15.1, 15.1, -3.0, 1000.0]
    with pytest.raises(ValueError):
        parse_machine("1.464,5")


def test_parse_cell():
    assert parse_cell("15,1%") == (15.1, "ok")
    assert parse_cell("18.0%") == (18.0, "ok")  # printed once in Bijlage 2A
    assert parse_cell("3.579") == (3579.0, "ok")
    assert parse_cell("12,0% (2022)") == (12.0, "ok")
    assert parse_cell("-")[1] == "not_published" and math.isnan(parse_cell("-")[0])
    assert parse_cell("")[1] == "empty_cell"
    with pytest.raises(ValueError):
        parse_cell("1,464.5")


@pytest.mark.parametrize("value, decimals, shown", [
    (0.05, 1, "0,1"), (2.25, 1, "2,3"), (0.15, 1, "0,2"), (2.5, 0, "3"), (-2.25, 1, "-2,3"),
    (-0.04, 1, "0,0"), (-0.0, 1, "0,0"), (-0.4, 0, "0"), (1464, 0, "1.464"), (3579.25, 1, "3.579,3"),
    (15.1, 1, "15,1"), (25, 1, "25,0"), (12, 1, "12,0"), (7.1, 2, "7,10")])
def test_format_rounds_half_up_and_never_minus_zero(value, decimals, shown):
    assert format_nl(value, decimals) == shown


def test_round_half_up_reads_the_repr():
    # 2.675 is 2.67499999... in binary; the reader sees 2.675 and rounds it up.
    assert round_half_up(2.675, 2) == Decimal("2.68")
    assert str(round_half_up(-0.001, 1)) == "0.0"


def test_format_units_and_missing():
    assert format_nl(15.1, 1, "%") == "15,1%"
    assert format_nl(1.5, 1, "pp") == "1,5 procentpunt"
    assert format_nl(float("nan")) == "geen gegevens" and format_nl(None) == "geen gegevens"


def test_report_values_print_as_the_report_prints_them():
    """Bijlage 2A/2B: Nederland's 12,0% (0-meting) and Donderberg's 25,0% (1-meting), 'tot 120%'."""
    rows = measurements.read_file(paths.ROOT / "data" / "raw" / "GM0957" / "voortgangsrapportage_2025.csv")
    rows = rows[rows["indicator"] == TOT120]

    def shown(area, meting):
        v = rows[(rows["area_code"] == area) & (rows["meting"] == meting)]["value"]
        assert len(v) == 1
        return catalogue.fmt(TOT120, float(v.iloc[0]))

    assert shown("NL00", 0) == "12,0%"
    assert shown("WK095704", 1) == "25,0%"
    report = (paths.ROOT.parent / "shared" / "seeds" / "002_f4522cab5a867525.txt").read_text()
    assert "12,0%" in report and "25,0%" in report


def test_dutch_file_refuses_international_number(tmp_path):
    path = tmp_path / "GM0957" / "m.csv"
    path.parent.mkdir()
    path.write_text("indicator;area_code;meting;year;value;source\n"
                    f"debt_signals_count;GM0957;2;2026;1,464.5;x\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"regel 2, kolom 'value': '1,464.5' is geen getal"):
        measurements.read_file(path)


def test_cbs_values():
    assert cbs_v4.parse_value("15,1", "x") == 15.1 and math.isnan(cbs_v4.parse_value(".", "x"))
    with pytest.raises(SourceError, match="neither a number"):
        cbs_v4.parse_value("1.464,5", "Observations.csv row Id 3")
