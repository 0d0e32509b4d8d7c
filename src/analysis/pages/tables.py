"""The next report's annex tables: one Excel sheet per KPI set (the report's layout), a CSV twin each.

`python -m analysis tabellen [--gemeente GM…]` writes `reports/<GM>/tabellen/bijlagen.xlsx` and
`bijlage_<set>.csv`: KPI rows, a column per area and meting present, the computed *beweging*,
unit and bron. Numbers stay numbers in Excel, shown with a Dutch display format at the KPI's
published precision; that is what researchers paste into the next Voortgangsrapportage.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from analysis.core import paths
from analysis.build import monitors, observations
from analysis.rules import trends
from analysis.core.atomic import write_atomic, write_text_atomic
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import SourceError
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

WORKBOOK = "bijlagen.xlsx"


def _number_format(ind: str) -> str:
    e = catalogue_entry(ind)
    fmt = "#,##0" + ("." + "0" * e["decimals"] if e["decimals"] else "")
    # Excel shows ',' and '.' by the reader's locale: a Dutch Excel prints 1.464 and 15,1.
    return fmt + ('"%"' if e["unit"] == "%" else '"‰"' if e["unit"] == "‰" else "")


def _sheet_name(kpi_set) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", kpi_set.table)[:31]


def sheets(gemeentecode: str, obs: pd.DataFrame | None = None, judgements: pd.DataFrame | None = None) -> dict:
    """KPI set id -> (kpi_set, numeric table, indicator per row) for every KPI set of the monitor."""
    monitor = monitors.load(gemeentecode)
    obs = observations.load(gemeentecode) if obs is None else obs
    if judgements is None:
        judgements = observations.load_judgements(gemeentecode)
    out = {}
    for k in monitor.kpi_sets:
        t = trends.kpi_table(obs, judgements, monitor, k.id, numeric=True)
        labels = {catalogue_entry(i)["label"]: i for i in k.indicators}
        inds = [labels[idx[0] if isinstance(idx, tuple) else idx] for idx in t.index]
        out[k.id] = (k, t.reset_index(), inds)
    return out


def write_workbook(gemeentecode: str, out_dir: Path | None = None, **kw) -> dict[str, Path]:
    """Write the workbook and the CSV twins; returns the paths written."""
    monitor = monitors.load(gemeentecode)
    if monitor.is_cbs_only:
        raise SourceError(f"{gemeentecode}: geen monitor.yml met KPI-sets in {paths.gemeente_raw_dir(gemeentecode)}; "
                          "er zijn geen bijlagetabellen te maken")
    out_dir = Path(out_dir or paths.reports_dir(gemeentecode) / "tabellen")
    data = sheets(gemeentecode, **kw)
    wb = Workbook()
    wb.remove(wb.active)
    written = {}
    for set_id, (k, t, inds) in data.items():
        ws = wb.create_sheet(_sheet_name(k))
        ws.append([f"{k.table}: {k.title} ({monitor.name})"])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(list(t.columns))
        for c in ws[2]:
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        numeric_cols = [i for i, c in enumerate(t.columns) if "meting" in c]
        for row, ind in zip(t.itertuples(index=False), inds):
            ws.append([None if (isinstance(v, float) and pd.isna(v)) else v for v in row])
            r = ws.max_row
            for i in numeric_cols:
                cell = ws.cell(row=r, column=i + 1)
                if cell.value is None:
                    cell.value = "-"
                    cell.alignment = Alignment(horizontal="right")
                else:
                    cell.number_format = _number_format(ind)
        ws.column_dimensions["A"].width = 55
        for i in range(2, len(t.columns) + 1):
            ws.column_dimensions[get_column_letter(i)].width = 16
        ws.freeze_panes = "B3"
        csv_path = out_dir / f"bijlage_{set_id}.csv"
        text = t.to_csv(index=False, sep=";", decimal=",", float_format="%.10g")
        written[set_id] = write_text_atomic(csv_path, text)
    written["workbook"] = write_atomic(out_dir / WORKBOOK, lambda p: wb.save(p))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis tabellen",
                                     description="Bijlagetabellen (Excel + CSV) voor de volgende voortgangsrapportage")
    parser.add_argument("--gemeente", default=None, help="CBS-gemeentecode, bijv. GM0000 (standaard: elke gemeente met een monitor.yml)")
    parser.add_argument("--out", default=None, help="map voor de tabellen (standaard reports/<GM>/tabellen)")
    args = parser.parse_args(argv)
    codes = [args.gemeente] if args.gemeente else sorted(
        p.name for p in paths.RAW_DIR.glob("GM*") if (p / monitors.MONITOR_FILE).is_file())
    for code in codes:
        for path in write_workbook(code, args.out).values():
            print(f"geschreven: {path}")
    return 0
