"""A gemeente's own measurements: both CSV dialects, Excel, validation, and a new meting end to end."""
import math

import openpyxl
import pytest

from analysis.build import observations
from analysis.core.errors import SourceError
from analysis.pages import tables
from analysis.sources import measurements

TOT120 = "households_below_120pct_social_minimum_pct"
WIJKEN = [f"WK0957{i:02d}" for i in range(10)]
HEADER_NL = "indicator;area_code;meting;year;value;source\n"


def _write(folder, name, text):
    path = folder / "GM0957" / name
    path.write_text(text, encoding="utf-8")
    return path


def _meting_2(folder, name="metingen_2027.csv"):
    """A 2-meting (plumbing values of our choosing) in Dutch Excel CSV: one % KPI for every wijk,
    the gemeente and Nederland, and a count KPI with a thousands separator."""
    rows = [f"{TOT120};{w};2;2025;{20 + i},5%;test: 2-meting\n" for i, w in enumerate(WIJKEN)]
    rows += [f"{TOT120};GM0957;2;2025;14,6%;test\n", f"{TOT120};NL00;2;2025;-;test\n",
             "debt_signals_count;GM0957;2;2026;4.012;test\n", "debt_signals_count;NL00;2;2026;-;test\n"]
    return _write(folder, name, HEADER_NL + "".join(rows))


def test_dialects_parse_the_same_numbers(tmp_path):
    nl = tmp_path / "nl.csv"
    nl.write_text(HEADER_NL + "debt_signals_count;GM0957;2;2026;1.464;x\n"
                  f"{TOT120};GM0957;2;2025;15,1%;x\n{TOT120};NL00;2;2025;15,1;x\n", encoding="utf-8")
    intl = tmp_path / "intl.csv"
    intl.write_text("indicator,area_code,meting,year,value,source\ndebt_signals_count,GM0957,2,2026,1464,x\n"
                    f"{TOT120},GM0957,2,2025,15.1%,x\n{TOT120},NL00,2,2025,1.464,x\n", encoding="utf-8")
    a, b = measurements.read_file(nl), measurements.read_file(intl)
    assert list(a["value"]) == [1464.0, 15.1, 15.1]
    assert list(b["value"]) == [1464.0, 15.1, 1.464]  # no thousands separator internationally


def test_xlsx_typed_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "area_code", "meting", "year", "value", "source", "status"])
    ws.append(["debt_signals_count", "GM0957", 2, 2026, 4012, "x", None])
    ws.append([TOT120, "NL00", 2, 2025, "-", "x", None])
    ws.append([TOT120, "GM0957", 2, 2025, "14,6%", "x", None])
    ws.append([TOT120, "WK095704", 2, 2025, 0.248, "x", None])
    ws["E5"].number_format = "0.0%"  # shown as 24,8% in Excel
    wb.save(tmp_path / "m.xlsx")
    df = measurements.read_file(tmp_path / "m.xlsx")
    assert df["value"].iloc[0] == 4012 and math.isnan(df["value"].iloc[1]) and df["status"].iloc[1] == "not_published"
    assert df["value"].iloc[2] == 14.6 and df["value"].iloc[3] == 24.8


@pytest.mark.parametrize("line,message", [
    ("poverty;GM0957;2;2025;1;x\n", r"metingen_2027.csv: regel 2, kolom 'indicator': onbekende indicator 'poverty'"),
    (f"{TOT120};WK093501;2;2025;1;x\n", r"metingen_2027.csv: regel 2, kolom 'area_code': 'WK093501'"),
    (f"{TOT120};GM0957;2;2025;12,x;x\n", r"metingen_2027.csv: regel 2, kolom 'value': '12,x' is geen getal"),
    (f"{TOT120};GM0957;2;2025;1,464.5;x\n", r"metingen_2027.csv: regel 2, kolom 'value': '1,464.5' is geen getal"),
    (f"{TOT120};GM0957;2;2025;1\n", r"metingen_2027.csv: regel 2: 5 velden, de kopregel heeft er 6"),
    (f"{TOT120};GM0957;2;2025;1;x;extra\n", r"metingen_2027.csv: regel 2: 7 velden"),
    (f"{TOT120};GM0957;2;2025;14,6;x\n{TOT120};GM0957;2;2025;14,7;y\n",
     r"dubbele meting voor households_below_120pct_social_minimum_pct GM0957 meting 2 .*regel 2, .*regel 3"),
    (f"{TOT120};GM0957;2;2025;14,6;x\n{TOT120};NL00;2;2026;12;y\n",
     r"households_below_120pct_social_minimum_pct, meting 2: de regels noemen verschillende jaren \(2025, 2026\)"),
    (f"{TOT120};WK095700;2;2025;14,6;x\n",
     r"'kpis_per_wijk'.*meting 2 ontbreekt voor WK095701, WK095702"),
])
def test_bad_measurement_stops_the_build_and_keeps_the_old(raw_copy, tmp_path, line, message):
    out = tmp_path / "processed"
    observations.build("GM0957", out_dir=out)
    before = sorted(p.name for p in out.iterdir())
    _write(raw_copy, "metingen_2027.csv", HEADER_NL + line)
    with pytest.raises(SourceError, match=message):
        observations.build("GM0957", out_dir=out)
    assert sorted(p.name for p in out.iterdir()) == before


def test_duplicate_across_files_names_both(raw_copy):
    _meting_2(raw_copy, "a.csv")
    _meting_2(raw_copy, "b.csv")
    with pytest.raises(SourceError, match=r"a.csv regel 2, b.csv regel 2"):
        observations.build("GM0957", out_dir=raw_copy / "p")


def test_truncated_files_are_refused(raw_copy):
    path = raw_copy / "GM0957" / "voortgangsrapportage_2025.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) - 40], encoding="utf-8")  # cut mid-line
    with pytest.raises(SourceError, match=r"voortgangsrapportage_2025.csv: regel \d+: het bestand eindigt midden"):
        observations.build("GM0957", out_dir=raw_copy / "p")
    lines = text.splitlines(keepends=True)
    path.write_text("".join(lines[:-12]), encoding="utf-8")  # cut at a row boundary
    with pytest.raises(SourceError, match="beleidskader"):
        observations.build("GM0957", out_dir=raw_copy / "p")
    path.write_text("".join(lines[:300] + [lines[5]] + lines[301:]), encoding="utf-8")  # a row replaced by a copy
    with pytest.raises(SourceError, match="dubbele meting"):
        observations.build("GM0957", out_dir=raw_copy / "p")


def test_empty_file_is_one_line(raw_copy):
    _write(raw_copy, "leeg.csv", "")
    with pytest.raises(SourceError, match=r"leeg.csv: leeg bestand"):
        observations.build("GM0957", out_dir=raw_copy / "p")


def test_a_new_meting_flows_into_judgements_and_tables(raw_copy, tmp_path):
    _meting_2(raw_copy)
    res = observations.build("GM0957", out_dir=tmp_path / "p")
    obs, j = res["observations"], res["judgements"]
    new = obs[obs.dataset == "metingen_2027"].set_index(["indicator", "area_code"])["value"]
    assert new[(TOT120, "WK095704")] == 24.5 and math.isnan(new[(TOT120, "NL00")])
    assert new[("debt_signals_count", "GM0957")] == 4012
    donderberg = j[(j.kpi_set == "kpis_per_wijk") & (j.area_code == "WK095704") & (j.indicator == TOT120)].iloc[0]
    assert (donderberg.meting_previous, donderberg.meting_latest, donderberg.computed) == (1, 2, "+")  # 25,0 -> 24,5
    gm = j[(j.kpi_set == "kiezen_voor_kansen") & (j.area_code == "GM0957") & (j.indicator == "debt_signals_count")].iloc[0]
    assert (gm.value_previous, gm.value_latest, gm.computed) == (3579, 4012, "+")
    # The printed judgements still hold: they are checked on the metingen the report judged (0 -> 1).
    assert j["agrees"].all()
    books = tables.write_workbook("GM0957", tmp_path / "tab", obs=obs, judgements=j)
    ws = openpyxl.load_workbook(books["workbook"])["Bijlage 2A"]
    header = [c.value for c in ws[2]]
    assert "Roermond 2-meting" in header and "Nederland 2-meting" in header
    # the report's layout: newest meting first, Nederland before Roermond within a meting
    assert header[2:8] == ["Nederland 2-meting", "Roermond 2-meting", "Nederland 1-meting", "Roermond 1-meting",
                           "Nederland 0-meting", "Roermond 0-meting"]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "Aantal meldingen bij vroegsignalering")
    assert row[header.index("Roermond 2-meting")] == 4012
