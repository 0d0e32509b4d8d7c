"""A gemeente's own KPI measurements: every *.csv and *.xlsx in `data/raw/<GM>/`, one long format.

Columns: indicator, area_code, meting, year, value, source, and optionally status, note, series.
CSV comes in two dialects, told apart by the header line: Dutch Excel (`;`, decimal comma,
`.` for thousands: `1.464` is 1464, `15,1%` is 15.1) and international (`,`, decimal point).
`.xlsx` is read with its typed cells. `-` or an empty value is "published as missing": the row
stays with its status. Everything is validated before anything is used; each problem is one
line naming file, line and column.
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.areas import NL_CODE
from analysis.core.errors import SourceError
from analysis.core.numbers import parse_nl, parse_plain

REQUIRED = ("indicator", "area_code", "meting", "year", "value", "source")
OPTIONAL = ("status", "note", "series")
MISSING_STATUSES = ("not_published", "empty_cell", "suppressed")
_YEAR = re.compile(r"^(\d{4})(/(\d{4}))?$")


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    number: Callable[[str], float]  # analysis.core.numbers: parse_nl or parse_plain

    def parse(self, text: str) -> float:
        """A value cell; spaces and a trailing % or ‰ are the reader's, not the number's."""
        return self.number(text.strip().replace("\u00a0", "").replace(" ", "").rstrip("%‰"))


DUTCH = Dialect("nl", ";", parse_nl)
INTERNATIONAL = Dialect("international", ",", parse_plain)


def files(folder: Path) -> list[Path]:
    """The measurement files of a gemeente folder (top level only; sub-folders are not read)."""
    if folder is None or not Path(folder).is_dir():
        return []
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith((".", "~$")))


def detect_dialect(header: str, path: Path) -> Dialect:
    if ";" in header:
        return DUTCH
    if "," in header:
        return INTERNATIONAL
    raise SourceError(f"{path}: regel 1: kopregel zonder ';' of ',' als scheidingsteken; verwacht {', '.join(REQUIRED)}")


def _records_csv(path: Path) -> tuple[list[str], list[tuple[int, list]], Dialect]:
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceError(f"{path}: leeg bestand; verwacht een kopregel met {', '.join(REQUIRED)}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel on Windows saves CSV in cp1252
    if not text.endswith(("\n", "\r")):
        n = text.count("\n") + 1
        raise SourceError(f"{path}: regel {n}: het bestand eindigt midden in een regel (afgekapt?); "
                          "sla het opnieuw op, met een regeleinde na de laatste regel")
    header = text.splitlines()[0]
    dialect = detect_dialect(header, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter)
    rows = list(reader)
    head = [h.strip().lower() for h in rows[0]]
    body = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue  # blank line
        if len(r) != len(head):
            raise SourceError(f"{path}: regel {i}: {len(r)} velden, de kopregel heeft er {len(head)} "
                              f"(afgekapt bestand of verkeerd scheidingsteken?)")
        body.append((i, r))
    return head, body, dialect


def _records_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list]], Dialect]:
    import openpyxl  # 0.3 s (python -X importtime): only for a gemeente that keeps xlsx

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip or xml errors: a damaged or non-xlsx file
        raise SourceError(f"{path}: geen leesbaar Excel-bestand ({type(exc).__name__})") from None
    ws = wb.worksheets[0]
    # A cell shown as 15,1% holds 0.151: read it as the reader sees it (percent formats x 100).
    rows = [[round(c.value * 100, 10) if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
             and "%" in str(getattr(c, "number_format", "")) else getattr(c, "value", None) for c in r]
            for r in ws.iter_rows()]
    wb.close()
    if not rows or not any(rows[0]):
        raise SourceError(f"{path}: leeg werkblad; verwacht een kopregel met {', '.join(REQUIRED)}")
    width = max(i + 1 for i, h in enumerate(rows[0]) if h not in (None, ""))
    head = [str(h).strip().lower() if h is not None else "" for h in rows[0][:width]]
    body = []
    for i, r in enumerate(rows[1:], start=2):
        cells = ["" if c is None else c for c in r]
        if any(str(c).strip() for c in cells[width:]):
            raise SourceError(f"{path}: regel {i}: waarden buiten de kolommen van de kopregel")
        cells = (cells + [""] * width)[:width]
        if not any(str(c).strip() for c in cells):
            continue
        body.append((i, cells))
    return head, body, DUTCH  # text cells in a Dutch workbook follow Dutch notation


def _number(cell, dialect: Dialect, path: Path, line: int, column: str) -> float:
    if isinstance(cell, bool):
        raise SourceError(f"{path}: regel {line}, kolom {column!r}: {cell!r} is geen getal")
    if isinstance(cell, (int, float)):
        return float(cell)
    try:
        return dialect.parse(str(cell))
    except ValueError:
        hint = ("Nederlandse notatie: 1.464 of 15,1" if dialect is DUTCH else "internationale notatie: 1464 of 15.1")
        raise SourceError(f"{path}: regel {line}, kolom {column!r}: {str(cell)!r} is geen getal in {hint}") from None


def _text(cell) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_file(path: Path) -> pd.DataFrame:
    """One measurement file -> rows (indicator, area_code, meting, year, period, value, status, source,
    note, series, file, line), validated per cell."""
    path = Path(path)
    head, body, dialect = _records_xlsx(path) if path.suffix.lower() == ".xlsx" else _records_csv(path)
    missing = [c for c in REQUIRED if c not in head]
    if missing:
        raise SourceError(f"{path}: regel 1: kolom(men) {missing} ontbreken; verwacht {', '.join(REQUIRED)} "
                          f"(optioneel {', '.join(OPTIONAL)})")
    unknown = [c for c in head if c and c not in REQUIRED + OPTIONAL]
    if unknown:
        raise SourceError(f"{path}: regel 1: onbekende kolom(men) {unknown}")
    col = {c: head.index(c) for c in REQUIRED + OPTIONAL if c in head}
    out = []
    for line, r in body:
        def get(c):
            return r[col[c]] if c in col else ""

        ind, area = _text(get("indicator")), _text(get("area_code")).upper()
        if not ind:
            raise SourceError(f"{path}: regel {line}, kolom 'indicator': leeg")
        if not area:
            raise SourceError(f"{path}: regel {line}, kolom 'area_code': leeg")
        m = _text(get("meting"))
        if m and not re.fullmatch(r"\d+", m):
            raise SourceError(f"{path}: regel {line}, kolom 'meting': {m!r} is geen metingnummer (0, 1, 2, ...)")
        y = _text(get("year"))
        ym = _YEAR.match(y)
        if y and not ym:
            raise SourceError(f"{path}: regel {line}, kolom 'year': {y!r} is geen jaar (2024 of schooljaar 2023/2024)")
        if not m and not y:
            raise SourceError(f"{path}: regel {line}: geef een meting, een jaar of beide")
        raw_value = get("value")
        status = _text(get("status"))
        text_value = _text(raw_value) if not isinstance(raw_value, (int, float)) or isinstance(raw_value, bool) else None
        if text_value is not None and text_value in ("-", "–", "", "."):
            value = math.nan
            default = "empty_cell" if text_value == "" else "not_published"
            status = status or default
            if status not in MISSING_STATUSES:
                raise SourceError(f"{path}: regel {line}, kolom 'status': {status!r} bij een ontbrekende waarde; "
                                  f"kies uit {', '.join(MISSING_STATUSES)}")
        else:
            value = _number(raw_value, dialect, path, line, "value")
            if status not in ("", "ok"):
                raise SourceError(f"{path}: regel {line}, kolom 'status': {status!r} naast een waarde ({value:g})")
            status = "ok"
        source = _text(get("source"))
        if not source:
            raise SourceError(f"{path}: regel {line}, kolom 'source': leeg; noem waar het getal vandaan komt")
        out.append({"indicator": ind, "area_code": area, "meting": int(m) if m else None,
                    "year": float(ym.group(3) or ym.group(1)) if ym else math.nan, "period": y or None,
                    "value": value, "status": status, "source": source, "note": _text(get("note")) or None,
                    "series": _text(get("series")) or None, "file": path.name, "line": line,
                    "text": text_value, "dialect": dialect.name if text_value is not None else "xlsx"})
    if not out:
        raise SourceError(f"{path}: geen metingen onder de kopregel")
    return pd.DataFrame(out)


def read_folder(folder: Path) -> pd.DataFrame:
    """Every measurement file of a folder, concatenated (not yet checked against each other)."""
    parts = [read_file(p) for p in files(folder)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["indicator", "area_code", "meting", "year", "period", "value", "status", "source", "note",
                 "series", "file", "line", "text", "dialect"])


def _where(rows: pd.DataFrame) -> str:
    return ", ".join(f"{f} regel {n}" for f, n in zip(rows["file"], rows["line"]))


def validate(df: pd.DataFrame, monitor, wijkcodes: list[str], known_indicators: set[str]) -> pd.DataFrame:
    """Check measurements against the catalogue, the gemeente's areas, each other and the monitor.

    Fills the default series (the monitor's first) for rows with a meting and no series.
    """
    folder = monitor.raw_dir
    for r in df.itertuples():
        if r.indicator not in known_indicators:
            raise SourceError(f"{folder / r.file}: regel {r.line}, kolom 'indicator': onbekende indicator "
                              f"{r.indicator!r} (niet in catalogue.yml)")
        if r.area_code not in (NL_CODE, monitor.code) and r.area_code not in wijkcodes:
            raise SourceError(f"{folder / r.file}: regel {r.line}, kolom 'area_code': {r.area_code!r} is niet NL00, "
                              f"{monitor.code} of een wijk van {monitor.code} in de wijkgrenzen")
    _check_values(df, folder)
    series_ids = list(monitor.series)
    if len(df):
        unknown = df[df["series"].notna() & ~df["series"].isin(series_ids)]
        if len(unknown):
            r = unknown.iloc[0]
            raise SourceError(f"{folder / r.file}: regel {r.line}, kolom 'series': onbekende reeks {r.series!r}; "
                              f"bekend in monitor.yml: {series_ids or 'geen'}")
        if series_ids:
            df.loc[df["series"].isna() & df["meting"].notna(), "series"] = series_ids[0]
    key = ["series", "indicator", "area_code", "meting", "period"]
    dup = df[df.duplicated(key, keep=False)]
    if len(dup):
        r = dup.iloc[0]
        same = (dup[["indicator", "area_code"]] == [r.indicator, r.area_code]).all(axis=1)
        first = dup[same & (dup["meting"].fillna(-1) == (-1 if pd.isna(r.meting) else r.meting))
                    & (dup["period"].fillna("") == (r.period or ""))].iloc[:2]
        raise SourceError(f"dubbele meting voor {r.indicator} {r.area_code} meting {_fmt_meting(r.meting)} "
                          f"jaar {r.period or '-'}: {_where(first)}")
    with_year = df[df["meting"].notna() & df["period"].notna()]
    years = with_year.groupby(["series", "indicator", "meting"], dropna=False)["period"].nunique()
    for (series, ind, m), n in years[years > 1].items():
        rows = with_year[(with_year["indicator"] == ind) & (with_year["meting"] == m)
                         & (with_year["series"].fillna("") == (series if isinstance(series, str) else ""))]
        rows = rows.drop_duplicates("period")
        raise SourceError(f"{ind}, meting {int(m)}: de regels noemen verschillende jaren "
                          f"({', '.join(rows['period'])}): {_where(rows)}")
    _check_complete(df, monitor, wijkcodes)
    return df


def _check_values(df: pd.DataFrame, folder: Path) -> None:
    """Every value within its indicator's contract (analysis.core.contracts): counts whole and >= 0,
    percentages 0-100, rates within their unit's range."""
    from analysis.core import contracts

    for r in df[df["status"] == "ok"].itertuples():
        reason = contracts.violation(r.indicator, r.value, r.text)
        if reason is None:
            continue
        hint = ""
        if r.dialect == INTERNATIONAL.name and "." in (r.text or "") and "geheel getal" in reason:
            hint = (f" (dit bestand gebruikt de internationale notatie: de punt is een decimaalteken; "
                    f"schrijf {r.text.replace('.', '')} zonder punt, of gebruik ';' en de Nederlandse notatie)")
        raise SourceError(f"{folder / r.file}: regel {r.line}, kolom 'value': {reason}{hint}")


def _fmt_meting(m) -> str:
    return "-" if m is None or (isinstance(m, float) and math.isnan(m)) else str(int(m))


def _check_complete(df: pd.DataFrame, monitor, wijkcodes: list[str]) -> None:
    """Every KPI of a set has rows; a KPI measured at a meting has a row for every area of its set."""
    for k in monitor.kpi_sets:
        areas = set()
        if "gemeente" in k.areas:
            areas.add(monitor.code)
        if "land" in k.areas:
            areas.add(NL_CODE)
        if "wijk" in k.areas:
            areas |= set(wijkcodes)
        sel = df[(df["series"].fillna("") == (k.series or "")) & df["area_code"].isin(areas) & df["meting"].notna()]
        for ind in k.indicators:
            rows = sel[sel["indicator"] == ind]
            if rows.empty:
                raise SourceError(f"{monitor.raw_dir}: KPI-set {k.id!r} ({k.table}): geen metingen voor {ind!r} "
                                  f"(bestand afgekapt of indicator vergeten?)")
            for m, g in rows.groupby("meting"):
                lacking = sorted(areas - set(g["area_code"]))
                if lacking:
                    raise SourceError(f"{monitor.raw_dir}: KPI-set {k.id!r} ({k.table}): {ind!r} meting {int(m)} "
                                      f"ontbreekt voor {', '.join(lacking[:5])}{' …' if len(lacking) > 5 else ''} "
                                      f"(gebruik '-' voor een niet gepubliceerde waarde; een volledig bestand: "
                                      f"python -m analysis sjabloon --gemeente {monitor.code} --meting {int(m)})")
