"""Notebook display setup: chart renderer with a static SVG, tables with a data bundle for downloads.

Notebooks call `display.setup()` (instead of `maps.setup()`). Then
- every altair chart is output as vega-lite JSON (JupyterLab and our HTML pages draw it) plus an
  `image/svg+xml` rendering by vl-convert, so that plain `jupyter nbconvert --to html` shows the
  chart instead of "<VegaLite 5 object>" (about 20-300 ms a chart; `WIJKMONITOR_CHART_SVG=0`
  switches it off, e.g. for a national batch);
- every DataFrame (and pandas Styler) is output with, beside its HTML, its data as
  `application/vnd.wijkmonitor.table+json` (pandas orient "split"), from which
  `webpage.to_html` writes the CSV and Excel downloads. A frame can carry other data for the
  download (e.g. unformatted numbers) in `df.attrs["download"]`.
"""
from __future__ import annotations

import json
import os

import altair as alt
import pandas as pd
import vl_convert as vlc
from altair.utils import schemapi
from IPython import get_ipython
from pandas.io.formats.style import Styler

from analysis.charts import maps
from analysis.charts.maps import FORMAT_LOCALE
from analysis.core.catalogue import catalogue
from analysis.pages import notebook_errors

TABLE_MIME = "application/vnd.wijkmonitor.table+json"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
RENDERER = "wijkmonitor"
SVG_ENV = "WIJKMONITOR_CHART_SVG"
# "0": charts are not checked against the Vega-Lite schema while built and displayed. The batch
# run's kernels set it: the same chart code is checked by the tests and the interactive
# notebooks, and checking the data values of every map again costs 0.1-0.3 s a page.
VALIDATE_ENV = "WIJKMONITOR_CHART_VALIDATE"



def _report_only() -> frozenset[str]:
    cat = catalogue()
    flagged = cat.index[cat["report_only"].fillna(False).astype(bool)] if "report_only" in cat else []
    return frozenset(flagged) | {"unnamed_kpi_2a_row12"}


# Indicators that exist only to reproduce the report (catalogue `report_only`, e.g. the row without
# a KPI name, all '-'): kept in the reproduction tables, left out of tables meant for readers.
REPORT_ONLY_INDICATORS = _report_only()


def reader_rows(df: pd.DataFrame, column: str | None = None) -> pd.DataFrame:
    """`df` without report-only indicators, matched on an `indicator` column, the index, or `column`.

    The index or column may hold indicator ids or their catalogue labels.
    """
    labels = catalogue()["label"]
    drop = set(REPORT_ONLY_INDICATORS) | {labels[i] for i in REPORT_ONLY_INDICATORS if i in labels.index}
    if column is None and "indicator" in df.columns:
        column = "indicator"
    keys = df[column] if column is not None else pd.Series(df.index, index=df.index)
    return df[~keys.isin(drop).to_numpy()]


def chart_svg_enabled() -> bool:
    return os.environ.get(SVG_ENV, "1").strip().lower() not in ("0", "false", "no", "")


def chart_validation_enabled() -> bool:
    return os.environ.get(VALIDATE_ENV, "1").strip().lower() not in ("0", "false", "no", "")


def _unchecked_chart_bundle(chart, include=None, exclude=None):
    """A chart's display bundle as altair's own `_repr_mimebundle_`, without schema validation."""
    return alt.renderers.get()(chart.to_dict(validate=False, context={"pre_transform": False}))


def _keep_altair_class_table() -> None:
    """Build altair's schema -> class table once per process instead of once per `from_dict`.

    altair 5.5 hashes the schema of its ~570 classes on every `from_dict`, i.e. for every
    shorthand string or condition passed to `.encode()` (about 8 ms each; a wijk profile makes
    some 30). Upstream moves this to once per process (vega/altair#3547). Only for the batch's
    kernels, where no new chart classes appear between notebooks; a changed altair without
    `_FromDict` is left alone.
    """
    cls = getattr(schemapi, "_FromDict", None)
    if cls is None or getattr(cls, "_wijkmonitor_tables", None) is not None:
        return
    tables: dict[tuple, dict] = {}
    build = cls.__init__

    def __init__(self, wrapper_classes, /):
        key = tuple(wrapper_classes)
        if key not in tables:
            build(self, key)
            tables[key] = self.class_dict
        self.class_dict = tables[key]

    cls.__init__ = __init__
    cls._wijkmonitor_tables = tables


def _renderer(spec: dict, **metadata):
    """vega-lite JSON (interactive) + SVG (static fallback for viewers without vega)."""
    bundle = {VEGALITE_MIME: spec, "text/plain": "<grafiek>"}
    if chart_svg_enabled():
        try:
            bundle["image/svg+xml"] = vlc.vegalite_to_svg(spec, format_locale=FORMAT_LOCALE)
        except Exception:  # the interactive chart still works; the fallback is best effort
            pass
    return bundle, ({VEGALITE_MIME: metadata} if metadata else {})


def _split(data: pd.DataFrame) -> dict:
    if isinstance(data.columns, pd.MultiIndex):
        data = data.copy()
        data.columns = [" ".join(str(p) for p in c if str(p)) for c in data.columns]
    n_index = 0
    if not isinstance(data.index, pd.RangeIndex) or any(n is not None for n in data.index.names):
        n_index = data.index.nlevels
        data = data.reset_index()
    out = json.loads(data.to_json(orient="split", index=False, date_format="iso", force_ascii=False))
    out["index_columns"] = n_index
    return out


def table_payload(df: pd.DataFrame) -> dict:
    """A displayed table as a JSON-able dict: pandas orient "split" with the index as first column(s)
    (`index_columns` of them), plus `download` when `df.attrs["download"]` holds other data for the files.
    """
    out = _split(df)
    extra = df.attrs.get("download")
    if isinstance(extra, pd.DataFrame):
        out["download"] = _split(extra)
    if df.attrs.get("sortable"):  # the page lets a reader sort it by a click on a column head
        out["sortable"] = True
    classes = df.attrs.get("classes")  # {"_row": [css class per row], column: [css class per cell]}
    if isinstance(classes, dict):
        out["classes"] = {str(k): [str(c or "") for c in v] for k, v in classes.items()}
    return out


def _table_bundle(obj, include=None, exclude=None):
    df = obj.data if hasattr(obj, "data") and isinstance(getattr(obj, "data"), pd.DataFrame) else obj
    try:
        return {TABLE_MIME: table_payload(df)}
    except Exception:  # a download is a bonus; never break the table itself
        return {}


def setup(ip=None) -> None:
    """What maps.setup does, plus the chart renderer with SVG, the table data bundle, and the suite's
    errors as one Dutch line (analysis.pages.notebook_errors)."""
    maps.setup()
    alt.renderers.register(RENDERER, _renderer)
    alt.renderers.enable(RENDERER)
    alt.renderers.set_embed_options(formatLocale=maps.FORMAT_LOCALE, actions=False)
    if ip is None:
        ip = get_ipython()
    if ip is None:  # plain Python: nothing to register
        return
    notebook_errors.install(ip)  # the suite's errors as one Dutch line in the cell output
    fmt = ip.display_formatter.mimebundle_formatter
    fmt.for_type(pd.DataFrame, _table_bundle)

    fmt.for_type(Styler, _table_bundle)
    if not chart_validation_enabled():
        alt.utils.schemapi.disable_debug_mode()
        _keep_altair_class_table()
        fmt.for_type(alt.TopLevelMixin, _unchecked_chart_bundle)
