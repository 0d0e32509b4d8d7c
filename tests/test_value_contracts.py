"""Value contracts per indicator (analysis.core.contracts): counts whole and >= 0, percentages 0-100, rates
within their unit's range. A value outside is one Dutch error naming file, line and column (measurement
files) or table, edition, key and area (CBS); the previous build stays."""
import warnings

import pandas as pd
import pytest
from test_sources_validation import _fresh_downloads, mirror_copy  # noqa: F401 (fixtures)

from analysis.build import observations
from analysis.core import contracts
from analysis.core.errors import SourceError, SourceWarning
from analysis.sources import cbs, cbs_v4

TOT120 = "households_below_120pct_social_minimum_pct"
HEADER_INT = "indicator,area_code,meting,year,value,source\n"
HEADER_NL = "indicator;area_code;meting;year;value;source\n"


def _build_with(raw_copy, tmp_path, name, text):
    out = tmp_path / "processed"
    first = observations.build("GM0957", out_dir=out)
    (raw_copy / "GM0957" / name).write_text(text, encoding="utf-8")
    try:
        return observations.build("GM0957", out_dir=out)
    finally:
        # whatever happened, the generation built before is still the current one
        assert len(observations.load(out_dir=out)) >= len(first["observations"])


def test_count_with_a_decimal_point_in_an_international_file_is_refused(raw_copy, tmp_path):
    """The issue's case: 1.464 in a ','-file was read as 1,464 signals and judged, exit 0."""
    text = HEADER_INT + "debt_signals_count,GM0957,2,2026,1.464,Afdeling Schuldhulp\ndebt_signals_count,NL00,2,2026,-,x\n"
    with pytest.raises(SourceError) as exc:
        _build_with(raw_copy, tmp_path, "metingen_2027.csv", text)
    msg = str(exc.value)
    assert msg.startswith(str(raw_copy / "GM0957" / "metingen_2027.csv") + ": regel 2, kolom 'value': 1.464 is geen "
                          "geheel getal; debt_signals_count (aantal) is een geheel getal van 0 of meer")
    assert "schrijf 1464 zonder punt" in msg and "\n" not in msg


def test_the_same_count_in_dutch_notation_is_1464(raw_copy, tmp_path):
    text = HEADER_NL + "debt_signals_count;GM0957;2;2026;1.464;Afdeling Schuldhulp\ndebt_signals_count;NL00;2;2026;-;x\n"
    res = _build_with(raw_copy, tmp_path, "metingen_2027.csv", text)
    obs = res["observations"]
    assert obs[(obs.dataset == "metingen_2027") & (obs.area_code == "GM0957")]["value"].tolist() == [1464.0]


@pytest.mark.parametrize("row, message", [
    (f"{TOT120};GM0957;2;2025;112,5%;x", r"112,5% is groter dan 100; "
                                          rf"{TOT120} \(%\) is een getal van 0 tot en met 100$"),
    ("youth_neet_rate;GM0957;2;2025;1200;x", r"1200 is groter dan 1\.000; youth_neet_rate "
                                             r"\(per 1000\) is een getal van 0 tot en met 1\.000$"),
    ("early_prenatal_care_per_100;GM0957;2;2025;101;x", r"101 is groter dan 100; early_prenatal_care_per_100 \(per 100\)"),
    ("preterm_low_birthweight_per_1000;GM0957;2;2025;-3;x", r"-3 is kleiner dan 0; preterm_low_birthweight_per_1000 \(‰\)"),
    ("debt_restructuring_count;GM0957;2;2025;-1;x", r"-1 is kleiner dan 0; debt_restructuring_count \(aantal\)"),
    ("debt_restructuring_count;GM0957;2;2025;12,5;x", r"12,5 is geen geheel getal; debt_restructuring_count \(aantal\)"),
])
def test_values_outside_their_unit_are_refused(raw_copy, tmp_path, row, message):
    with pytest.raises(SourceError, match=r"metingen_2027\.csv: regel 2, kolom 'value': " + message):
        _build_with(raw_copy, tmp_path, "metingen_2027.csv", HEADER_NL + row + "\n")


def test_xlsx_percentage_cell_outside_0_100_is_refused(raw_copy, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "area_code", "meting", "year", "value", "source"])
    ws.append([TOT120, "GM0957", 2, 2025, 1.46, "x"])  # shown as 146,0%
    ws["E2"].number_format = "0.0%"
    path = raw_copy / "GM0957" / "metingen_2027.xlsx"
    wb.save(path)
    with pytest.raises(SourceError, match=r"metingen_2027\.xlsx: regel 2, kolom 'value': 146 is groter dan 100"):
        observations.build("GM0957", out_dir=tmp_path / "p")


def test_cbs_value_outside_its_contract_names_table_edition_key_and_area(mirror_copy, tmp_path):
    rel = cbs.MIRROR_KWB[2025].path
    text = mirror_copy.read(rel)
    row = next(l for l in text.splitlines() if l.startswith("WK095704"))
    fields = row.split(",")
    fields[2] = "8410.5"  # A2025_aantal_inwoners
    mirror_copy.put(rel, text.replace(row, ",".join(fields)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        with pytest.raises(SourceError, match=r"geoinzicht_wijken_2025_roermond_transcribed\.csv: KWB 2025 \(86165NED\), "
                                              r"blok A2025 \[A2025_aantal_inwoners\], gebied WK095704, 2025: 8410\.5 is "
                                              r"geen geheel getal; population \(aantal\)"):
            observations.build("GM0957", out_dir=tmp_path / "p")


def test_contracts_follow_the_unit():
    assert contracts.contract("debt_signals_count") == contracts.Contract("aantal", 0, None, True)
    assert contracts.contract(TOT120) == contracts.Contract("%", 0, 100, False)
    assert contracts.contract("wmo_clients_per_1000") == contracts.Contract("per 1000", 0, 1000, False)
    assert contracts.contract("vulnerability_index") == contracts.Contract("index", None, None, False)
    assert contracts.violation("population", float("nan")) is None  # missing has its own status


def test_real_cbs_data_keeps_the_contracts():
    """Every gemeente 2012-2024, every wijk of NL 2024 (PDOK) and 83841NED: no value outside its contract."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        series = cbs.gemeente_series(None)
        national = cbs_v4.national_low_income()
    props = cbs.nl_wijken_2024()
    wijken = pd.concat([pd.DataFrame({"indicator": ind, "value": pd.to_numeric(props[f]), "area_code": props["wijkcode"]})
                        for f, ind in cbs.PDOK_WIJK_FIELDS.items()], ignore_index=True)
    for df in (series, national, wijken):
        contracts.check_rows(df, lambda r: r.area_code)
    assert len(series) > 40_000 and len(wijken) > 30_000
    # a real count from the mirror: Roermond's 2024 inhabitants, whole
    assert series[(series.area_code == "GM0957") & (series.indicator == "population") & (series.year == 2024)
                  ]["value"].tolist() == [60743.0]
