"""`python -m analysis sjabloon`: a measurement template for a gemeente's next meting (Excel + CSV).

One row per indicator and area of every KPI set of one metingen series (each pair once, also when
two sets share it), in the long format the build reads from `data/raw/<GM>/`: indicator,
area_code, series, meting filled in; year, value and source to fill in; status and note optional.
The Excel file has drop-down lists for `-` (not published) in the value column and for the
missing-value statuses, and a second sheet with each indicator's label, unit and allowed values.
The CSV is the same in the Dutch dialect (`;`, decimal comma). They are written to
`data/raw/<GM>/sjablonen/`, which the build does not read: a researcher fills one of them in and
moves it up into `data/raw/<GM>/`. An unfilled template does not build (source is empty).
"""
from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analysis.build import gemeenten, monitors
from analysis.core import contracts
from analysis.core.areas import NL_CODE
from analysis.core.atomic import write_atomic, write_text_atomic
from analysis.core.catalogue import indicator
from analysis.core.errors import WijkmonitorError
from analysis.sources import measurements
from analysis.sources.measurements import MISSING_STATUSES

COLUMNS = ["indicator", "area_code", "series", "meting", "year", "value", "source", "status", "note"]
FOLDER = "sjablonen"


class TemplateError(WijkmonitorError):
    """No template can be made (no KPI sets, unknown series, a meting that already exists)."""


def _existing(monitor) -> pd.DataFrame:
    df = measurements.read_folder(monitor.raw_dir) if monitor.raw_dir is not None else pd.DataFrame()
    if df.empty:
        return pd.DataFrame(columns=["series", "meting", "file"])
    first = next(iter(monitor.series), None)
    df["series"] = df["series"].where(df["series"].notna() | df["meting"].isna(), first)
    return df[df["meting"].notna()]


def choose(monitor, series: str | None = None, meting: int | None = None) -> tuple[str | None, int]:
    """The series (default the monitor's first, as for rows without one) and the meting (default the
    one after the latest in the data); a meting the data already has is refused."""
    if not monitor.kpi_sets:
        raise TemplateError(f"{monitor.code} ({monitor.name}) heeft geen KPI-sets in monitor.yml; een meetsjabloon "
                            "hoort bij een eigen monitor (zie README, 'Een nieuwe meting toevoegen')")
    known = list(dict.fromkeys([k.series for k in monitor.kpi_sets]))
    if series is None:
        series = next(iter(monitor.series), None) if next(iter(monitor.series), None) in known else known[0]
    if series not in known:
        raise TemplateError(f"--reeks {series!r}: geen KPI-set van {monitor.code} gebruikt die reeks; "
                            f"kies uit {', '.join(str(s) for s in known)}")
    existing = _existing(monitor)
    have = existing[existing["series"].fillna("") == (series or "")]
    latest = int(have["meting"].max()) if len(have) else None
    if meting is None:
        meting = 0 if latest is None else latest + 1
    if meting < 0:
        raise TemplateError(f"--meting {meting}: een metingnummer is 0 of meer")
    clash = have[have["meting"] == meting]
    if len(clash):
        raise TemplateError(f"{monitor.code}: reeks {series} heeft al meting {meting} ({clash['file'].iloc[0]}); "
                            f"een sjabloon is voor een nieuwe meting: --meting {latest + 1}")
    return series, int(meting)


def rows(monitor, wijkcodes: list[str], series: str | None, meting: int) -> pd.DataFrame:
    """Every indicator x area of the series' KPI sets (first occurrence order), values empty."""
    out, seen = [], set()
    for k in monitor.kpi_sets:
        if k.series != series:
            continue
        areas = ([NL_CODE] if "land" in k.areas else []) + ([monitor.code] if "gemeente" in k.areas else []) \
            + (sorted(wijkcodes) if "wijk" in k.areas else [])
        for ind in k.indicators:
            for area in areas:
                if (ind, area) in seen:
                    continue
                seen.add((ind, area))
                out.append({"indicator": ind, "area_code": area, "series": series or "", "meting": meting,
                            "year": "", "value": "", "source": "", "status": "", "note": ""})
    return pd.DataFrame(out, columns=COLUMNS)


def guide(monitor, table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The explanation sheet: per indicator its label, unit, allowed values and KPI sets."""
    out = []
    for ind in dict.fromkeys(table["indicator"]):
        e = indicator(ind)
        sets = [k.table for k in monitor.kpi_sets if ind in k.indicators and k.series == (table["series"].iloc[0] or None)]
        areas = [names.get(a, a) for a in table.loc[table["indicator"] == ind, "area_code"]]
        out.append({"indicator": ind, "naam": e["label"], "eenheid": e["unit"] or "",
                    "toegestaan": f"{contracts.contract(ind).describe()}, of - (niet gepubliceerd)",
                    "KPI-sets": ", ".join(dict.fromkeys(sets)), "gebieden": len(areas)})
    return pd.DataFrame(out)


def _csv_text(table: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(COLUMNS)
    for r in table.itertuples(index=False):
        w.writerow([getattr(r, c) for c in COLUMNS])
    return buf.getvalue()


def _write_xlsx(path: Path, table: pd.DataFrame, guide_table: pd.DataFrame, names: dict[str, str]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "meting"  # the build reads the first sheet
    ws.append(COLUMNS)
    for r in table.itertuples(index=False):
        ws.append([getattr(r, c) if getattr(r, c) != "" else None for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = {"indicator": 44, "area_code": 12, "series": 20, "meting": 8, "year": 10, "value": 10, "source": 40,
              "status": 16, "note": 30}
    for i, c in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths[c]
    n = len(table) + 1
    col = {c: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    # value: a drop-down with '-', but any number may be typed (no error message for other input)
    value = DataValidation(type="list", formula1='"-"', allow_blank=True, showErrorMessage=False,
                           showInputMessage=True, promptTitle="waarde",
                           prompt="Een getal (Nederlandse notatie), of - als de waarde niet gepubliceerd is")
    value.add(f"{col['value']}2:{col['value']}{n}")
    status = DataValidation(type="list", formula1='"' + ",".join(MISSING_STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="status",
                            error=f"Kies een van: {', '.join(MISSING_STATUSES)} (alleen bij een ontbrekende waarde)",
                            showInputMessage=True, promptTitle="status",
                            prompt="Alleen bij een ontbrekende waarde: waarom ontbreekt hij?")
    status.add(f"{col['status']}2:{col['status']}{n}")
    for dv in (value, status):
        ws.add_data_validation(dv)
    for c in ("year", "value", "source"):
        ws[f"{col[c]}1"].font = Font(bold=True, color="C00000")  # to fill in
    for (cell,) in ws.iter_rows(min_row=2, min_col=COLUMNS.index("year") + 1, max_col=COLUMNS.index("year") + 1):
        cell.number_format = "@"  # text: Excel must not turn a school year 2024/2025 into a date
    info = wb.create_sheet("toelichting")
    info.append(["Vul per regel year (meetjaar, of schooljaar 2024/2025), value en source in; - als de waarde "
                 "niet gepubliceerd is. Zet het bestand daarna in data/raw/<gemeentecode>/."])
    info.append([])
    info.append(list(guide_table.columns))
    for r in guide_table.itertuples(index=False):
        info.append(list(r))
    info.append([])
    info.append(["area_code", "naam"])
    for code in dict.fromkeys(table["area_code"]):
        info.append([code, names.get(code, code)])
    for i, w in enumerate([44, 60, 14, 50, 30, 10], start=1):
        info.column_dimensions[get_column_letter(i)].width = w
    wb.save(path)


def write(gemeentecode: str, meting: int | None = None, series: str | None = None,
          out_dir: Path | None = None) -> dict:
    """Write the Excel and CSV template of the next (or the given) meting; returns paths and counts."""
    monitor = monitors.load(gemeentecode)
    series, meting = choose(monitor, series, meting)
    wijken = gemeenten.wijken(monitor.code)
    names = {"NL00": "Nederland", monitor.code: monitor.name, **dict(zip(wijken["wijkcode"], wijken["wijknaam"]))}
    table = rows(monitor, list(wijken["wijkcode"]), series, meting)
    folder = Path(out_dir) if out_dir else Path(monitor.raw_dir or Path(".")) / FOLDER
    stem = f"meting_{meting}" + (f"_{series}" if series else "")
    xlsx = write_atomic(folder / f"{stem}.xlsx", lambda p: _write_xlsx(p, table, guide(monitor, table, names), names))
    csv_path = write_text_atomic(folder / f"{stem}.csv", "\ufeff" + _csv_text(table))
    return {"xlsx": xlsx, "csv": csv_path, "rows": len(table), "indicators": table["indicator"].nunique(),
            "series": series, "meting": meting, "monitor": monitor}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"fout: {message} (zie python -m analysis sjabloon --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m analysis sjabloon",
                                     description="Meetsjabloon (Excel + CSV) voor de volgende meting van een gemeente")
    parser.add_argument("--gemeente", required=True, help="CBS-gemeentecode met een monitor.yml, bijv. GM0000")
    parser.add_argument("--meting", type=int, default=None,
                        help="metingnummer (standaard: de meting na de laatste in de data)")
    parser.add_argument("--reeks", default=None, help="metingreeks uit monitor.yml (standaard de eerste)")
    parser.add_argument("--out", default=None, help="map voor het sjabloon (standaard data/raw/<GM>/sjablonen)")
    args = parser.parse_args(argv)
    res = write(args.gemeente, args.meting, args.reeks, args.out)
    m = res["monitor"]
    print(f"{res['xlsx']}: meting {res['meting']} van reeks {res['series']}, {res['rows']} regels "
          f"({res['indicators']} KPI's x gebieden)")
    print(f"{res['csv']}: hetzelfde als CSV (';', decimale komma)")
    print(f"vul year, value en source in (- = niet gepubliceerd), zet één van beide in {m.raw_dir} en draai: "
          f"python -m analysis build --gemeente {m.code}")
    return 0
