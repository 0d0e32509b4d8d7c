"""The annex in the printed report's layout: workbook (sheet order, headings, 2B grid, comments,
units as printed, print setup) and Word annex, checked against values printed in the May 2025 report."""
from __future__ import annotations

import re

import docx
import openpyxl
import pandas as pd
import pytest
from conftest import REPORT, ROERMOND

from analysis.build import monitors
from analysis.core import paths
from analysis.pages import tables
from analysis.pages.annex import layout as layout_mod


@pytest.fixture(scope="module")
def written(built, tmp_path_factory):
    return tables.write_workbook(ROERMOND, tmp_path_factory.mktemp("tabellen"), obs=built["observations"],
                                 judgements=built["judgements"])


@pytest.fixture(scope="module")
def wb(written):
    return openpyxl.load_workbook(written["workbook"])


def _rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def _kpi_row(ws, label, nth=0):
    hits = [r for r in _rows(ws) if label in r]
    return hits[nth]


def test_sheet_order_as_printed(wb):
    assert wb.sheetnames == ["Bijlage 1", "Bijlage 2A", "Bijlage 2B", "Bijlage 2C"]


def test_bijlage1_newest_first_beweging_after_kpi_and_duplicate_row(wb):
    ws = wb["Bijlage 1"]
    header = [c.value for c in ws[2]]
    assert header[:6] == ["KPI", "Beweging", "2-meting", "1-meting", "0-meting", "Bron KPI"]
    row = _kpi_row(ws, "% vrijwilligers")
    assert row[1:6] == ["-", 20.3, 20.5, 24.5, "[5]"]  # Bijlage 1, regels 3822, 3842, 3862
    # 'Aantal personen met uitkering per 1000 inwoners' is printed twice (rows 1 and 4): kept, marked.
    cells = [c for c in ws["A"] if c.value == "Aantal personen met uitkering per 1000 inwoners"]
    assert len(cells) == 2
    assert all("2 keer in Bijlage 1" in c.comment.text for c in cells)
    # printed as 44%, 46%, 49%: the unit as printed, the correction as a comment
    r = cells[0].row
    assert [ws.cell(row=r, column=i).value for i in (3, 4, 5)] == [44, 46, 49]
    assert ws.cell(row=r, column=3).number_format == '#,##0"%"'
    assert "per 1.000" in cells[0].comment.text


def test_headings_as_grouped_rows(wb):
    ws = wb["Bijlage 2A"]
    col_a = [c.value for c in ws["A"]]
    i_bz = col_a.index("Bestaanszekerheid")
    assert col_a[i_bz + 1].startswith("Meer inwoners hebben een passend inkomsten-uitgavenpatroon")
    assert col_a[i_bz + 2] == "Aantal meldingen bij vroegsignalering"
    for opgave in ("Kansengelijkheid", "Gezond leven makkelijker maken"):
        assert opgave in col_a
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"A{i_bz + 1}:H{i_bz + 1}" in merged
    ws2c = wb["Bijlage 2C"]
    col_a = [c.value for c in ws2c["A"]]
    assert [x for x in col_a if x in ("Baby", "Peuter", "Primair onderwijs", "Voortgezet onderwijs", "Jeugd",
                                      "Volwassenen en ouderen")] == ["Baby", "Peuter", "Primair onderwijs",
                                                                      "Voortgezet onderwijs", "Jeugd",
                                                                      "Volwassenen en ouderen"]


def test_2a_columns_as_printed_and_values(wb):
    ws = wb["Bijlage 2A"]
    header = [c.value for c in ws[2]]
    # Printed order (text lines 3968-4066): Nederland 1-meting, Roermond 1-meting, Nederland 0-, Roermond 0-meting.
    assert header[:6] == ["KPI", "Beweging", "Nederland 1-meting", "Roermond 1-meting", "Nederland 0-meting",
                          "Roermond 0-meting"]
    row = _kpi_row(ws, "% inkomens met inkomen tot 120% sociaal minimum")
    assert row[1:6] == ["-", 12.2, 15.1, 12.0, 14.9]
    # Life expectancy is printed in two blocks of 2A: both rows kept.
    assert len([r for r in _rows(ws) if r[0] and str(r[0]).startswith("Gemiddelde levensverwachting")]) == 2
    # vroeggeboorte: printed with '%' in 2A (152,8%), the unit is per 1.000 (‰)
    cell = next(c for c in ws["A"] if c.value == "% vroeggeboorte en/ of te laag geboortegewicht")
    assert ws.cell(row=cell.row, column=4).value == 150.6
    assert ws.cell(row=cell.row, column=4).number_format == '#,##0.0"%"'
    assert "promille" in cell.comment.text
    # kwetsbaarheidsindex printed '15%' (0-meting)
    cell = next(c for c in ws["A"] if c.value == "Kwetsbaarheidsindex")
    assert ws.cell(row=cell.row, column=6).value == 15 and '"%"' in ws.cell(row=cell.row, column=6).number_format


def test_2b_grid_kpi_by_meting_and_wijken(wb):
    ws = wb["Bijlage 2B"]
    header = [c.value for c in ws[2]]
    assert header[:3] == ["KPI", "Meetmoment", "Jaar"]
    assert len(header) == 13 and "Donderberg" in header and "Maasplassen" in header
    rows = _rows(ws)
    kpi_rows = [r for r in rows if r[1] in (0, 1)]
    assert len(kpi_rows) == 14 * 2
    tot = [r for r in kpi_rows if r[0] == "% huishoudens tot 120% sociaal minimum"]
    assert [r[1] for r in tot] == [1, 0]  # newest first
    d, h, m = header.index("Donderberg"), header.index("Herten"), header.index("Maasplassen")
    assert tot[0][d] == 25.0 and tot[0][h] == 4.9 and tot[0][m] == "-"
    vroeg = [r for r in kpi_rows if r[0].startswith("Vroeggeboortes")]
    assert vroeg[1][d] == 142


def test_comments_notes_and_report_inconsistencies(wb):
    ws = wb["Bijlage 2C"]
    cell = next(c for c in ws["B"] if c.value == "% 2e en 4e klassers die zich soms tot altijd eenzaam voelt")
    value = ws.cell(row=cell.row, column=4)
    assert value.value == 31.4 and "10,8% vaak tot altijd" in value.comment.text
    assert "groepen gelezen als metingen" in cell.comment.text
    vrij = next(c for c in wb["Bijlage 1"]["A"] if c.value == "% vrijwilligers")
    assert "25,5%" in vrij.comment.text and "24,5%" in vrij.comment.text
    notes = [c.value for c in wb["Bijlage 1"]["A"] if isinstance(c.value, str) and re.match(r"\d+\. ", c.value)]
    assert any("25,5%" in n for n in notes)  # the notes are printed under the table too
    assert any(str(c.value).startswith("Bron: Voortgangsrapportage Sociaal Domein Roermond, mei 2025")
               for c in wb["Bijlage 1"]["A"])


def test_print_setup(wb):
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.print_title_rows == "$1:$2"
        assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_word_annex(written):
    d = docx.Document(str(written["word"]))
    assert len(d.tables) >= 4
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading 2")]
    assert [h.split(" ")[0] + " " + h.split(" ")[1].rstrip(":") for h in heads] == [
        "Bijlage 1", "Bijlage 2A", "Bijlage 2B", "Bijlage 2C"]
    t1 = d.tables[0]
    assert [c.text for c in t1.rows[0].cells][:5] == ["KPI", "Beweging", "2-meting", "1-meting", "0-meting"]
    vrij = next(r for r in t1.rows if r.cells[0].text.startswith("% vrijwilligers"))
    assert [c.text for c in vrij.cells[1:5]] == ["-", "20,3%", "20,5%", "24,5%"]
    assert re.search(r"\d$", vrij.cells[0].text)  # note number as superscript
    texts = [p.text for p in d.paragraphs]
    assert sum(t.startswith("Bron: ") for t in texts) == 4
    assert any("25,5%" in t and t[0].isdigit() for t in texts)
    assert t1.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    assert d.sections[0].page_width > d.sections[0].page_height


def test_layout_rows_agree_with_the_transcription():
    """bijlagen.yml's row order is the order of the 'rij N' places in the measurement file's sources."""
    monitor = monitors.load(ROERMOND)
    lay = layout_mod.load(monitor)
    raw = pd.read_csv(paths.RAW_DIR / ROERMOND / f"{REPORT}.csv", dtype=str)
    places = {}
    for ind, src in zip(raw["indicator"], raw["source"]):
        for m in re.finditer(r"Bijlage (1|2A|2C)(?:, blok ([^,]+))?, rij (\d+)", src):
            places.setdefault(f"Bijlage {m.group(1)}", set()).add((m.group(2) or "", int(m.group(3)), ind))
    for t in lay.tables:
        if t.sheet not in places:
            continue
        printed = [ind for _, _, ind in sorted(places[t.sheet])]
        blocks = sorted({b for b, _, _ in places[t.sheet]})
        if t.sheet == "Bijlage 2A":  # blocks in printed order: Bestaanszekerheid first
            printed = [ind for b in ("Bestaanszekerheid", "Kansengelijkheid/Gezond leven")
                       for bb, _, ind in sorted(places[t.sheet]) if bb == b]
        assert [r.indicator for r in t.rows if not r.added] == printed, (t.sheet, blocks)


def test_a_kpi_missing_from_the_layout_is_added(raw_copy):
    p = raw_copy / ROERMOND / "bijlagen.yml"
    p.write_text(p.read_text(encoding="utf-8").replace(
        '          - {indicator: self_rated_health_pct, label: "Ervaren gezondheid (goed/zeer goed)"}\n', ""), encoding="utf-8")
    lay = layout_mod.load(monitors.load(ROERMOND), raw_copy / ROERMOND)
    added = [r for r in lay.tables[0].rows if r.added]
    assert [r.indicator for r in added] == ["self_rated_health_pct"]


def test_bad_layout_names_file_and_place(raw_copy):
    p = raw_copy / ROERMOND / "bijlagen.yml"
    p.write_text(p.read_text(encoding="utf-8").replace("indicator: volunteers_pct, label: \"% vrijwilligers\"}",
                                                       "indicator: vrijwilligers, label: \"% vrijwilligers\"}", 1),
                 encoding="utf-8")
    from analysis.core.errors import SourceError

    with pytest.raises(SourceError, match=r"bijlagen.yml: tables\[0\].groups\[3\].rows\[2\]: indicator 'vrijwilligers'"):
        layout_mod.load(monitors.load(ROERMOND), raw_copy / ROERMOND)


def test_without_layout_file_one_plain_table_per_kpi_set(raw_copy, built):
    (raw_copy / ROERMOND / "bijlagen.yml").unlink()
    monitor = monitors.load(ROERMOND)
    lay = layout_mod.load(monitor, raw_copy / ROERMOND)
    assert [t.sheet for t in lay.tables] == [k.table for k in monitor.kpi_sets]
    from analysis.pages.annex import model

    t = model.tables(built["observations"], built["judgements"], monitor, lay)[0]
    assert t.header[:4] == ["KPI", "Beweging", "Roermond 1-meting", "Nederland 1-meting"]  # newest first
    assert all(r.kind == "kpi" for r in t.rows)
