"""A 2-meting added through a Dutch-dialect CSV reaches the reports: profile, overview, workbook.

Plumbing values of our choosing in a temporary copy of data/raw (never committed)."""
import json
import re

import pytest
from test_measurements import _meting_2

from analysis.batch import runner as run
from analysis.build import observations
from analysis.core import paths
from analysis.pages import tables

TOT120 = "households_below_120pct_social_minimum_pct"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("meting2")
    import shutil

    raw = base / "raw"
    shutil.copytree(paths.RAW_DIR, raw, ignore=shutil.ignore_patterns("cbs"))
    _meting_2(raw)
    mp.setattr(paths, "RAW_DIR", raw)
    mp.setattr(paths, "PROCESSED_DIR", base / "processed")
    mp.setenv("WIJKMONITOR_PROCESSED", str(base / "processed"))  # the kernels read the same processed data
    built = observations.build("GM0957")
    summary = run.run_all(gemeentecode="GM0957", wijken=["WK095704"], out_dir=base / "reports", quiet=True,
                          build=False, jobs=2)
    workbook = tables.write_workbook("GM0957", base / "tabellen", obs=built["observations"],
                                     judgements=built["judgements"])
    yield {"root": base / "reports" / "GM0957", "summary": summary, "workbook": workbook["workbook"]}
    mp.undo()


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_profile_shows_the_2_meting_its_judgement_and_the_trend(reports):
    assert not reports["summary"]["failed"], reports["summary"]["failed"]
    page = (reports["root"] / "wijkprofiel_WK095704.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "2-meting (2025)" in text and "Verandering" in text
    row = " ".join(_text(re.search(r"Huishoudens tot 120% van het sociaal minimum.*?</tr>", page, re.S).group(0)).split())
    # the scorecard: the 2-meting with its year, Roermond then, Nederland's latest (named), the rank, and the
    # change 1 -> 2 (25,0 -> 24,5): down, which is favourable
    assert row.endswith("2-meting (2025) 24,5% 14,6% 12,2% in de 1-meting (2023) ongunstiger 5 van 10 "
                        "↓ van 25,0% (2023) gunstig"), row
    nb = json.loads((reports["root"] / "wijkprofiel_WK095704.ipynb").read_text(encoding="utf-8"))
    specs = [o["data"]["application/vnd.vegalite.v5+json"] for c in nb["cells"] for o in c.get("outputs", [])
             if "application/vnd.vegalite.v5+json" in o.get("data", {})]
    trend = [s for s in specs if "2025" in json.dumps(s) and "Donderberg" in json.dumps(s)]
    assert trend, "no trend chart with the 2-meting (2025)"


def test_overzicht_has_the_column(reports):
    text = _text((reports["root"] / "overzicht.html").read_text(encoding="utf-8"))
    assert "Roermond 2-meting" in text and "4.012" in text


def test_workbook_has_the_column(reports):
    import openpyxl

    ws = openpyxl.load_workbook(reports["workbook"])["Bijlage 2B"]
    header = [c.value for c in ws[2]]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "% huishoudens tot 120% sociaal minimum"]
    # the grid as printed: KPI x meting, newest meting first, a column per wijk
    assert [r[1] for r in rows] == [2, 1, 0]
    assert rows[0][header.index("Donderberg")] == 24.5 and rows[0][header.index("Jaar")] == "2025"
