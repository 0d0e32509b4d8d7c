"""The annex tables as one Excel workbook (openpyxl), in the printed report's layout.

Per sheet: the title, one header row (repeated on every printed page), heading rows for
opgave/doel/levensfase (merged, bold, KPI rows grouped under them as an outline), numbers as
numbers with a Dutch display format in the printed unit, and every note as a cell comment. Under
the table the source line and the same notes numbered, because comments are not printed.
A4 landscape, fitted to the page width.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from analysis.core.atomic import write_atomic
from analysis.pages.annex.model import Table
from analysis.pages.annex.notes import numbered

AUTHOR = "wijkmonitor"
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
GROUP_FILLS = [PatternFill("solid", fgColor="BFBFBF"), PatternFill("solid", fgColor="EDEDED"),
               PatternFill("solid", fgColor="F7F7F7")]
DUP_FONT = Font(italic=True, color="595959")
THIN = Side(style="thin", color="808080")


def _comment(texts: list[str]) -> Comment:
    c = Comment("\n\n".join(texts), AUTHOR)
    c.width, c.height = 420, min(60 + 18 * sum(1 + len(t) // 60 for t in texts), 600)
    return c


def write_sheet(ws, t: Table) -> None:
    width = len(t.header)
    ws.append([t.title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(t.header)
    for c in ws[2]:
        c.font = Font(bold=True)
        c.fill = HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.border = Border(bottom=THIN)
    for row in t.rows:
        r = ws.max_row + 1
        if row.kind == "heading":
            cell = ws.cell(row=r, column=1, value=row.cells[0].value)
            cell.font = Font(bold=True, size=11 if row.level == 0 else 10)
            cell.fill = GROUP_FILLS[min(row.level, 2)]
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            text = str(row.cells[0].value or "")
            ws.row_dimensions[r].height = 15 * (1 + len(text) // 140)
            continue
        for i, c in enumerate(row.cells, start=1):
            cell = ws.cell(row=r, column=i, value=c.value)
            if c.number_format and isinstance(c.value, (int, float)):
                cell.number_format = c.number_format
            elif c.value == "-":
                cell.alignment = Alignment(horizontal="right")
            if i - 1 == t.kpi_col:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if row.duplicate:
                    cell.font = DUP_FONT
            if c.comments:
                cell.comment = _comment(c.comments)
        ws.row_dimensions[r].outlineLevel = 1 if row.level else 0
    ws.append([])
    ws.append([f"Bron: {t.source}"])
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
    notes = numbered(t)
    if notes:
        ws.append(["Noten"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for n, text in notes:
            ws.append([f"{n}. {text}"])
    for i in range(1, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 16
    ws.column_dimensions[get_column_letter(t.kpi_col + 1)].width = 50
    ws.freeze_panes = f"{get_column_letter(t.kpi_col + 2)}3"
    # Print: A4 landscape, one page wide, title and header repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:2"
    ws.print_area = f"A1:{get_column_letter(width)}{ws.max_row}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.sheet_properties.outlinePr.summaryBelow = False
    ws.auto_filter.ref = None


def write(tables: list[Table], path: Path) -> Path:
    """One sheet per table, in the layout's order; written atomically."""
    wb = Workbook()
    wb.remove(wb.active)
    for t in tables:
        write_sheet(wb.create_sheet(t.sheet), t)
    return write_atomic(Path(path), lambda p: wb.save(p))
