"""The annex tables as a Word document (python-docx), for pasting into the gemeente's template.

Plain on purpose: built-in styles only ('Heading 1/2', 'Table Grid', 'Normal'), so the
gemeente's own template restyles everything on paste. Per table: a heading, the table (header
row repeated on every page, heading rows for opgave/doel/levensfase as merged bold rows), a
source line, and the notes numbered under the table, with the number as superscript in the
cell it belongs to. python-docx has no footnote API, so these are numbered notes below each
table, not Word footnotes. A4 landscape.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from analysis.core.atomic import write_atomic
from analysis.pages.annex.model import Table
from analysis.pages.annex.notes import numbered, numbers_of


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _fill(cell, text: str, bold: bool = False, marks: list[int] = (), right: bool = False) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    if marks:
        sup = p.add_run(" " + ",".join(str(m) for m in marks))
        sup.font.superscript = True
    if right:
        p.alignment = 2  # WD_ALIGN_PARAGRAPH.RIGHT


def add_table(doc, t: Table) -> None:
    doc.add_heading(t.title, level=2)
    nums = numbers_of(t)
    width = len(t.header)
    table = doc.add_table(rows=1, cols=width)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, t.header):
        _fill(cell, text, bold=True)
    _repeat_header(table.rows[0])
    for row in t.rows:
        cells = table.add_row().cells
        if row.kind == "heading":
            merged = cells[0].merge(cells[-1])
            _fill(merged, str(row.cells[0].value or ""), bold=True)
            continue
        for i, (cell, c) in enumerate(zip(cells, row.cells)):
            numeric = isinstance(c.value, (int, float)) or c.value == "-"
            _fill(cell, c.text, marks=[nums[x] for x in c.comments], right=numeric and i != t.kpi_col)
    doc.add_paragraph(f"Bron: {t.source}")
    notes = numbered(t)
    if notes:
        p = doc.add_paragraph()
        p.add_run("Noten").bold = True
        for n, text in notes:
            doc.add_paragraph(f"{n}. {text}")


def write(tables: list[Table], path: Path, title: str) -> Path:
    doc = Document()
    s = doc.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(s, side, Mm(15))
    doc.styles["Normal"].font.size = Pt(8)
    doc.add_heading(title, level=1)
    for t in tables:
        add_table(doc, t)
    return write_atomic(Path(path), lambda p: doc.save(str(p)))
