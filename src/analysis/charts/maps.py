"""Altair charts: wijk maps against a reference, ranked bars, small multiples, explorer, trends.

Geometry goes to vega in WGS84 with clockwise rings (see sources.pdok), simplified so that a
chart stays well under ~300 KB. Numbers follow Dutch notation (decimal comma) both in
pre-formatted tooltip strings and through the nl-NL d3 format locale. Names of gemeenten and
wijken come from the data; labels are placed without overlap by `analysis.charts.labels`.
Colours mean one thing in every chart: green = gunstiger, pink = ongunstiger (than the
reference); areas themselves (this wijk, the gemeente, Nederland) get neutral hues.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc
from shapely.geometry import mapping

from analysis.build import coverage
from analysis.charts import labels as lab
from analysis.charts import theme  # noqa: F401  registers and enables the altair theme
from analysis.core import catalogue
from analysis.core.areas import NL_CODE
from analysis.core.atomic import write_atomic
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import NoDataError
from analysis.core.numbers import format_nl
from analysis.core.settings import BOUNDARY_YEAR
from analysis.rules import compare as cmp
from analysis.rules import period
from analysis.rules.region import region_rows
from analysis.sources import pdok

NO_DATA_COLOUR = "#d0d0d0"
SCHEME = "pinkyellowgreen"  # ColorBrewer PiYG: diverging, colour-blind safe; green = favourable
NEUTRAL_SCHEME = "purpleorange"  # indicators without a desired direction: no green/pink meaning
GUNSTIG, ONGUNSTIG, GELIJK = "#4d9221", "#c51b7d", "#bdbdbd"
WIJK_COLOUR, GEMEENTE_COLOUR, NL_COLOUR = "#08306b", "#969696", "#000000"
REGION_PALETTE = ["#2171b5", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f", "#bcbd22", "#e377c2"]
FORMAT_LOCALE = vlc.get_format_locale("nl-NL")
NATIONAL_SERIES = "cbs_83841NED"  # yearly national series (v4 StatLine)
BIG_GEMEENTE, TOP_N = 25, 10  # more wijken than this: charts show the top and bottom ten
REGION_DATASET = "kwb_gemeenten"  # gemeente attributes per year


def setup() -> None:
    """Notebook defaults: Dutch number format in rendered charts, no row limit on small data."""
    alt.data_transformers.disable_max_rows()
    alt.renderers.enable("mimetype")  # JupyterLab renders vega-lite itself, offline
    alt.renderers.set_embed_options(formatLocale=FORMAT_LOCALE, actions=False)


# --- data helpers --------------------------------------------------------------------------

def _unit(e: dict) -> str:
    """' (%)' after a label, unless the label already names its unit ('… (per 100 geboortes)')."""
    named = [u for u in (e["unit"], e.get("value_unit")) if u]  # '‰' is named as 'per 1.000 geboortes'
    return f" ({e['unit']})" if e["unit"] and e["unit"] != "aantal" and not any(u in e["label"] for u in named) else ""


def _ok(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return obs[(obs["indicator"] == indicator) & (obs["status"] == "ok")]


def source_line(rows: pd.DataFrame, extra: str | None = None) -> str:
    """'Bron: …' naming each source of `rows` once (report names without their row numbers)."""
    out = []
    for ds, src in rows[["dataset", "source"]].drop_duplicates().itertuples(index=False):
        ds = str(ds)
        if ds.startswith("kwb_") and ds[4:].isdigit():
            s = f"CBS Kerncijfers wijken en buurten {ds[4:]}"
        elif ds == REGION_DATASET:
            s = "CBS/PDOK wijk- en buurtkaart, gemeenten"
        elif ds.startswith("cbs_"):
            s = f"CBS StatLine {ds[4:]}"
        else:
            s = str(src).split(", Bijlage")[0].split(", rij")[0].split(" (")[0] if pd.notna(src) else ds
        if s not in out:
            out.append(s)
    if extra:
        out.append(extra)
    return "Bron: " + "; ".join(out) if out else "Bron: CBS; PDOK"


def _with_source(chart, text: str):
    chart.description = text
    return chart


# --- geometry ------------------------------------------------------------------------------

def wijk_shapes(gemeentecode: str, year: int = BOUNDARY_YEAR, tolerance: float = 0.0002):
    """Simplified wijk polygons; read once per process (a kept kernel draws many maps)."""
    return _wijk_shapes(gemeentecode, year, tolerance).copy()


@functools.lru_cache(maxsize=16)
def _wijk_shapes(gemeentecode: str, year: int, tolerance: float):
    return pdok.simplify_for_web(coverage.boundaries("wijk", year, gemeentecode), tolerance)


def _geo_values(g, fields: list[str]) -> alt.InlineData:
    """The polygons as GeoJSON features in one JSON text that vega-lite parses (format json).

    As a text, altair neither walks nor copies every coordinate while it builds and layers the
    chart (0.1-0.3 s a map as Python lists, most of a wijk profile's time in a batch run).
    """
    props = g[fields].to_dict("records")
    feats = [{"type": "Feature", "geometry": mapping(geom), "properties": {f: _jsonable(p[f]) for f in fields}}
             for geom, p in zip(g.geometry, props)]
    text = json.dumps(feats, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return alt.InlineData(values=text, format=alt.DataFormat(type="json"))


def _cond(value_cls, test, yes, no, empty: bool | None = None):
    """`alt.condition(test, alt.value(yes), alt.value(no))` built as the channel's own value class.

    The same Vega-Lite; altair otherwise finds that class by trying the schema's alternatives
    against the plain dict (about 10 ms per condition, a third of a wijk profile's locator map).
    """
    cond = {"param": test.name, "value": yes} if isinstance(test, alt.Parameter) else {"test": test, "value": yes}
    if empty is not None:
        cond["empty"] = empty
    return value_cls(no, condition=cond)


def _records(df: pd.DataFrame) -> alt.InlineData:
    """A small frame as one JSON text of records (vega-lite parses it, format json).

    Cheaper than a DataFrame for altair to take through its data transformer and to copy into
    every layer; for frames whose fields the chart encodes with explicit types.
    """
    text = df.to_json(orient="records", force_ascii=False, double_precision=10)
    return alt.InlineData(values=text, format=alt.DataFormat(type="json"))


def _jsonable(v):
    if isinstance(v, float) and pd.isna(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return None if v is pd.NA else v


def label_layers(shapes, width: int, height: int, code_col: str = "wijkcode", name_col: str = "wijknaam",
                 font_size: float = 10, highlight: str | None = None,
                 links: dict | None = None, numbers: bool = True) -> tuple[list, list[str], pd.DataFrame]:
    """Text layers (white halo below, text above) of labels placed without overlap, and the key lines.

    `links`: code -> page; a click on a label opens it (as a click on the area does). `numbers`
    False: names only, no numbered areas and no key (the tooltip names every area)."""
    placed = lab.place(shapes, width, height, code_col, name_col, font_size=font_size, first=highlight,
                       avoid=[highlight] if highlight else [])
    if not numbers:
        placed = placed.assign(soort=placed["soort"].replace("nummer", "geen"))
    df = placed[placed["soort"] != "geen"][[code_col, name_col, "tekst", "soort", "lon", "lat", "font_size"]].copy()
    df["gekozen"] = df[code_col] == highlight
    if links is not None:
        df["href"] = [links.get(c) for c in df[code_col]]
    data = _records(df)
    enc = dict(longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"), text=alt.Text("tekst:N"),
               size=alt.Size("font_size:Q", scale=None),
               tooltip=alt.Tooltip(f"{name_col}:N", title="Naam"))
    if links is not None:
        enc["href"] = alt.Href("href:N")
    halo = alt.Chart(data).mark_text(fontWeight="bold", stroke="white", strokeWidth=3, strokeJoin="round",
                                   align="center", baseline="middle").encode(
        **enc, stroke=_cond(alt.StrokeValue, "datum.gekozen", WIJK_COLOUR, "white"))
    text = alt.Chart(data).mark_text(fontWeight="bold", align="center", baseline="middle").encode(
        **enc, color=_cond(alt.ColorValue, "datum.gekozen", "white", "#222"))
    return [halo, text], lab.key_lines(placed, name_col), placed


def _key_chart(lines: list[str], width: int, font_size: float = 10) -> alt.Chart | None:
    """The key of numbered labels as columns of text below the map (no overlap: fixed cells)."""
    if not lines:
        return None
    col_w = max(lab.text_width(t, font_size, bold=False) for t in lines) + 14
    ncol = max(1, int(width // col_w))
    nrow = -(-len(lines) // ncol)
    step = lab.LINE_HEIGHT * font_size + 2
    df = pd.DataFrame({"tekst": lines, "x": [(i // nrow) * col_w for i in range(len(lines))],
                       "y": [(i % nrow) * step + step / 2 for i in range(len(lines))]})
    return alt.Chart(_records(df)).mark_text(align="left", baseline="middle", fontSize=font_size, color="#222").encode(
        x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("y:Q", scale=None, axis=None), text=alt.Text("tekst:N"),
    ).properties(width=width, height=int(nrow * step), view=alt.ViewBackground(stroke=None),
                 title=alt.Title("Wijken met een nummer", fontSize=10, fontWeight="normal"))


def _with_key(layer, key: alt.Chart | None):
    return layer if key is None else alt.vconcat(layer, key, spacing=4)


# --- the map -------------------------------------------------------------------------------

MAP_SIZE = (440, 400)  # the wijk map's drawing area: the same size gives the same names and numbers


def map_numbers(shapes, width: int = MAP_SIZE[0], height: int = MAP_SIZE[1]) -> dict[str, int]:
    """wijkcode -> the number the wijk map (`choropleth` at this size) shows for a wijk without room
    for its name; wijken named on the map are not in it. Lets a table use the map's numbering."""
    placed = lab.place(shapes, width, height, "wijkcode", "wijknaam", font_size=10)
    k = placed[placed["soort"] == "nummer"]
    return {c: int(n) for c, n in zip(k["wijkcode"], k["nummer"])}


def map_frame(obs: pd.DataFrame, indicator: str, gemeentecode: str, meting=None, year=None,
              boundary_year: int = BOUNDARY_YEAR, shapes=None, reference: str = NL_CODE):
    """Wijk polygons joined with the comparison against the reference, with Dutch tooltip texts."""
    c, ref = cmp.wijken(obs, indicator, gemeentecode, meting, year, reference)
    shapes = wijk_shapes(gemeentecode, boundary_year) if shapes is None else shapes
    g = shapes.merge(c, left_on="wijkcode", right_on="area_code", how="left")
    g["value"] = g["value"].astype(float)
    g["waarde"] = [fmt(indicator, v) for v in g["value"]]
    g["landelijk"] = fmt(indicator, ref["value"])
    e = catalogue_entry(indicator)
    pp = "procentpunt" if e["unit"] == "%" else e["unit"]
    g["verschil"] = [("+" if d > 0 else "") + format_nl(d, e["decimals"], pp) if pd.notna(d) else "geen gegevens"
                     for d in g["difference"]]
    g["toelichting"] = [cmp.STATUS_LABELS.get(s, "geen waarneming") if pd.isna(v)
                        else f"{cmp.CLASS_LABELS.get(k, 'niet te vergelijken met')} {ref['short']}"
                        for v, s, k in zip(g["value"], g["status"].fillna("no_data"), g["klasse"])]
    g["has_value"] = g["value"].notna()
    g.attrs["reference"] = ref
    return g


def _colour_scale(indicator: str, mid: float, values) -> alt.Scale:
    """Diverging scale centred on `mid` over the values' own range (each end in full colour)."""
    sign = cmp.direction_sign(indicator)
    lo, hi = _value_range(mid, values)
    return alt.Scale(scheme=SCHEME if sign else NEUTRAL_SCHEME, domain=[lo, hi], domainMid=mid, reverse=sign < 0)


def _value_range(mid: float, values) -> tuple[float, float]:
    v = [float(x) for x in values if pd.notna(x)] + [float(mid)]
    lo, hi = min(v), max(v)
    if hi - lo < 1e-9:
        pad = max(abs(mid) * 0.05, 1e-6)
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _legend_format(indicator: str) -> str:
    return f",.{int(catalogue_entry(indicator)['decimals'])}f"


def _label_expr(indicator: str) -> str | None:
    """Legend and axis labels with the unit on them ('25,0%'), for units written after a number."""
    unit = catalogue_entry(indicator)["unit"]
    return f"datum.label + '{unit}'" if unit in ("%", "‰") else None


def legend_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Three to `most` round values within [lo, hi] for a colour legend (vega may otherwise show two)."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return [lo]
    e = int(np.floor(np.log10(hi - lo)))
    steps = sorted((m * 10.0 ** k for k in range(e - 2, e + 1) for m in (1, 2, 2.5, 5)), reverse=True)
    for step in steps:
        ticks = [float(t) for t in np.arange(np.ceil(lo / step - 1e-9) * step, hi + step * 1e-9, step)]
        if 3 <= len(ticks) <= most:
            return [round(t, 10) + 0.0 for t in ticks]
    return [round(t, 10) for t in (lo, (lo + hi) / 2, hi)]


def choropleth(obs: pd.DataFrame, indicator: str, gemeentecode: str, meting: int | None = None,
               year: int | None = None, *, reference: str = NL_CODE, boundary_year: int = BOUNDARY_YEAR,
               width: int = MAP_SIZE[0], height: int = MAP_SIZE[1], labels: bool = True, title=None, shapes=None,
               legend: bool = True, compact: bool = False, links: dict | None = None):
    """Wijk map of one indicator coloured by its value on a scale centred on the reference's value.

    Defaults: the latest meting (else latest year); reference Nederland, or its latest value, or
    the gemeente's (the legend says which). Wijk names are placed without overlap; small wijken
    get a number and a key below the map. `compact`: small-multiple form (legend below).
    `links`: wijkcode -> page (e.g. the wijk profile); a click on the wijk opens it.
    """
    e = catalogue_entry(indicator)
    g = map_frame(obs, indicator, gemeentecode, meting, year, boundary_year, shapes, reference)
    ref = g.attrs["reference"]
    fields = ["wijkcode", "wijknaam", "value", "waarde", "landelijk", "verschil", "toelichting", "has_value"]
    if links is not None:
        g["href"] = [links.get(c) for c in g["wijkcode"]]
        g["klik"] = ["klik voor het wijkprofiel" if h else "nog geen wijkprofiel" for h in g["href"]]
        fields += ["href", "klik"]
    data = _geo_values(g, fields)
    tooltip = [alt.Tooltip("properties.wijknaam:N", title="Wijk"), alt.Tooltip("properties.waarde:N", title="Waarde"),
               alt.Tooltip("properties.landelijk:N", title=ref["short"]),
               alt.Tooltip("properties.verschil:N", title="Verschil"),
               alt.Tooltip("properties.toelichting:N", title="Toelichting")]
    click = {}
    if links is not None:
        tooltip.append(alt.Tooltip("properties.klik:N", title=" "))
        click = {"href": alt.Href("properties.href:N")}
    base = alt.Chart(data).project(type="mercator")
    missing = base.mark_geoshape(stroke="white", strokeWidth=1, strokeDash=[3, 2]).encode(
        color=alt.Color("nodata:N", scale=alt.Scale(domain=["geen gegevens"], range=[NO_DATA_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom") if legend and not compact else None),
        tooltip=tooltip, **click,
    ).transform_filter("!datum.properties.has_value").transform_calculate(nodata="'geen gegevens'")
    if compact:
        title_lines = lab.wrap(ref["tekst"], width - 10, 9)
        lo, hi = _value_range(ref["value"], g["value"])
        leg = alt.Legend(title=title_lines, orient="bottom", direction="horizontal", gradientLength=width - 40,
                         format=",.4~f", titleFontSize=9, titleFontWeight="normal",
                         labelFontSize=9, titleLimit=width, labelOverlap=False, values=legend_ticks(lo, hi),
                         **({"labelExpr": _label_expr(indicator)} if _label_expr(indicator) else {}))
    else:
        leg = alt.Legend(title=lab.wrap(e["label"] + _unit(e), 220, 11, bold=True) + lab.wrap(ref["tekst"], 220, 11),
                         orient="right", format=_legend_format(indicator), titleLimit=260, titleFontSize=11,
                         **({"labelExpr": _label_expr(indicator)} if _label_expr(indicator) else {}))
    coloured = base.mark_geoshape(stroke="white", strokeWidth=1).encode(
        color=alt.Color("properties.value:Q", scale=_colour_scale(indicator, ref["value"], g["value"]),
                        legend=leg if legend else None),
        tooltip=tooltip, **click,
    ).transform_filter("datum.properties.has_value")
    layers, key, unnamed = [missing, coloured], None, False
    if labels:
        text_layers, key_lines, placed = label_layers(g, width, height, links=links)
        layers += text_layers
        key = _key_chart(key_lines, width)
        unnamed = bool((placed["soort"] == "geen").any())
    sign = cmp.direction_sign(indicator)
    meaning = (f"groen = gunstiger, roze = ongunstiger dan {ref['short']}" if sign
               else f"kleur: lager of hoger dan {ref['short']} (geen gewenste richting)")
    if title is None:
        title = [e["label"] + _unit(e), f"{ref['period']}; {meaning}"]
        if unnamed:
            title.append("niet elke wijk heeft plaats voor een naam: wijs een wijk aan voor naam en cijfer")
    title = title if isinstance(title, list) else [title]
    tw = width + (0 if compact else 180)
    head = lab.wrap(title[0], tw, 13 if not compact else 10, bold=True)
    sub = [line for t in title[1:] for line in lab.wrap(t, tw, 11 if not compact else 9)]
    layer = alt.layer(*layers).resolve_scale(color="independent").properties(
        width=width, height=height, title=alt.Title(head, **({"subtitle": sub} if sub else {}),
                                                    **({"fontSize": 10, "subtitleFontSize": 9} if compact else {})))
    rows = period.rows_at(obs, indicator, ref["meting"], ref["year"])
    return _with_source(_with_key(layer, key), source_line(rows, f"wijkgrenzen CBS/PDOK {boundary_year}"))


def ranked_bars(obs: pd.DataFrame, indicator: str, gemeentecode: str, meting: int | None = None,
                year: int | None = None, *, reference: str = NL_CODE, width: int = 360) -> alt.LayerChart:
    """Wijken in value order, most favourable first and missing last; rules at the reference and gemeente."""
    e = catalogue_entry(indicator)
    c, ref = cmp.wijken(obs, indicator, gemeentecode, meting, year, reference)
    sign = cmp.direction_sign(indicator)
    key = c["value"] * (-1 if sign < 0 else 1)  # no direction: highest first
    c = c.assign(_k=key).sort_values(["_k", "area_name"], ascending=[False, True], na_position="last", kind="stable")
    c["waarde"] = [fmt(indicator, v) if pd.notna(v) else "geen gegevens" for v in c["value"]]
    c["vergelijking"] = [f"{cmp.CLASS_LABELS.get(k, 'niet te vergelijken met')} {ref['short']}"
                         if isinstance(k, str) else "geen gegevens" for k in c["klasse"]]
    c["oordeel"] = ["gunstiger" if b is True else "ongunstiger" if b is False else
                    ("ongeveer gelijk" if k == "about_equal" else ("geen gegevens" if pd.isna(v) else "geen richting"))
                    for b, k, v in zip(c["better"], c["klasse"], c["value"])]
    c["plot_value"] = c["value"].fillna(0.0)  # bars for missing values have zero length and a label
    n_all, n_missing = len(c), int(c["value"].isna().sum())
    big = n_all > BIG_GEMEENTE
    if big:  # the ten most and ten least favourable; every wijk is in the table beside the chart
        valued = c[c["value"].notna()]
        c = pd.concat([valued.head(TOP_N), valued.tail(TOP_N)]).drop_duplicates("area_code")
    order = list(c["area_name"])
    df = c[["area_name", "value", "plot_value", "waarde", "vergelijking", "oordeel"]]
    cats = dict(zip(["gunstiger", "ongeveer gelijk", "ongunstiger", "geen richting", "geen gegevens"],
                    [GUNSTIG, GELIJK, ONGUNSTIG, "#6baed6", "#ffffff"]))
    used = [k for k in cats if k in set(c["oordeel"])]
    colours = alt.Scale(domain=used, range=[cats[k] for k in used])
    top = float(np.nanmax([df["plot_value"].max(), ref["value"]]))
    room = {"domainMax": top * 1.15} if top > 0 else {}  # the value labels right of the longest bar fit
    bars = alt.Chart(df).mark_bar(stroke="#888", strokeWidth=0.5).encode(
        y=alt.Y("area_name:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("plot_value:Q", title=e["label"] + _unit(e), scale=alt.Scale(**room), axis=alt.Axis(
            format=_legend_format(indicator), titleLimit=width,
            **({"labelExpr": _label_expr(indicator)} if _label_expr(indicator) else {}))),
        color=alt.Color("oordeel:N", scale=colours, title=f"t.o.v. {ref['short']}"),
        tooltip=[alt.Tooltip("area_name:N", title="Wijk"), alt.Tooltip("waarde:N", title="Waarde"),
                 alt.Tooltip("vergelijking:N", title="Vergelijking")],
    )
    # value labels on a white halo drawn over the reference lines: a line never strikes a label through
    halo = bars.mark_text(align="left", dx=3, fontSize=10, stroke="white", strokeWidth=3, strokeJoin="round").encode(
        text="waarde:N", color=alt.value("white"))
    text = bars.mark_text(align="left", dx=3, fontSize=10, color="#333").encode(text="waarde:N", color=alt.value("#333"))
    refs = [{"naam": ref["short"], "waarde": ref["value"]}]
    gname = period.area_name(obs, gemeentecode)
    if ref["kind"] != "gemeente" and gemeentecode != reference:
        gm = period.rows_at(obs, indicator, ref["meting"], ref["year"])
        gm = gm[(gm["area_code"] == gemeentecode) & (gm["status"] == "ok")]["value"]
        if len(gm):
            refs.append({"naam": gname, "waarde": float(gm.iloc[0])})
    refs = pd.DataFrame(refs)
    refs["tekst"] = [f"{n} {fmt(indicator, v)}" for n, v in zip(refs["naam"], refs["waarde"])]
    rule = alt.Chart(refs).mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="waarde:Q", color=alt.Color("naam:N", scale=alt.Scale(domain=list(refs["naam"]),
                                                                range=[NL_COLOUR, "#2166ac"][:len(refs)]),
                                      title="Stippellijn"),
        tooltip=[alt.Tooltip("tekst:N", title="Vergelijking")])
    first = "gunstigste bovenaan" if sign else "hoogste bovenaan"
    lines = " en ".join(f"{n} ({'zwart' if i == 0 else 'blauw'})" for i, n in enumerate(refs["naam"]))
    sub = f"{first}; stippellijn: {lines}"
    if big:
        ends = ("gunstigste", "ongunstigste") if sign else ("hoogste", "laagste")
        sub += (f"; de {TOP_N} {ends[0]} en de {TOP_N} {ends[1]} van {n_all} wijken"
                + (f" ({n_missing} zonder cijfer)" if n_missing else "") + ", alle wijken in de tabel")
    chart = alt.layer(bars, rule, halo, text).resolve_scale(color="independent").properties(
        width=width, title=alt.Title(lab.wrap(f"Wijken gerangschikt, {ref['period']}", width + 120, 13, bold=True),
                                     subtitle=lab.wrap(sub, width + 120, 11)))
    return _with_source(chart, source_line(period.rows_at(obs, indicator, ref["meting"], ref["year"])))


def _note_chart(text: str, width: int, height: int, title_lines: list[str], font_size: float = 10) -> alt.Chart:
    lines = lab.wrap(text, width - 10, font_size, bold=False)
    return alt.Chart(pd.DataFrame({"t": ["\n".join(lines)]})).mark_text(
        fontSize=font_size, color="#555", lineBreak="\n", align="center", baseline="middle").encode(
        text="t:N").properties(width=width, height=height, view=alt.ViewBackground(stroke="#ddd"),
                               title=alt.Title(title_lines, fontSize=10))


def small_multiples(obs: pd.DataFrame, indicators: list[str], gemeentecode: str, meting: int | None = None,
                    *, reference: str = NL_CODE, columns: int = 4, width: int = 170,
                    height: int = 150) -> alt.ConcatChart:
    """One small map per indicator, each with its own legend (each has its own scale and unit).

    `meting` None: per indicator its latest meting with wijk values (period.latest_meting), so an
    indicator measured per wijk only in the 0-meting is drawn too; a given meting is drawn where
    the indicator has wijk values in it, else its latest such meting (the map's title says which).
    """
    shapes = wijk_shapes(gemeentecode, tolerance=0.0008)
    charts, shown = [], []
    for ind in indicators:
        e = catalogue_entry(ind)
        have = period.metingen(obs, ind, period.default_series(obs, ind), level="wijk", measured=True)
        m = meting if meting in have else (have[-1] if have else None)
        when = period.meting_label(obs, ind, m) if m is not None else None
        head = lab.wrap(e["label"] + _unit(e), width, 10, bold=True)
        try:
            if m is None:
                raise NoDataError(f"{e['label']}: geen enkele meting met wijkcijfers")
            ch = choropleth(obs, ind, gemeentecode, meting=m, reference=reference, shapes=shapes, width=width,
                            height=height, labels=False, title=[e["label"] + _unit(e), when], compact=True)
            shown.append((ind, m))
        except NoDataError as exc:
            ch = _note_chart(str(exc).split(": ", 1)[-1], width, height, head)
        charts.append(ch)
    ref_name = period.area_name(obs, reference)
    chart = alt.concat(*charts, columns=columns, spacing=18).properties(
        title=alt.Title("Alle KPI's per wijk, per KPI de laatste meting met wijkcijfers",
                        subtitle=[f"groen = gunstiger, roze = ongunstiger dan {ref_name}; grijs = geen gegevens",
                                  "elke kaart heeft een eigen schaal (zie de legenda eronder) en noemt haar meting"]))
    keys = pd.MultiIndex.from_tuples(shown, names=["indicator", "meting"]) if shown else None
    rows = (obs[pd.MultiIndex.from_frame(obs[["indicator", "meting"]].astype({"meting": "float"})).isin(
        keys.set_levels(keys.levels[1].astype(float), level=1))] if shown else obs.iloc[:0])
    return _with_source(chart, source_line(rows, f"wijkgrenzen CBS/PDOK {BOUNDARY_YEAR}"))


def _explorer_rows(obs: pd.DataFrame, indicators: list[str], gemeentecode: str, metingen, reference: str,
                   shapes) -> tuple[pd.DataFrame, list[dict], dict]:
    """The explorer's data: a row per indicator|meting and wijk, a note per key, the colour range per key."""
    wijken = list(zip(shapes["wijkcode"], shapes["wijknaam"]))
    rows, notes, ranges = [], [], {}
    for ind in indicators:
        e = catalogue_entry(ind)
        sign = cmp.direction_sign(ind)
        for m in metingen:
            key = f"{ind}|{m}"
            try:
                c, ref = cmp.wijken(obs, ind, gemeentecode, meting=m, reference=reference)
            except NoDataError:
                notes.append({"key": key, "tekst": f"{e['label']}: geen gegevens voor de "
                                                   f"{period.meting_label(obs, ind, m)}."})
                ranges[key] = [0, 1, sign, 0.5]
                for code, naam in wijken:
                    rows.append({"key": key, "wijkcode": code, "wijk": naam, "value": None, "waarde": "geen gegevens",
                                 "referentie": "-", "rang": 999})
                continue
            c = c.set_index("area_code")
            vals = c["value"].reindex([w for w, _ in wijken])
            lo, hi = _value_range(ref["value"], vals)
            ranges[key] = [lo, hi, sign, ref["value"]]
            rank_key = vals * (-1 if sign < 0 else 1)
            ranks = rank_key.rank(ascending=False, method="first")
            missing = [naam for code, naam in wijken if pd.isna(vals.get(code))]
            notes.append({"key": key, "tekst": f"{e['label']}, {period.meting_label(obs, ind, m)}. "
                          + (f"Geen gegevens voor: {cmp.few_names(missing)}. " if missing else "")
                          + f"Midden van de kleurschaal: {ref['tekst'].removeprefix('midden = ')}."})
            for code, naam in wijken:
                v = vals.get(code)
                rows.append({"key": key, "wijkcode": code, "wijk": naam, "value": None if pd.isna(v) else float(v),
                             "waarde": fmt(ind, v) if pd.notna(v) else "geen gegevens",
                             "referentie": f"{ref['short']}: {fmt(ind, ref['value'])}",
                             "rang": 999 if pd.isna(v) else int(ranks.get(code))})
    return pd.DataFrame(rows), notes, ranges


def explorer(obs: pd.DataFrame, indicators: list[str], gemeentecode: str, metingen=None, *,
             reference: str = NL_CODE, width: int = 380, height: int = 360) -> alt.VConcatChart:
    """Interactive: pick indicator and meting; click a wijk to highlight it in the ranked bars.

    Pure vega-lite parameters, so it works in JupyterLab and in exported HTML without a kernel.
    The map colours the value itself on a diverging scale centred on the reference (Nederland, or
    its latest value, or the gemeente's), set per indicator and meting; a line under the map says
    which wijken have no value, or that the indicator has none for that meting.
    """
    metingen = list(metingen) if metingen is not None else period.metingen(obs, indicators, level="wijk", measured=True)
    if not metingen:
        raise NoDataError("verkenner: geen van de indicatoren heeft metingen")
    shapes = wijk_shapes(gemeentecode)
    long, notes, ranges = _explorer_rows(obs, indicators, gemeentecode, metingen, reference, shapes)
    geo = alt.Data(values=[{"wijkcode": c, "type": "Feature", "geometry": mapping(g)}
                           for c, g in zip(shapes["wijkcode"], shapes.geometry)])
    present = list(indicators)
    pick_ind = alt.param(name="indicator", value=present[0], bind=alt.binding_select(
        options=present, labels=[catalogue_entry(i)["label"] for i in present], name="Indicator "))
    pick_met = alt.param(name="meting", value=max(metingen), bind=alt.binding_radio(
        options=list(metingen), labels=[period.metingen_label(obs, present, m) for m in metingen], name="Meting "))
    bereik = alt.param(name="bereik", value=ranges)
    click = alt.selection_point(name="wijk_klik", fields=["wijkcode"], on="click", clear="dblclick")
    sel = "datum.key == indicator + '|' + meting"
    base = alt.Chart(long).transform_filter(sel)
    tooltip = [alt.Tooltip("wijk:N", title="Wijk"), alt.Tooltip("waarde:N", title="Waarde"),
               alt.Tooltip("referentie:N", title="Vergelijking")]
    k = "bereik[indicator + '|' + meting]"
    scale = alt.Scale(domain={"expr": f"[{k}[0], {k}[1]]"}, domainMid={"expr": f"{k}[3]"}, scheme={"expr": f"{k}[2] == 0 ? '{NEUTRAL_SCHEME}' : '{SCHEME}'"},
                      reverse={"expr": f"{k}[2] < 0"})
    # the unit on the legend's labels follows the chosen indicator ('25%'; per 100 etc. in the axis title)
    eenheid = alt.param(name="eenheid", value={i: (catalogue_entry(i)["unit"] if catalogue_entry(i)["unit"] in ("%", "‰")
                                                   else "") for i in present})
    colour = alt.Color("value:Q", scale=scale, legend=alt.Legend(
        title=["Waarde", "midden = vergelijking,", "groen = gunstiger"], format=",.4~f", orient="right",
        labelExpr="datum.label + eenheid[indicator]"))
    looked_up = base.transform_lookup(lookup="wijkcode", from_=alt.LookupData(geo, "wijkcode", ["type", "geometry"]))
    edge = dict(strokeWidth=_cond(alt.StrokeWidthValue, click, 3, 0.8, empty=False),
                stroke=_cond(alt.StrokeValue, click, "#000", "white", empty=False), tooltip=tooltip)
    missing_layer = looked_up.transform_filter("!isValid(datum.value)").mark_geoshape(
        fill=NO_DATA_COLOUR, strokeDash=[3, 2]).encode(**edge)
    shape_layer = looked_up.transform_filter("isValid(datum.value)").mark_geoshape().encode(
        color=colour, **edge).add_params(pick_ind, pick_met, bereik, eenheid, click)
    text_layers, key_lines, _ = label_layers(shapes, width, height)
    mapc = alt.layer(shape_layer, missing_layer, *text_layers).project(type="mercator").properties(
        width=width, height=height, title=alt.Title("Verkenner: kies indicator en meting",
                                                    subtitle="klik op een wijk; dubbelklik wist"))
    note = alt.Chart(pd.DataFrame(notes)).transform_filter(sel).mark_text(align="left", baseline="top", fontSize=11, color="#333",
                                                   limit=width + 320, lineBreak="|").encode(
        x=alt.value(0), y=alt.value(0), text="tekst:N").properties(width=width + 320, height=16,
                                                                  view=alt.ViewBackground(stroke=None))
    bars = base.mark_bar().encode(
        y=alt.Y("wijk:N", sort=alt.EncodingSortField("rang", order="ascending"), title=None),
        x=alt.X("value:Q", title=None),
        color=alt.Color("value:Q", scale=scale, legend=None),
        stroke=_cond(alt.StrokeValue, click, "#000", None, empty=False),
        strokeWidth=_cond(alt.StrokeWidthValue, click, 2, 0, empty=False),
        tooltip=tooltip).properties(width=260, height=height, title=alt.Title(
            "Wijken gerangschikt", subtitle="gunstigste bovenaan; grijs = geen gegevens"))
    # the axis title names the chosen indicator and its unit (an axis title cannot follow a parameter)
    units = pd.DataFrame({"indicator": present, "titel": [catalogue_entry(i)["label"] + _unit(catalogue_entry(i))
                                                          for i in present]})
    axis_title = alt.Chart(units).transform_filter("datum.indicator == indicator").mark_text(
        fontSize=11, fontWeight="bold", baseline="top", limit=300).encode(
        text="titel:N", x=alt.value(130), y=alt.value(height + 26))
    bars = alt.layer(bars, axis_title)
    top = alt.hconcat(_with_key(mapc, _key_chart(key_lines, width)), bars)
    chart = alt.vconcat(top, note)
    rows_src = obs[obs["indicator"].isin(indicators) & obs["meting"].isin(metingen)]
    return _with_source(chart, source_line(rows_src, f"wijkgrenzen CBS/PDOK {BOUNDARY_YEAR}"))


# --- the gemeente and the wijk against references ------------------------------------------

def gemeente_vs_nederland(obs: pd.DataFrame, gemeentecode: str, kpi_set_indicators: list[str],
                          meting: int | None = None) -> alt.FacetChart:
    """Dot chart: the gemeente per KPI as an index with Nederland = 100, one row per KPI, per opgave."""
    gname = period.area_name(obs, gemeentecode)

    def pairs(m):
        rows = []
        for ind in kpi_set_indicators:
            sel = period.rows_at(obs, ind, m, None)
            sel = period.first_per_area(sel[sel["area_code"].isin([gemeentecode, NL_CODE]) & (sel["status"] == "ok")])
            vals = sel.set_index("area_code")["value"]
            if gemeentecode in vals and NL_CODE in vals and vals[NL_CODE]:
                rows.append({"indicator": ind, "gemeente": float(vals[gemeentecode]), "nederland": float(vals[NL_CODE])})
        return rows

    if meting is None:  # the latest meting in which gemeente and Nederland both have a value
        for meting in reversed(period.metingen(obs, kpi_set_indicators, measured=True) or [None]):
            if meting is not None and pairs(meting):
                break
    if meting is None:
        raise NoDataError(f"{gname}: geen metingen van deze KPI's")
    rows = pairs(meting)
    if not rows:
        raise NoDataError(f"{gname}: geen KPI met een cijfer van de gemeente en Nederland in de {meting}-meting")
    df = pd.DataFrame(rows)
    cat = catalogue.catalogue()
    df["index"] = (df["gemeente"] / df["nederland"] * 100).round(1)
    df["kpi"] = df["indicator"].map(catalogue.reader_label)  # the unit is on the values
    df["opgave"] = df["indicator"].map(cat["opgave"]).fillna("Overig").str.split(";").str[0]
    sign = df["indicator"].map(cmp.direction_sign)
    df["oordeel"] = ["gunstiger" if s * (i - 100) > 0 else "ongunstiger" if s * (i - 100) < 0 else
                     ("gelijk" if s else "geen richting") for s, i in zip(sign, df["index"])]
    df["gemeente_txt"] = [catalogue.value_text(i, v) for i, v in zip(df["indicator"], df["gemeente"])]
    df["nederland_txt"] = [catalogue.value_text(i, v) for i, v in zip(df["indicator"], df["nederland"])]
    df["wanneer"] = [period.meting_label(obs, i, meting) for i in df["indicator"]]
    base = alt.Chart(df)
    rule = base.mark_rule(color=NL_COLOUR, strokeDash=[4, 3]).encode(x=alt.datum(100))
    dots = base.mark_circle(size=110, opacity=1).encode(
        x=alt.X("index:Q", title=f"{gname} als index (Nederland = 100)", scale=alt.Scale(zero=False)),
        y=alt.Y("kpi:N", title=None, sort="-x", axis=alt.Axis(labelLimit=480)),
        color=alt.Color("oordeel:N", scale=alt.Scale(
            domain=[k for k in ["gunstiger", "gelijk", "ongunstiger", "geen richting"] if k in set(df["oordeel"])],
            range=[c for k, c in zip(["gunstiger", "gelijk", "ongunstiger", "geen richting"],
                                     [GUNSTIG, "#999999", ONGUNSTIG, "#6baed6"]) if k in set(df["oordeel"])]),
                        title=f"{gname} t.o.v. Nederland"),
        tooltip=[alt.Tooltip("kpi:N", title="KPI"), alt.Tooltip("wanneer:N", title="Meting"),
                 alt.Tooltip("gemeente_txt:N", title=gname),
                 alt.Tooltip("nederland_txt:N", title="Nederland"), alt.Tooltip("index:Q", title="Index", format=",.1f")])
    chart = alt.layer(rule, dots).properties(width=360, height=alt.Step(18)).facet(
        row=alt.Row("opgave:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"))
    ).resolve_scale(y="independent").properties(
        title=alt.Title(f"{gname} t.o.v. Nederland, {period.metingen_label(obs, list(df['indicator']), meting)}",
                        subtitle=["index: Nederland = 100; groen = gunstiger, roze = ongunstiger",
                                                  "het jaar van elke KPI staat in de tooltip en in de tabel"]))
    return _with_source(chart, source_line(obs[obs["indicator"].isin(df["indicator"]) & (obs["meting"] == meting)
                                               & obs["area_code"].isin([gemeentecode, NL_CODE])]))


def wijk_vs_references(tab: pd.DataFrame, wijknaam: str, gemeentenaam: str = "de gemeente",
                       meting: int | None = None, source: str | None = None) -> alt.LayerChart:
    """Per KPI the wijk (dark blue) and the gemeente (grey) as an index (Nederland = 100)."""
    if meting is None:
        found = [int(c.split("_")[1]) for c in tab.columns if c.startswith("wijk_") and c.split("_")[1].isdigit()]
        meting = max(found) if found else 1
    rows = []
    for r in tab.to_dict("records"):
        ref = r.get(f"nederland_{meting}")
        if ref is None or pd.isna(ref) or not ref:
            continue
        for who, v in ((wijknaam, r.get(f"wijk_{meting}")), (gemeentenaam, r.get(f"gemeente_{meting}"))):
            if v is not None and pd.notna(v):
                rows.append({"kpi": r["KPI"], "wie": who, "index": round(v / ref * 100, 1), "waarde": fmt(r["indicator"], v),
                             "nederland": fmt(r["indicator"], ref)})
    df = pd.DataFrame(rows)
    if df.empty:
        raise NoDataError(f"{wijknaam}: geen KPI met een landelijk cijfer in de {meting}-meting")
    base = alt.Chart(df)
    chart = alt.layer(
        base.mark_rule(color=NL_COLOUR, strokeDash=[4, 3]).encode(x=alt.datum(100)),
        base.mark_circle(size=100, opacity=1).encode(
            x=alt.X("index:Q", title="Index (Nederland = 100)", scale=alt.Scale(zero=False),
                    axis=alt.Axis(tickCount=8, labelOverlap=True)),
            y=alt.Y("kpi:N", title=None, axis=alt.Axis(labelLimit=340)),
            color=alt.Color("wie:N", scale=alt.Scale(domain=[wijknaam, gemeentenaam],
                                                     range=[WIJK_COLOUR, GEMEENTE_COLOUR]), title=None),
            tooltip=[alt.Tooltip("kpi:N", title="KPI"), alt.Tooltip("wie:N", title="Gebied"),
                     alt.Tooltip("waarde:N", title="Waarde"), alt.Tooltip("nederland:N", title="Nederland")]),
    ).properties(width=360, title=alt.Title(f"{wijknaam} en {gemeentenaam} t.o.v. Nederland, {meting}-meting",
                                            subtitle="stippellijn = Nederland; let op de gewenste richting per KPI"))
    return _with_source(chart, source or f"Bron: KPI-metingen van {gemeentenaam} (wijk, gemeente, Nederland)")


def locator(gemeentecode: str, wijkcode: str, year: int = BOUNDARY_YEAR, width: int = 320, height: int = 300):
    """The wijk highlighted within its gemeente; no other label covers it."""
    shapes = wijk_shapes(gemeentecode, year)
    shapes["gekozen"] = shapes["wijkcode"] == wijkcode
    data = _geo_values(shapes, ["wijkcode", "wijknaam", "gekozen"])
    m = alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=1).encode(
        color=_cond(alt.ColorValue, "datum.properties.gekozen", WIJK_COLOUR, "#d9d9d9"),
        tooltip=alt.Tooltip("properties.wijknaam:N", title="Wijk")).project(type="mercator")
    text_layers, key_lines, _ = label_layers(shapes, width, height, highlight=wijkcode)
    if len(key_lines) > 10:  # a long key (Amsterdam numbers 60 wijken) would be wider than a phone:
        text_layers, key_lines, _ = label_layers(shapes, width, height, highlight=wijkcode, numbers=False)
    naam = shapes.loc[shapes["gekozen"], "wijknaam"]
    title = f"Ligging van {naam.iloc[0]} in de gemeente" if len(naam) else "Ligging in de gemeente"
    layer = alt.layer(m, *text_layers).properties(width=width, height=height, title=alt.Title(title))
    return _with_source(_with_key(layer, _key_chart(key_lines, width)), f"Bron: wijkgrenzen CBS/PDOK {year}")


def age_chart(ages: pd.DataFrame) -> alt.Chart:
    """Grouped bars of the age structure (share of inhabitants): the wijk dark blue, the gemeente grey."""
    ages = ages.assign(tekst=[format_nl(v, 1, "%") for v in ages["aandeel"]])
    order = list(ages.sort_values("area_code", key=lambda s: s.str[:2] != "WK", kind="stable")["area_name"].drop_duplicates())
    return alt.Chart(ages).mark_bar().encode(
        x=alt.X("leeftijd:N", title="Leeftijd (jaar)", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("area_name:N", sort=order), y=alt.Y("aandeel:Q", title="Aandeel inwoners (%)"),
        color=alt.Color("area_name:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=[WIJK_COLOUR, GEMEENTE_COLOUR][:len(order)])),
        tooltip=[alt.Tooltip("area_name:N", title="Gebied"), alt.Tooltip("leeftijd:N", title="Leeftijd"),
                 alt.Tooltip("tekst:N", title="Aandeel")],
    ).properties(width=340, height=200, title=f"Leeftijdsopbouw (CBS, {int(ages['year'].iloc[0])})")


# --- trends and the region -----------------------------------------------------------------

def trend_chart(obs: pd.DataFrame, indicator: str, wijkcode: str, gemeentecode: str) -> alt.LayerChart:
    """A wijk's series over the metingen (x = year of each meting) with the gemeente and Nederland.

    Nederland is the yearly national series (dataset cbs_83841NED) when the data has it, else
    its metingen. A definitional break in the series is named under the chart.
    """
    e = catalogue_entry(indicator)
    sel = _ok(obs, indicator)
    areas = [wijkcode, gemeentecode, NL_CODE]
    met = sel[sel["meting"].notna() & sel["area_code"].isin(areas)]
    yearly = not (met["area_code"] == wijkcode).any()
    if yearly:  # no metingen for this wijk (a CBS-only monitor): the yearly figures
        met = sel[sel["meting"].isna() & sel["area_code"].isin(areas) & (sel["dataset"] != NATIONAL_SERIES)]
        met = period.first_per_area(met, keys=["area_code", "year"])
    else:
        met = period.first_per_area(met, keys=["area_code", "meting"])
    met = met[met["year"].notna()]  # a meting without a year cannot be placed on the time axis
    national = sel[(sel["dataset"] == NATIONAL_SERIES) & (sel["area_code"] == NL_CODE) & sel["meting"].isna()
                   & sel["year"].notna()]
    if len(national):
        met = met[met["area_code"] != NL_CODE]
    wname, gname = period.area_name(obs, wijkcode), period.area_name(obs, gemeentecode)
    names = {wijkcode: wname, gemeentecode: gname, NL_CODE: "Nederland"}
    df = pd.DataFrame({"gebied": met["area_code"].map(names), "jaar": met["year"].astype(int),
                       "waarde": met["value"].astype(float),
                       "wanneer": [period.cbs_label(indicator, d, y) if yearly else f"{int(m)}-meting ({int(y)})"
                                   for m, y, d in zip(met["meting"], met["year"], met["dataset"])]})
    if len(national):
        nat = national.sort_values("year", kind="stable").drop_duplicates("year")
        df = pd.concat([df, pd.DataFrame({"gebied": "Nederland", "jaar": nat["year"].astype(int),
                                          "waarde": nat["value"].astype(float),
                                          "wanneer": [f"{int(y)} (CBS, jaarcijfer)" for y in nat["year"]]})])
    if df.empty or not (df["gebied"] == wname).any():
        return _note_chart(f"Voor {wname} zijn geen cijfers over '{e['label'].lower()}' in de data.", 360, 60,
                           lab.wrap(f"{e['label']}: {wname}", 420, 13, bold=True))
    df["tekst"] = [fmt(indicator, v) for v in df["waarde"]]
    present = set(df["gebied"])
    pairs = [(n, c) for n, c in zip([wname, gname, "Nederland"], [WIJK_COLOUR, GEMEENTE_COLOUR, NL_COLOUR]) if n in present]
    domain = [n for n, _ in pairs]
    colour = alt.Color("gebied:N", title=None, sort=domain,
                       scale=alt.Scale(domain=domain, range=[c for _, c in pairs]))
    tooltip = [alt.Tooltip("gebied:N", title="Gebied"), alt.Tooltip("wanneer:N", title="Periode"),
               alt.Tooltip("tekst:N", title="Waarde")]
    base = alt.Chart(df).encode(
        x=alt.X("jaar:Q", title="Jaar", scale=alt.Scale(zero=False, nice=False, padding=12),
                axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelOverlap=True)),
        y=alt.Y("waarde:Q", title=e["label"] + _unit(e), scale=alt.Scale(zero=False),
                axis=alt.Axis(format=_legend_format(indicator), titleLimit=260)),
        color=colour, tooltip=tooltip)
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=_cond(alt.StrokeDashValue, "datum.gebied == 'Nederland'", [4, 3], [1, 0]))
    points = base.mark_point(filled=True, size=60)
    sub = [f"lijnen verbinden de {'jaren' if yearly else 'metingen'}; Nederland gestippeld"]
    note = catalogue.break_note(indicator, sorted(df["jaar"].unique()))
    if note:
        sub += lab.wrap("Let op: " + note, 420, 11)
    chart = alt.layer(lines, points).properties(width=360, height=200, title=alt.Title(
        lab.wrap(f"{e['label']}: {wname}, {gname} en Nederland", 420, 13, bold=True), subtitle=sub))
    src = pd.concat([met, national]) if len(national) else met
    return _with_source(chart, source_line(src))


class _Codes:
    """A list of gemeentecodes in the shape of a monitors.Region (what region.region_rows reads)."""

    def __init__(self, codes):
        self.gemeenten = list(codes)


def _region_values(obs: pd.DataFrame, indicator: str, gemeentecodes) -> pd.DataFrame:
    """Yearly gemeente-level values (kwb_gemeenten preferred, else KWB editions) and Nederland's."""
    rows = region_rows(obs, gemeentecodes if hasattr(gemeentecodes, "gemeenten") else _Codes(gemeentecodes))
    return rows[rows["indicator"] == indicator]


def region_trend(obs: pd.DataFrame, indicator: str, gemeentecodes, highlight: str | None = None):
    """Gemeente-level yearly values of the region's gemeenten (a list of codes or a Region), and Nederland.

    Without any yearly value the chart says so in Dutch instead of failing.
    """
    e = catalogue_entry(indicator)
    codes_in = list(getattr(gemeentecodes, "gemeenten", gemeentecodes))
    sel = _region_values(obs, indicator, codes_in)
    highlight = highlight or codes_in[0]
    head = lab.wrap(f"{e['label']} per jaar: {period.area_name(obs, highlight)} in de regio", 460, 13, bold=True)
    if sel.empty:
        return _note_chart(f"Geen cijfers per jaar van '{e['label'].lower()}' voor de gemeenten van deze regio.",
                           420, 60, head)
    codes = [c for c in codes_in if c in set(sel["area_code"])]
    codes = [highlight] + [c for c in codes if c != highlight] if highlight in codes else codes
    names = {c: period.area_name(obs, c) for c in codes} | {NL_CODE: "Nederland"}
    df = pd.DataFrame({"gebied": sel["area_code"].map(names), "code": sel["area_code"], "jaar": sel["year"].astype(int),
                       "waarde": sel["value"].astype(float)})
    df["tekst"] = [fmt(indicator, v) for v in df["waarde"]]
    df["dik"] = df["code"] == highlight
    domain = [names[c] for c in codes] + (["Nederland"] if (df["code"] == NL_CODE).any() else [])
    rng = ([WIJK_COLOUR] if highlight in codes else []) + REGION_PALETTE
    rng = rng[:len(codes)] + ([NL_COLOUR] if domain and domain[-1] == "Nederland" else [])
    base = alt.Chart(df).encode(
        x=alt.X("jaar:Q", title="Jaar", scale=alt.Scale(zero=False, nice=False, padding=12),
                axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelOverlap=True)),
        y=alt.Y("waarde:Q", title=e["label"] + _unit(e), scale=alt.Scale(zero=False),
                axis=alt.Axis(format=_legend_format(indicator), titleLimit=260)),
        color=alt.Color("gebied:N", title=None, sort=domain, scale=alt.Scale(domain=domain, range=rng)),
        tooltip=[alt.Tooltip("gebied:N", title="Gemeente"), alt.Tooltip("jaar:Q", title="Jaar", format="d"),
                 alt.Tooltip("tekst:N", title="Waarde")])
    lines = base.mark_line().encode(
        strokeWidth=_cond(alt.StrokeWidthValue, "datum.dik", 3, 1.5),
        strokeDash=_cond(alt.StrokeDashValue, "datum.code == 'NL00'", [4, 3], [1, 0]))
    sub = "dikke lijn: de gemeente zelf" + ("; Nederland gestippeld" if NL_CODE in set(df["code"]) else "")
    missing = [period.area_name(obs, c) for c in codes_in if c not in set(sel["area_code"])]
    subs = [sub] + (lab.wrap(f"geen cijfers voor: {', '.join(missing)}", 460, 11) if missing else [])
    chart = alt.layer(lines, base.mark_point(filled=True, size=30)).properties(
        width=420, height=220, title=alt.Title(head, subtitle=subs))
    return _with_source(chart, source_line(sel))


def region_map(obs, indicator, region=None, year: int | None = None, highlight: str | None = None,
               gemeente_shapes=None, width: int = 380, height: int = 340):
    """The region's gemeenten coloured by their value in `year` (None: latest), centred on Nederland.

    `region`: a monitors.Region or a list of gemeentecodes; `highlight` is outlined. Also callable as
    region_map(gemeente_shapes, obs, indicator, year, highlight) with the shapes first.
    """
    if hasattr(obs, "geometry"):  # region_map(gemeente_shapes, obs, indicator, year, highlight)
        gemeente_shapes, obs, indicator, year, highlight, region = obs, indicator, region, year, highlight, None
        if not isinstance(year, (int, np.integer)) and year is not None:
            raise TypeError("region_map(gemeente_shapes, obs, indicator, year, highlight): year must be a year")
    e = catalogue_entry(indicator)
    codes = list(getattr(region, "gemeenten", region) or [])
    if not codes:  # shapes given: the gemeenten that have a yearly value, and the highlighted one
        sel_all = _ok(obs, indicator)
        codes = sorted(set(sel_all.loc[sel_all["area_level"] == "gemeente", "area_code"]) | {highlight} - {None})
    highlight = highlight or codes[0]
    if gemeente_shapes is None:
        gemeente_shapes = pdok.load_boundaries("gemeente", BOUNDARY_YEAR, highlight)
    sel = _region_values(obs, indicator, codes)
    gem = sel[sel["area_level"] == "gemeente"]
    if year is None and len(gem):  # the latest year all the region's gemeenten have, else the latest
        year = period.common_year(gem, indicator, codes, level="gemeente") or int(gem["year"].max())
    common = year is not None and set(codes) <= set(gem.loc[gem["year"] == year, "area_code"])
    shapes = gemeente_shapes[gemeente_shapes["gemeentecode"].isin(codes)].reset_index(drop=True)
    if shapes.empty:
        raise NoDataError(f"{e['label']}: geen gemeentegrenzen voor {', '.join(codes)}")
    shapes = pdok.simplify_for_web(shapes, 0.0005)
    yr = sel[sel["year"] == year].drop_duplicates("area_code").set_index("area_code")["value"]
    shapes["value"] = shapes["gemeentecode"].map(yr).astype(float)
    nl = yr.get(NL_CODE)
    if nl is not None and pd.notna(nl):
        mid, ref = float(nl), "Nederland"
        mid_txt = f"midden = Nederland ({fmt(indicator, nl)})"
    elif shapes["value"].notna().any():
        hv = shapes.loc[shapes["gemeentecode"] == highlight, "value"]
        mid = float(hv.iloc[0]) if len(hv) and pd.notna(hv.iloc[0]) else float(shapes["value"].mean())
        ref = period.area_name(obs, highlight) if len(hv) and pd.notna(hv.iloc[0]) else "het gemiddelde van de regio"
        mid_txt = f"midden = {ref} ({fmt(indicator, mid)}); geen cijfer van Nederland"
    else:
        mid, ref, mid_txt = 0.0, "Nederland", ""
    shapes["naam"] = shapes["gemeentecode"].map(lambda c: period.area_name(obs, c) if period.area_name(obs, c) != c else None)
    shapes["naam"] = shapes["naam"].fillna(shapes["gemeentenaam"])
    shapes["waarde"] = [fmt(indicator, v) if pd.notna(v) else "geen gegevens" for v in shapes["value"]]
    shapes["gekozen"] = shapes["gemeentecode"] == highlight
    shapes["has_value"] = shapes["value"].notna()
    data = _geo_values(shapes, ["gemeentecode", "naam", "value", "waarde", "gekozen", "has_value"])
    tooltip = [alt.Tooltip("properties.naam:N", title="Gemeente"), alt.Tooltip("properties.waarde:N", title="Waarde")]
    base = alt.Chart(data).project(type="mercator")
    layers = [base.mark_geoshape(stroke="white", strokeWidth=1, fill=NO_DATA_COLOUR).encode(tooltip=tooltip
                                                                                          ).transform_filter(
        "!datum.properties.has_value")]
    if shapes["has_value"].any():
        layers.append(base.mark_geoshape(stroke="white", strokeWidth=1).encode(
            color=alt.Color("properties.value:Q", scale=_colour_scale(indicator, mid, shapes["value"]),
                            legend=alt.Legend(title=lab.wrap(e["label"] + _unit(e), 180, 11, bold=True)
                                              + lab.wrap(mid_txt, 180, 11), format=_legend_format(indicator),
                                              titleLimit=400, labelLimit=200,
                                              values=legend_ticks(*_value_range(mid, shapes["value"])))),
            tooltip=tooltip).transform_filter("datum.properties.has_value"))
    layers.append(base.mark_geoshape(filled=False, stroke=WIJK_COLOUR, strokeWidth=3).transform_filter(
        "datum.properties.gekozen"))
    text_layers, key_lines, _ = label_layers(shapes, width, height, "gemeentecode", "naam")
    sign = cmp.direction_sign(indicator)
    meaning = f"groen = gunstiger, roze = ongunstiger dan {ref}" if sign else f"kleur: lager of hoger dan {ref}"
    if not shapes["has_value"].any():
        meaning = f"geen cijfers per gemeente{' voor ' + str(year) if year else ''}"
    layer = alt.layer(*layers, *text_layers).resolve_scale(color="independent").properties(
        width=width, height=height, title=alt.Title(
            lab.wrap(f"{e['label']}{', ' + str(year) if year else ''}", width + 150, 13, bold=True),
            subtitle=([f"{year}: het laatste jaar met een cijfer van elke gemeente van de regio"]
                      if year and common else []) + [meaning, f"omlijnd: {period.area_name(obs, highlight)}"
                      + ("; grijs = geen gegevens" if not shapes["has_value"].all() else "")]))
    return _with_source(_with_key(layer, _key_chart(key_lines, width)),
                        source_line(sel[sel["year"] == year], f"gemeentegrenzen CBS/PDOK {BOUNDARY_YEAR}"))


COUNTRY_DATA = "gemeenten"  # the named dataset of the country map: every gemeente's outline (a separate script)
COUNTRY_SIZE = (380, 450)


def country_features(year: int = BOUNDARY_YEAR, tolerance: float = 0.004, decimals: int = 3) -> list[dict]:
    """Every gemeente of NL as light GeoJSON features (code and name), for the country map.

    About 4 decimals of a degree simplified: on a map of at most ~700 px of the Netherlands a
    vertex moves less than a pixel."""
    g = pdok.simplify_for_web(pdok.load_boundaries("gemeente", year, None), tolerance, decimals)
    g = g[g["gemeentecode"].str.match(r"^GM\d{4}$")].sort_values("gemeentecode", kind="stable")
    return [{"type": "Feature", "geometry": mapping(geom),
             "properties": {"gemeentecode": code, "gemeentenaam": str(name)}}
            for geom, code, name in zip(g.geometry, g["gemeentecode"], g["gemeentenaam"])]


def country_map(reported: pd.DataFrame, indicator: str | None, year: int | str | None, nl_value: float | None,
                width: int = COUNTRY_SIZE[0], height: int = COUNTRY_SIZE[1], nl_when: str | None = None) -> dict:
    """The Netherlands' gemeenten; those with reports coloured by `indicator` on the scale centred on
    Nederland (green = gunstiger, pink = ongunstiger) and linked to their page. `year`: the period as
    shown ('KWB 2023, peiljaar onbekend', `period.cbs_label`); `nl_when`: Nederland's, when another.

    `reported`: gemeentecode, naam, value (NaN: no figure), href. The outlines come from the named
    dataset COUNTRY_DATA (`country_features`), which the page supplies; the spec holds only the reported."""
    e = catalogue_entry(indicator) if indicator else None
    recs = pd.DataFrame({"code": reported["gemeentecode"], "naam": reported["naam"], "href": reported["href"],
                         "value": reported["value"].astype(float),
                         "waarde": [fmt(indicator, v) if indicator and pd.notna(v) else "geen gegevens"
                                    for v in reported["value"]]})
    recs["rapport"] = True
    recs["klik"] = "klik voor de startpagina van de gemeente"
    lookup = alt.LookupData(data=_records(recs), key="code", fields=["naam", "href", "value", "waarde", "rapport", "klik"])
    base = alt.Chart(alt.Data(name=COUNTRY_DATA)).transform_lookup(
        lookup="properties.gemeentecode", from_=lookup).project(type="mercator")
    label = f"{e['label']}{_unit(e)}, {year}" if e else "Waarde"
    tip = [alt.Tooltip("properties.gemeentenaam:N", title="Gemeente"), alt.Tooltip("waarde:N", title=label),
           alt.Tooltip("klik:N", title=" ")]
    layers = [
        base.mark_geoshape(fill="#ececec", stroke="white", strokeWidth=0.4).encode(
            tooltip=[alt.Tooltip("properties.gemeentenaam:N", title="Gemeente")]).transform_filter("!datum.rapport"),
        base.mark_geoshape(fill=NO_DATA_COLOUR, stroke="#333", strokeWidth=0.8).encode(
            tooltip=tip, href=alt.Href("href:N")).transform_filter("datum.rapport && !isValid(datum.value)"),
    ]
    vals = recs["value"].dropna()
    if e and len(vals):
        mid = float(nl_value) if nl_value is not None and pd.notna(nl_value) else float(vals.mean())
        sign = cmp.direction_sign(indicator)
        meaning = (f"groen = gunstiger, roze = ongunstiger dan Nederland ({fmt(indicator, mid)})" if sign
                   else f"kleur: lager of hoger dan Nederland ({fmt(indicator, mid)})")
        leg = alt.Legend(title=lab.wrap(e["label"] + _unit(e), 220, 11, bold=True) + lab.wrap(
            f"{year}; midden = Nederland" + (f" ({nl_when})" if nl_when and str(nl_when) != str(year) else ""), 240, 11),
                         orient="bottom", direction="horizontal", format=_legend_format(indicator),
                         gradientLength=240, titleLimit=300)
        layers.append(base.mark_geoshape(stroke="#333", strokeWidth=0.8).encode(
            color=alt.Color("value:Q", scale=_colour_scale(indicator, mid, vals), legend=leg),
            tooltip=tip, href=alt.Href("href:N")).transform_filter("datum.rapport && isValid(datum.value)"))
        sub = [meaning, "grijs omlijnd: rapporten zonder dit cijfer; lichtgrijs: nog geen rapporten"]
    else:
        sub = ["omlijnd: gemeenten met rapporten"]
    title = alt.Title("Gemeenten met rapporten" + (f": {e['label'].lower()}" if e else ""), subtitle=sub)
    chart = alt.layer(*layers).properties(width=width, height=height, title=title)
    spec = chart.to_dict()
    spec["datasets"] = {**spec.get("datasets", {}), COUNTRY_DATA: []}  # the page fills in the outlines
    return spec


# --- output --------------------------------------------------------------------------------

def with_source_line(spec: dict, source: str, width: float = 560) -> dict:
    """The spec wrapped so that `source` ('Bron: …') is printed under the chart."""
    spec = dict(spec)
    top = {k: spec.pop(k) for k in ("$schema", "config", "datasets", "usermeta", "background", "padding",
                                     "autosize") if k in spec}
    params = spec.pop("params", None)
    inner_params = [p for p in (params or []) if "select" in p]
    outer_params = [p for p in (params or []) if "select" not in p]
    if inner_params:
        spec["params"] = inner_params
    out = {**top, "vconcat": [spec], "title": {"text": lab.wrap(source, width, 10), "orient": "bottom",
                                               "anchor": "start", "fontSize": 10, "fontWeight": "normal",
                                               "color": "#555", "offset": 10}}
    if outer_params:
        out["params"] = outer_params
    return out


def export(chart: alt.TopLevelMixin, path: str | Path, scale: float = 2.0, source: str | None = None) -> Path:
    """Write a chart to PNG or SVG (by suffix) with vl-convert, a 'Bron: …' line under it."""
    path = Path(path)
    spec = chart.to_dict()
    source = source or _find_source(spec) or "Bron: CBS; PDOK"
    spec = with_source_line(spec, source)
    if path.suffix == ".png":
        data = vlc.vegalite_to_png(spec, scale=scale, format_locale=FORMAT_LOCALE)
        return write_atomic(path, lambda p: p.write_bytes(data))
    if path.suffix == ".svg":
        svg = vlc.vegalite_to_svg(spec, format_locale=FORMAT_LOCALE)
        return write_atomic(path, lambda p: p.write_text(svg, encoding="utf-8"))
    raise ValueError(f"export path {path}: use .png or .svg")


def spec_size_kb(chart: alt.TopLevelMixin) -> float:
    return len(json.dumps(chart.to_dict())) / 1024


def _find_source(spec: dict) -> str | None:
    """The chart's own 'Bron: …' description, or those of its parts joined (a combined chart)."""
    d = spec.get("description")
    if isinstance(d, str) and d.startswith("Bron: "):
        return d
    parts = []
    for k in ("hconcat", "vconcat", "concat", "layer"):
        for sub in spec.get(k, []):
            s = _find_source(sub)
            for item in (s[6:].split("; ") if s else []):
                if item not in parts:
                    parts.append(item)
    return "Bron: " + "; ".join(parts) if parts else None
