"""The annex tables as printed rows and cells, built from the observations and the layout.

One model feeds both writers (Excel and Word): heading rows for opgave/doel/levensfase, KPI
rows with the report's column order, numbers at the KPI's precision in the printed unit, and
every comment (unit correction, catalogue note, the report's inconsistencies, duplicate rows,
notes printed beside a value, a changed judgement) attached to its cell.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis.core import catalogue
from analysis.core.areas import NL_CODE
from analysis.core.numbers import format_nl
from analysis.pages.annex.layout import Layout, RowSpec, TableSpec
from analysis.rules.trends import series_rows

MISSING = "-"
UNIT_WORDS = {"%": "procent (%)", "‰": "promille (‰, per 1.000)", "per 100": "per 100", "per 1000": "per 1.000",
              "aantal": "aantal", "jaren": "jaren", "index": "indexcijfer"}


@dataclass
class Cell:
    value: object = None          # float, str or None (empty cell)
    text: str = ""                # Dutch display text (Word, CSV)
    number_format: str | None = None  # Excel format of a number
    comments: list[str] = field(default_factory=list)


@dataclass
class Row:
    kind: str                     # 'heading' or 'kpi'
    cells: list[Cell]
    level: int = 0                # heading depth (0 = outermost)
    indicator: str | None = None
    duplicate: bool = False
    meting: int | None = None     # grid rows: the meting of the row


@dataclass
class Table:
    kpi_set: str
    sheet: str
    title: str
    header: list[str]
    rows: list[Row]
    source: str
    kpi_col: int = 0

    def kpi_rows(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "kpi"]


def number_format(decimals: int, unit: str | None) -> str:
    """Excel display format; Excel shows ',' and '.' in the reader's locale (Dutch: 1.464 and 15,1)."""
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    # A literal '%' would make Excel multiply by 100; quoted it is only shown.
    return fmt + ('"%"' if unit == "%" else '"‰"' if unit == "‰" else "")


def _shown_unit(spec: RowSpec) -> str:
    e = catalogue.indicator(spec.indicator)
    return spec.printed_unit if spec.printed_unit is not None else (e["unit"] or "")


def kpi_comments(spec: RowSpec, table_label: str) -> list[str]:
    """Comments on a KPI cell: unit as printed vs the catalogue, catalogue note, report notes."""
    e = catalogue.indicator(spec.indicator)
    out = []
    if spec.printed_unit is not None and spec.printed_unit != (e["unit"] or ""):
        out.append(f"Eenheid zoals afgedrukt in {table_label}: '{spec.printed_unit}'. De juiste eenheid is "
                   f"{UNIT_WORDS.get(e['unit'], e['unit'])} ({e['label']}); de getallen zijn gelijk, alleen het teken wijkt af.")
    if e.get("note"):
        out.append(str(e["note"]))
    out += [catalogue.report_note_text(n) for n in catalogue.report_notes(spec.indicator)]
    if spec.added:
        out.append("Deze KPI staat niet in de opmaak van het rapport (bijlagen.yml); toegevoegd omdat de KPI-set hem bevat.")
    return out


def _source_names(rows: pd.DataFrame) -> list[str]:
    """'Voortgangsrapportage …, mei 2025' from the sources of the cells shown (first two parts)."""
    names = {", ".join(str(s).split(", ")[:2]) for s in rows["source"].dropna()}
    return sorted(n for n in names if n)


class Builder:
    def __init__(self, obs: pd.DataFrame, judgements: pd.DataFrame | None, monitor, layout: Layout):
        self.obs, self.monitor, self.layout = obs, monitor, layout
        self.j = judgements if judgements is not None else pd.DataFrame(
            columns=["kpi_set", "indicator", "area_code", "computed", "reported", "reported_metingen"])
        self.names = obs.drop_duplicates("area_code").set_index("area_code")["area_name"].to_dict()
        self.names.setdefault(NL_CODE, "Nederland")

    # --- values -----------------------------------------------------------------------------
    def value_cell(self, sel: pd.DataFrame, spec: RowSpec) -> Cell:
        e = catalogue.indicator(spec.indicator)
        unit = _shown_unit(spec)
        if sel.empty:
            return Cell(MISSING, MISSING)
        r = sel.iloc[0]
        notes = [str(r["note"])] if isinstance(r.get("note"), str) and r["note"].strip() else []
        if pd.isna(r["value"]):
            if r["status"] == "empty_cell":
                return Cell(None, "", None, notes)
            return Cell(MISSING, MISSING, None, notes)
        v = float(r["value"])
        d = int(e["decimals"] or 0)
        text = format_nl(v, d, unit if unit in ("%", "‰") else "")
        return Cell(v, text, number_format(d, unit), notes)

    def years_text(self, rows: pd.DataFrame, metingen: list[int]) -> str:
        parts = []
        for m in metingen:
            if not rows.loc[rows["meting"] == m, "value"].notna().any():
                continue  # no value printed for this meting: no year to state
            ps = sorted({str(p) for p in rows.loc[rows["meting"] == m, "period"].dropna() if str(p) not in ("", "nan")})
            if not ps:
                ps = sorted({str(int(y)) for y in rows.loc[rows["meting"] == m, "year"].dropna()})
            parts.append(f"{m}-meting: {'/'.join(ps) if ps else 'jaar onbekend'}")
        return "; ".join(parts) or "-"

    # --- tables -----------------------------------------------------------------------------
    def table(self, t: TableSpec) -> Table:
        k = self.monitor.kpi_set(t.kpi_set)
        sel = series_rows(self.obs, k.series)
        sel = sel[sel["indicator"].isin(k.indicators)]
        metingen = sorted({int(m) for m in sel["meting"].dropna()}, reverse=t.newest_first)
        label = t.sheet
        counts = pd.Series([r.indicator for r in t.rows]).value_counts()
        if t.grid:
            wijken = sorted(sel.loc[sel["area_level"] == "wijk", "area_code"].unique())
            header, rows, used = self._grid(t, sel, metingen, wijken, counts, label)
        else:
            header, rows, used = self._rows(t, k, sel, metingen, counts, label)
        src = "; ".join(_source_names(used)) or self.layout.source
        if "bron" in t.columns:
            src += f"; bronnummers per KPI in de kolom {t.headers.get('bron', 'Bron')} (bronvermelding van het rapport)"
        return Table(t.kpi_set, t.sheet, t.title, header, rows, src, header.index(t.headers.get("kpi", "KPI")))

    def _headings(self, spec: RowSpec, last: tuple, width: int) -> list[Row]:
        out = []
        for level, (key, text) in enumerate(spec.headings):
            if len(last) > level and last[level] == (key, text) and all(
                    a == b for a, b in zip(last[:level], spec.headings[:level])):
                continue
            out.append(Row("heading", [Cell(text, text)] + [Cell() for _ in range(width - 1)], level))
        return out

    def _kpi_cell(self, spec: RowSpec, counts, label: str, seen: dict) -> tuple[Cell, bool]:
        comments = kpi_comments(spec, label)
        dup = counts.get(spec.indicator, 0) > 1
        seen[spec.indicator] = seen.get(spec.indicator, 0) + 1
        if dup:
            comments.append(f"Deze KPI staat {counts[spec.indicator]} keer in {label}, zoals in het rapport "
                            f"(hier de {seen[spec.indicator]}e keer); de waarden zijn dezelfde.")
        return Cell(spec.label, spec.label, None, comments), dup

    def _rows(self, t: TableSpec, k, sel, metingen, counts, label):
        codes = {"gemeente": self.monitor.code, "land": NL_CODE}
        areas = [codes[a] for a in t.areas]
        value_cols = [(m, a) for m in metingen for a in areas]
        header = []
        for c in t.columns:
            if c == "metingen":
                header += [f"{self.names.get(a, a)} {m}-meting" if len(areas) > 1 else f"{m}-meting" for m, a in value_cols]
            else:
                header.append(t.headers.get(c, c.capitalize()))
        header.append("Meetjaren")
        rows, last, seen, used = [], (), {}, []
        for spec in t.rows:
            rows += self._headings(spec, last, len(header))
            last = spec.headings
            rsel = sel[(sel["indicator"] == spec.indicator) & sel["area_code"].isin(areas)]
            used.append(rsel)
            cells = []
            dup = False
            for c in t.columns:
                if c == "kpi":
                    cell, dup = self._kpi_cell(spec, counts, label, seen)
                    cells.append(cell)
                elif c == "beweging":
                    cells.append(self._judgement(t.kpi_set, spec.indicator))
                elif c == "metingen":
                    for m, a in value_cols:
                        cells.append(self.value_cell(rsel[(rsel["meting"] == m) & (rsel["area_code"] == a)], spec))
                elif c == "bron":
                    b = catalogue.indicator(spec.indicator)["bron"] or ""
                    cells.append(Cell(b, b))
                else:
                    v = str(spec.fields.get(c, ""))
                    cells.append(Cell(v, v))
            years = self.years_text(rsel, sorted(metingen))
            cells.append(Cell(years, years))
            rows.append(Row("kpi", cells, len(spec.headings), spec.indicator, dup))
        return header, rows, pd.concat(used) if used else sel.iloc[0:0]

    def _grid(self, t: TableSpec, sel, metingen, wijken, counts, label):
        header = []
        for c in t.columns:
            if c == "wijken":
                header += [self.names.get(w, w) for w in wijken]
            elif c == "meetmoment":
                header += [t.headers.get(c, "Meetmoment"), "Jaar"]
            else:
                header.append(t.headers.get(c, c.capitalize()))
        rows, last, seen, used = [], (), {}, []
        for spec in t.rows:
            rows += self._headings(spec, last, len(header))
            last = spec.headings
            rsel = sel[(sel["indicator"] == spec.indicator) & sel["area_code"].isin(wijken)]
            used.append(rsel)
            kpi, dup = self._kpi_cell(spec, counts, label, seen)
            for n, m in enumerate(metingen):
                msel = rsel[rsel["meting"] == m]
                cells = []
                for c in t.columns:
                    if c == "kpi":
                        cells.append(kpi if n == 0 else Cell(spec.label, spec.label))
                    elif c == "meetmoment":
                        years = self.years_text(msel, [m]).split(": ", 1)[-1]
                        cells += [Cell(m, str(m), "0"), Cell(years, years)]
                    elif c == "wijken":
                        cells += [self.value_cell(msel[msel["area_code"] == w], spec) for w in wijken]
                    else:
                        v = str(spec.fields.get(c, ""))
                        cells.append(Cell(v, v))
                rows.append(Row("kpi", cells, len(spec.headings), spec.indicator, dup, m))
        return header, rows, pd.concat(used) if used else sel.iloc[0:0]

    def _judgement(self, set_id: str, ind: str) -> Cell:
        jj = self.j[(self.j["kpi_set"] == set_id) & (self.j["indicator"] == ind) & (self.j["area_code"] == self.monitor.code)]
        if jj.empty:
            return Cell("", "")
        r = jj.iloc[0]
        computed = r["computed"] if isinstance(r["computed"], str) else ""
        reported = r.get("reported")
        comments = []
        if isinstance(reported, str) and reported and reported != computed:
            over = r.get("reported_metingen")
            comments.append(f"In het rapport van mei 2025: '{reported}'"
                            + (f" (metingen {over})" if isinstance(over, str) and over else "")
                            + f"; nu '{computed or 'geen oordeel'}' over de laatste twee metingen.")
        return Cell(computed, computed, None, comments)


def tables(obs: pd.DataFrame, judgements: pd.DataFrame | None, monitor, layout: Layout) -> list[Table]:
    """Every annex table of `layout`, in its order."""
    b = Builder(obs, judgements, monitor, layout)
    return [b.table(t) for t in layout.tables]


def is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))
