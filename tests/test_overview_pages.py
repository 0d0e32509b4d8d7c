"""The overzicht and indicatorkaart pages as Chromium draws them (offline): every meting a reader
sees carries its year, the region table has a value for every MLO gemeente, every 'Bron [n]' link
lands on an entry of the page's source list, the Excel downloads hold numbers, the small multiples
draw a map for every KPI with wijk values, and no code words reach the reader."""
import re

import openpyxl
import pytest

from pages_fixture import GM, build_tree, page as page_of, rendered_dom
from test_reports_browser import visible_text

PAGES = ["overzicht", "indicator_kaart"]
MLO = ["Roermond", "Echt-Susteren", "Maasgouw", "Roerdalen"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def doms(reports, tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium")
    return {name: rendered_dom(page_of(reports, name), profile) for name in PAGES}


@pytest.mark.parametrize("name", PAGES)
def test_every_meting_a_reader_sees_carries_its_year(reports, doms, name):
    # the report's own inconsistencies are quoted as the report words them ('Let op, ...')
    text = visible_text(re.sub(r"<p>Let op, .*?</p>", " ", doms[name], flags=re.S))
    found = re.findall(r"\d-meting", text)
    assert len(found) >= 10, found
    bare = [text[max(0, m.start() - 40):m.end() + 20] for m in re.finditer(r"\b\d-meting(?! \((\d{4}|jaar niet))", text)]
    assert not bare, bare


def test_region_table_has_a_value_for_every_mlo_gemeente(reports, doms):
    dom = doms["overzicht"]
    table = next(t for t in re.findall(r"<table.*?</table>", dom, re.S) if "Aantal inwoners, 2024 (KWB 2024)" in t)
    head = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*scope=\"col\"[^>]*>(.*?)</th>", table)]
    assert head[1:5] == MLO, head
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert all(c and c != "-" and not c.startswith("geen gegevens") for c in cells[:4]), cells
    assert "60.743" in table and "32.041" in table and "24.406" in table and "20.806" in table
    # the region map draws all four gemeenten in colour, its legend whole
    assert "midden = Roermond (1.002); geen" in visible_text(dom)


def test_source_references_resolve(doms):
    dom = doms["overzicht"]
    refs = set(re.findall(r'href="#bron-(\d+)"', dom))
    anchors = set(re.findall(r'id="bron-(\d+)"', dom))
    assert len(refs) >= 25 and refs <= anchors, refs - anchors
    text = visible_text(dom)
    assert "[18] Jongeren zonder onderwijs en werk" in text and "per 10.000" in text  # the NEET note


def test_excel_downloads_are_numeric(reports):
    wb = openpyxl.load_workbook(reports / GM / "overzicht_tabel1.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Huishoudens tot 120% van het sociaal minimum")
    cell = row[header.index("Roermond 1-meting (2021-2024)")]
    assert cell.value == 15.1 and cell.data_type == "n"
    numbers = texts = 0
    for name in sorted((reports / GM).glob("overzicht_tabel*.xlsx")):
        for r in openpyxl.load_workbook(name).active.iter_rows(min_row=2):
            for c in r:
                if isinstance(c.value, str) and re.fullmatch(r"[-+]?[\d.]+(,\d+)?\s*(%|‰)?", c.value):
                    texts += 1
                elif isinstance(c.value, (int, float)):
                    numbers += 1
    assert numbers > 100 and texts == 0
    page = (reports / GM / "overzicht.html").read_text(encoding="utf-8")
    assert 'href="tabellen/bijlagen.xlsx"' in page and (reports / GM / "tabellen" / "bijlagen.xlsx").is_file()


def test_small_multiples_draw_every_meting_with_values(doms):
    dom = doms["indicator_kaart"]
    text = visible_text(dom)
    assert "geen enkele wijk heeft een cijfer" not in text
    for label in ("Zwangerschapsbegeleiding", "Kwetsbaarheidsindex", "Vroeggeboorte"):
        assert label in text
    assert "0-meting (2020)" in text and "0-meting (jaar niet vermeld)" in text
    assert "papermill" not in text.lower() and "parameter" not in text.lower()


@pytest.mark.parametrize("name", PAGES)
def test_no_code_words_in_reader_text(doms, name):
    text = visible_text(doms[name])
    for word in ("`", "papermill", "parameter", ".yml", "data/", "GM0957_", "None", "NaN"):
        assert word not in text, (word, text[max(0, text.find(word) - 80):text.find(word) + 40])


def test_a_reader_can_sort_a_big_table(tmp_path):
    """The sort script (offline, in _static/wijkmonitor.js): a click on a column head sorts Dutch
    numbers as numbers, 'geen gegevens' last; a second click reverses."""
    from analysis.pages import webpage

    payload = {"columns": ["Wijk", "Waarde"], "index_columns": 1, "sortable": True,
               "data": [["A", "1.002"], ["B", "geen gegevens¹"], ["C", "97"], ["D", "25,4"]]}
    js = (webpage.PACKAGE_STATIC / webpage.JS_NAME).read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text("<!DOCTYPE html><html><body>" + webpage.table_html(payload) + f"<script>{js}</script>"
                     "<script>document.addEventListener('DOMContentLoaded', function () {"
                     "var th = document.querySelectorAll('th')[1]; th.click();"
                     "document.body.setAttribute('data-asc', Array.from(document.querySelectorAll('tbody th'))"
                     ".map(function (e) { return e.textContent; }).join(''));"
                     "th.click(); document.body.setAttribute('data-desc', Array.from(document.querySelectorAll("
                     "'tbody th')).map(function (e) { return e.textContent; }).join(''));});</script></body></html>",
                     encoding="utf-8")
    dom = rendered_dom(probe, tmp_path / "profile")
    assert 'data-asc="DCAB"' in dom and 'data-desc="ACDB"' in dom, dom[:400]
