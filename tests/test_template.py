"""`python -m analysis sjabloon`: the template of the next meting, filled in, builds and is judged;
the README's example measurement files are complete and build."""
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.build import monitors, observations
from analysis.cli import main
from analysis.core import contracts
from analysis.core.errors import SourceError
from analysis.rules import profile, trends
from analysis.sources import measurements

ROOT = Path(__file__).resolve().parents[1]
TOT120 = "households_below_120pct_social_minimum_pct"
WIJKEN = [f"WK0957{i:02d}" for i in range(10)]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("sjabloon")
    assert main(["sjabloon", "--gemeente", "GM0957", "--meting", "2", "--out", str(out)]) == 0
    return {"xlsx": out / "meting_2_kiezen_voor_kansen.xlsx", "csv": out / "meting_2_kiezen_voor_kansen.csv"}


def test_template_has_every_indicator_and_area_of_the_series_kpi_sets(template):
    monitor = monitors.load("GM0957")
    want = set()
    for k in monitor.kpi_sets:
        if k.series != "kiezen_voor_kansen":
            continue
        areas = (["NL00"] if "land" in k.areas else []) + (["GM0957"] if "gemeente" in k.areas else []) \
            + (WIJKEN if "wijk" in k.areas else [])
        want |= {(i, a) for i in k.indicators for a in areas}
    csv = pd.read_csv(template["csv"], sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    xlsx = pd.read_excel(template["xlsx"], sheet_name=0, dtype=str).fillna("")
    for df in (csv, xlsx):
        assert set(zip(df.indicator, df.area_code)) == want and len(df) == len(want) == 193
        assert set(df.meting) == {"2"} and set(df.series) == {"kiezen_voor_kansen"}
        assert (df[["year", "value", "source", "status", "note"]] == "").all().all()
    # with a source, the build's reader takes every row (values empty: 'empty_cell', never 0)
    filled = template["csv"].with_name("filled.csv")
    filled.write_text(template["csv"].read_text(encoding="utf-8-sig").replace(";;;;;\n", ";;;test;;\n"), encoding="utf-8")
    df = measurements.read_file(filled)
    assert len(df) == 193 and df.value.isna().all() and (df.status == "empty_cell").all()


def test_xlsx_has_drop_downs_for_dash_and_status(template):
    wb = openpyxl.load_workbook(template["xlsx"])
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == ["indicator", "area_code", "series", "meting", "year", "value", "source", "status", "note"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    value, status = dvs["F2:F194"], dvs["H2:H194"]
    assert value.type == "list" and value.formula1 == '"-"' and not value.showErrorMessage  # numbers may be typed
    assert status.type == "list" and status.formula1 == '"not_published,empty_cell,suppressed"' and status.showErrorMessage
    guide = wb["toelichting"]
    rows = {r[0]: r for r in guide.iter_rows(values_only=True) if r and r[0]}
    assert rows["debt_signals_count"][1] == "Aantal meldingen bij vroegsignalering"
    assert rows["debt_signals_count"][3].startswith("een geheel getal van 0 of meer")
    assert rows["WK095704"][1] == "Donderberg"


def test_unfilled_template_does_not_build(template, raw_copy, tmp_path):
    shutil.copy(template["csv"], raw_copy / "GM0957")
    with pytest.raises(SourceError, match=r"meting_2_kiezen_voor_kansen\.csv: regel 2, kolom 'source': leeg"):
        observations.build("GM0957", out_dir=tmp_path / "p")


def _plumbing_value(ind, previous):
    """A made-up next value (plumbing only): the previous one moved a little, within the contract."""
    if pd.isna(previous):
        return "-"
    c = contracts.contract(ind)
    v = previous * 1.03 + 0.4
    if c.high is not None:
        v = min(v, c.high)
    return str(int(round(v))) if c.whole else f"{v:.1f}".replace(".", ",")


def test_filled_template_builds_and_its_judgements_appear(template, raw_copy, tmp_path, obs):
    previous = obs[(obs.series == "kiezen_voor_kansen") & (obs.meting == 1)].set_index(["indicator", "area_code"])["value"]
    wb = openpyxl.load_workbook(template["xlsx"])
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    for row in ws.iter_rows(min_row=2):
        ind, area = row[col["indicator"]].value, row[col["area_code"]].value
        row[col["year"]].value = 2025
        row[col["value"]].value = _plumbing_value(ind, previous.get((ind, area)))
        row[col["source"]].value = "test: ingevuld sjabloon"
    wb.save(raw_copy / "GM0957" / "meting_2.xlsx")
    res = observations.build("GM0957", out_dir=tmp_path / "p")
    new, j = res["observations"], res["judgements"]
    assert (new.dataset == "meting_2").sum() == 193
    donderberg = j[(j.kpi_set == "kpis_per_wijk") & (j.area_code == "WK095704") & (j.indicator == TOT120)].iloc[0]
    # 25,0 (1-meting, Bijlage 2B) -> 26,1: up is worse for this KPI
    assert (donderberg.meting_previous, donderberg.meting_latest, donderberg.value_latest, donderberg.computed) == \
        (1, 2, 26.1, "-")
    gm = j[(j.kpi_set == "kiezen_voor_kansen") & (j.area_code == "GM0957") & (j.indicator == "debt_signals_count")].iloc[0]
    assert (gm.value_previous, gm.value_latest, gm.computed) == (3579, 3687, "+")  # more early signals: '+'
    assert j["agrees"].all()  # the printed judgements still hold on the metingen the report had
    written = pd.read_csv(res["files"]["judgements"])
    assert written[(written.kpi_set == "kpis_per_wijk") & (written.meting_latest == 2)]["area_code"].nunique() == 10
    monitor = monitors.load("GM0957")
    table = trends.kpi_table(new, j, monitor, "kiezen_voor_kansen", readers=True)
    row = table.loc["Aantal meldingen bij vroegsignalering"]
    cols = {c.split(" (")[0]: c for c in table.columns}  # the reader's table names each meting with its years
    assert (row[cols["Roermond 1-meting"]], row[cols["Roermond 2-meting"]], row["Verandering"]) == (
        "3.579", "3.687", "↑ gunstig")
    wijk = profile.wijk_indicators(new, "WK095704", "GM0957", monitor).set_index("indicator").loc[TOT120]
    assert (wijk["wijk_1"], wijk["wijk_2"], wijk["judgement"], wijk["judged_metingen"]) == (25.0, 26.1, "-", "1->2")


def test_existing_meting_and_cbs_only_gemeente_are_refused(capsys):
    assert main(["sjabloon", "--gemeente", "GM0957", "--meting", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("fout: GM0957: reeks kiezen_voor_kansen heeft al meting 1 (voortgangsrapportage_2025.csv); "
                   "een sjabloon is voor een nieuwe meting: --meting 2")
    assert main(["sjabloon", "--gemeente", "GM1711"]) == 2
    assert "GM1711 (Echt-Susteren) heeft geen KPI-sets in monitor.yml" in capsys.readouterr().err


def test_partial_kpi_points_to_the_template(raw_copy, tmp_path):
    (raw_copy / "GM0957" / "m.csv").write_text(
        "indicator;area_code;meting;year;value;source\n"
        f"{TOT120};WK095704;2;2025;24,8%;Monitor Sociaal Domein 2027, tabel 3\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"meting 2 ontbreekt voor .*; een volledig bestand: "
                                          r"python -m analysis sjabloon --gemeente GM0957 --meting 2\)$"):
        observations.build("GM0957", out_dir=tmp_path / "p")


def _readme_examples():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Een nieuwe meting toevoegen"):text.index("## What a reader gets")]
    blocks = re.findall(r"```\n(indicator[,;].*?)```", section, re.S)
    assert len(blocks) == 2
    return blocks


@pytest.mark.parametrize("i", [0, 1])
def test_readme_example_files_are_complete_and_build(raw_copy, tmp_path, i):
    block = _readme_examples()[i]
    (raw_copy / "GM0957" / "metingen_2027.csv").write_text(block, encoding="utf-8")
    res = observations.build("GM0957", out_dir=tmp_path / "p")
    rows = res["observations"][res["observations"].dataset == "metingen_2027"]
    assert len(rows) == len(block.strip().splitlines()) - 1
    gm = rows[(rows.indicator == "debt_signals_count") & (rows.area_code == "GM0957")]
    assert gm["value"].tolist() == [4012.0]
    j = res["judgements"]
    assert j[(j.indicator == "debt_signals_count") & (j.area_code == "GM0957")
             & (j.kpi_set == "kiezen_voor_kansen")]["meting_latest"].tolist() == [2]
