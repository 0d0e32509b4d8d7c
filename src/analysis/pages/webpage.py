"""Executed notebook -> offline HTML page (code hidden, vega charts drawn in the page, downloads).

Light pages (the default in a reports tree) load the vega JS and the stylesheet once per tree
from `reports/_static/` by a relative link, so a copied reports folder works from file://
without internet. `self_contained=True` inlines both (one file, e.g. for e-mail; tables then
download from data: links). Every table with a data bundle (`display.TABLE_MIME`) gets CSV and
Excel files beside the page and links under it; every chart gets PNG/SVG links that save the
drawn chart with a source line. The HTML comes from the jinja2 templates in `templates/`
(autoescaped: text is escaped there, HTML that is already HTML is passed as Markup).
"""
from __future__ import annotations

import base64
import functools
import io
import json
import os
import re
import time
from pathlib import Path

import vl_convert as vlc
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from analysis.core import paths
from analysis.core.atomic import write_bytes_atomic, write_text_atomic
from analysis.core.numbers import format_nl, printed_number

VEGALITE_PREFIX = "application/vnd.vegalite."
TABLE_MIME = "application/vnd.wijkmonitor.table+json"  # = display.TABLE_MIME (display imports pandas)
STATIC_DIR = "_static"
CSS_NAME = "wijkmonitor.css"
JS_NAME = "wijkmonitor.js"
PACKAGE_STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_SOURCE = "Bron: CBS; CBS/Kadaster (PDOK), CC BY 4.0"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CDN_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>')


def bundle_path(cache_dir: Path | None = None) -> Path:
    return Path(cache_dir or paths.PROCESSED_DIR) / f"vega-embed-bundle-vl-convert-{vlc.__version__}.js"


def vega_bundle(cache_dir: Path | None = None) -> Path:
    """vega + vega-lite + vega-embed as one script, from vl-convert, cached per vl-convert version.

    Bundling takes about a second, so it is done once (by `analysis build` or the first run)
    rather than for every page.
    """
    path = bundle_path(cache_dir)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, vlc.javascript_bundle())
    return path


def vega_name() -> str:
    return f"vega-{vlc.__version__}.js"


def ensure_static(reports_root: Path, bundle: Path | None = None) -> dict[str, Path]:
    """`reports_root/_static/`: the vega JS (once per vl-convert version), stylesheet and page script.

    Cheap when up to date (a size/content check), so every run calls it: a deleted or truncated
    file is written again. Safe to call from every worker (atomic writes).
    """
    static = Path(reports_root) / STATIC_DIR
    out = {"vega": static / vega_name(), "css": static / CSS_NAME, "js": static / JS_NAME}
    source = Path(bundle or vega_bundle())
    if not out["vega"].is_file() or out["vega"].stat().st_size != source.stat().st_size:
        write_bytes_atomic(out["vega"], source.read_bytes())
    for key, name in (("css", CSS_NAME), ("js", JS_NAME)):
        want = (PACKAGE_STATIC / name).read_bytes()
        if not out[key].is_file() or out[key].read_bytes() != want:
            write_bytes_atomic(out[key], want)
    return out


@functools.cache
def html_exporter():
    """One exporter per process: building it compiles the Jinja templates (0.1 s)."""
    from nbconvert import HTMLExporter  # 1.5 s (python -X importtime): only where pages are made

    # optimistic_validation: validate the notebook once after the preprocessors, not after each of them
    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, optimistic_validation=True)


@functools.cache
def _embed_options() -> str:
    return json.dumps({"renderer": "svg", "actions": False, "formatLocale": vlc.get_format_locale("nl-NL")})


def page_source(nb) -> str:
    """The page's source line for saved charts: its 'Bronnen: ...' sentence, else the default."""
    for cell in reversed(nb.cells):
        if cell.cell_type == "markdown":
            m = re.search(r"^\s*(Bron(?:nen)?:.*)$", cell.source, re.M)
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return DEFAULT_SOURCE


_SOURCES_ONLY = re.compile(r"\s*Bron(?:nen)?:[^\n]*\s*")
_NUMERIC = re.compile(r"^[-+−]?[\d.]*\d(,\d+)?\s*(%|‰)?$|^-$")


def table_html(payload: dict) -> str:
    """A table bundle as a plain HTML table: one header row, index cells as row headers,
    columns of numbers right-aligned (class wm-num), no pandas styling."""
    n_index = payload.get("index_columns", 0)
    cols, rows = payload["columns"], payload["data"]
    text = [["" if v is None else (format_number(v) if isinstance(v, float) else str(v)) for v in row] for row in rows]
    num = []
    for j in range(len(cols)):
        vals = [r[j].strip() for r in text if r[j].strip() not in ("", "-", "geen gegevens", "n.v.t.")]
        num.append(j >= n_index and bool(vals) and sum(bool(_NUMERIC.match(v)) for v in vals) * 2 >= len(vals))
    heads = [{"name": str(c)[:1].upper() + str(c)[1:], "num": num[j]} for j, c in enumerate(cols)]
    extra = payload.get("classes") or {}  # css classes per row ("_row") and per cell of a column
    rows_cls = extra.get("_row") or []

    def cell(i: int, j: int, v: str) -> dict:
        if j < n_index:
            return {"header": True, "text": v}
        own = extra.get(str(cols[j])) or []
        return _cell(str(cols[j]), v, ["wm-num" if num[j] else "", own[i] if i < len(own) else ""])

    rows = [{"cls": rows_cls[i] if i < len(rows_cls) else "", "cells": [cell(i, j, v) for j, v in enumerate(row)]}
            for i, row in enumerate(text)]
    return str(_macros().table(heads, rows, bool(payload.get("sortable"))))


_JUDGEMENT_CLASSES = {"gunstig": "wm-oordeel-gunstig", "ongunstig": "wm-oordeel-ongunstig", "gelijk": "wm-oordeel-gelijk"}
_SOURCE_REF = re.compile(r"\[(\d+)\]")
_CHANGE = re.compile(r"^([↑↓=]?)\s*(gunstig|ongunstig|gelijk)$")


def _cell(column: str, v: str, classes: list[str]) -> dict:
    """A data cell for templates/macros.html.j2: a judgement in its colour (after the direction
    arrow, which keeps the text colour), a source number as a link to the page's source list. A
    table that colours its own cells (the profile's scorecard) keeps its classes."""
    m = _CHANGE.match(v)
    if m and not [c for c in classes if c and c != "wm-num"]:
        arrow, word = m.groups()
        return {"cls": " ".join(x for x in ["wm-verandering", *classes] if x), "arrow": arrow, "word": word,
                "word_cls": _JUDGEMENT_CLASSES[word]}
    out = {"cls": " ".join(x for x in classes if x), "text": v}
    if column == "Bron" and _SOURCE_REF.search(v):
        pieces = _SOURCE_REF.split(v)  # text, number, text, number, ..., text
        out["parts"] = [(p, None) if k % 2 == 0 else ("", p) for k, p in enumerate(pieces) if p or k % 2]
    return out


def format_number(v: float) -> str:
    return "" if v != v else format_nl(v, 0 if float(v).is_integer() else 2, "")


def _table_files(payload: dict) -> tuple[bytes, bytes]:
    """CSV (UTF-8 with BOM and ';', as Dutch Excel opens it) and .xlsx of one table.

    In the workbook every number is a number with a Dutch number format (its printed decimals and
    unit); only real text stays text."""
    import pandas as pd  # 0.8 s (python -X importtime): the batch workers import this module before their kernel starts

    df = pd.DataFrame(payload["data"], columns=payload["columns"])
    csv = df.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        df.to_excel(xl, index=False, sheet_name="Tabel")
        sheet = xl.sheets["Tabel"]
        for i, col in enumerate(df.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(60, width + 2)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, float):
                    if cell.value.is_integer() and not cell.number_format.startswith("#"):
                        cell.number_format = "#,##0"
                    else:
                        cell.number_format = "#,##0.0##"
                    continue
                parsed = printed_number(cell.value)
                if parsed:
                    cell.value, cell.number_format = parsed
    return csv, buf.getvalue()


@functools.cache
def templates() -> Environment:
    """The page templates (`pages/templates/*.html.j2`), autoescaped."""
    return Environment(loader=PackageLoader("analysis.pages", "templates"),
                       autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    """A template of `pages/templates/` filled in (text escaped; Markup passed as it is)."""
    return templates().get_template(template).render(**context)


def _macros():
    return templates().get_template("macros.html.j2").module


def script_json(value) -> Markup:
    """A value as JSON inside a <script>: '</' escaped so that no string ends the script.

    Markup, for a template's context (the public functions that return HTML return str: Markup
    would escape a str it is added to)."""
    return Markup(json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))


def page_head(rel_static: str | None, self_contained: bool, bundle: Path | None = None, charts: bool = True) -> str:
    """<link>/<script> tags for a page: relative to `_static/`, or inlined when self-contained."""
    context = {"self_contained": self_contained, "charts": charts, "rel_static": rel_static, "css_name": CSS_NAME,
               "js_name": JS_NAME, "vega_name": vega_name()}
    if self_contained:
        scripts = [Path(bundle or vega_bundle()), PACKAGE_STATIC / JS_NAME] if charts else []
        context["css"] = Markup((PACKAGE_STATIC / CSS_NAME).read_text(encoding="utf-8"))
        context["scripts"] = [Markup(src.read_text(encoding="utf-8").replace("</script>", "<\\/script>"))
                              for src in scripts]
    return render("head.html.j2", **context)


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(Path(target).resolve(), Path(start).resolve())).as_posix()


def rel(target: Path, start: Path) -> str:
    """`target` relative to `start`, as a URL path."""
    return _rel(target, start)


def embed_options() -> Markup:
    """The vega-embed options of every page (svg, no actions, Dutch number format), as JSON."""
    return Markup(_embed_options())


def nav_html(rel_root: str | None, gemeente_index: bool = True) -> str:
    """Links to the gemeente's landing page (same folder) and to the root index (`rel_root`)."""
    return render("nav.html.j2", rel_root=rel_root, gemeente_index=gemeente_index)


def to_html(nb_path: Path, title: str, reports_root: Path | None = None, page_dir: Path | None = None,
            self_contained: bool = False, *, name: str | None = None, bundle: Path | None = None,
            source: str | None = None) -> str:
    """The HTML page of an executed notebook; writes its table downloads into `page_dir`.

    `reports_root` is the reports tree holding `_static/` (made by `ensure_static`); `page_dir`
    the page's folder (default: the notebook's); `name` the page's file stem, used for the
    download files (default: the notebook's stem). Without `reports_root` the page is
    self-contained. Returns the HTML; the caller writes it to `page_dir/<name>.html`.
    """
    if reports_root is not None and Path(reports_root).suffix == ".js":  # the former call to_html(nb, title, bundle)
        bundle, reports_root, self_contained = Path(reports_root), None, True
    self_contained = self_contained or reports_root is None
    page_dir = Path(page_dir or Path(nb_path).parent)
    rel_static = None if self_contained else _rel(Path(reports_root) / STATIC_DIR, page_dir)
    rel_root = None if self_contained else _rel(Path(reports_root), page_dir)
    page, files = to_page(nb_path, title, rel_static, self_contained, name=name, bundle=bundle, source=source,
                          rel_root=rel_root)
    for fname, data in files.items():
        write_bytes_atomic(page_dir / fname, data)
    return page


def to_page(nb_path: Path, title: str, rel_static: str | None = "../_static", self_contained: bool = False, *,
            name: str | None = None, bundle: Path | None = None, source: str | None = None,
            rel_root: str | None = "..") -> tuple[str, dict[str, bytes]]:
    """(HTML, download files by file name) of an executed notebook; writes nothing.

    For workers that return bytes: the caller writes the files beside `<name>.html`.
    `rel_static`/`rel_root`: the `_static/` folder and the reports root relative to the page
    (a page in `reports/<GM>/`: "../_static" and ".."). `name` is the page's file stem.
    """
    import nbformat  # 0.3 s (python -X importtime): only where pages are made

    self_contained = self_contained or rel_static is None
    nb_path = Path(nb_path)
    name = name or re.sub(r"^\.|\.running$", "", nb_path.stem)
    files: dict[str, bytes] = {}
    nb = nbformat.read(nb_path, as_version=4)
    source = source or page_source(nb)
    source_line = f"{source.rstrip('.')} · {title} · wijkmonitor {time.strftime('%d-%m-%Y')}"
    n_chart = n_table = 0
    # A markdown cell that is only the sources line goes to the footer, not also into the body.
    nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and _SOURCES_ONLY.fullmatch(c.source))]
    for cell in nb.cells:
        keep = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                continue  # warnings are for the analyst's log, not for readers
            if o.get("output_type") == "error":
                continue
            data = o.get("data", {})
            mime = next((k for k in data if k.startswith(VEGALITE_PREFIX)), None)
            if mime is not None:
                n_chart += 1
                div = f"vis{n_chart}"
                stem = f"{name}_grafiek{n_chart}"
                save = [("PNG", "#", f"{stem}.png", f"return wijkmonitor.save('{div}','png','{stem}.png',WM_SOURCE)"),
                        ("SVG", "#", f"{stem}.svg", f"return wijkmonitor.save('{div}','svg','{stem}.svg',WM_SOURCE)")]
                o["data"] = {"text/html": str(_macros().chart(div, script_json(data[mime]))
                                              + _macros().downloads("Grafiek opslaan", save))}
                o["metadata"] = {}
            elif TABLE_MIME in data and "text/html" in data:
                n_table += 1
                stem = f"{name}_tabel{n_table}"
                payload = data[TABLE_MIME]
                csv, xlsx = _table_files(payload.get("download", payload))
                if self_contained:
                    links = [("CSV", "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv).decode(), f"{stem}.csv", None),
                             ("Excel", f"data:{XLSX_MIME};base64," + base64.b64encode(xlsx).decode(), f"{stem}.xlsx", None)]
                else:
                    files[f"{stem}.csv"], files[f"{stem}.xlsx"] = csv, xlsx
                    links = [("CSV", f"{stem}.csv", f"{stem}.csv", None), ("Excel", f"{stem}.xlsx", f"{stem}.xlsx", None)]
                o["data"] = {"text/html": str(Markup(table_html(payload)) + _macros().downloads("Tabel downloaden", links))}
            keep.append(o)
        if cell.cell_type == "code":
            cell.outputs = keep
    nb.metadata["title"] = title
    body, _ = html_exporter().from_notebook_node(nb)
    body = _CDN_SCRIPT.sub("", body)
    page = render("notebook.html.j2", title=title,
                  head=Markup(page_head(rel_static, self_contained, bundle, charts=n_chart > 0)),
                  charts=n_chart > 0, embed_options=embed_options(), source_line=script_json(source_line),
                  nav=Markup("" if self_contained else nav_html(rel_root)), body=Markup(body), source=source.rstrip("."),
                  stamp=time.strftime("%d-%m-%Y %H:%M"), n_table=n_table, n_chart=n_chart)
    return page, files
