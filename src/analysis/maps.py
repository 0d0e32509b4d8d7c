"""Altair charts: choropleth against the national value, ranked bars, small multiples, explorer.

Geometry goes to vega in WGS84 with clockwise rings (see sources.pdok), simplified so that a
chart stays well under ~300 KB. Numbers follow Dutch notation (decimal comma) both in
pre-formatted tooltip strings and through the nl-NL d3 format locale.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc
from shapely.geometry import mapping

from analysis import compare as cmp
from analysis.areas import NL_CODE
from analysis.atomic import write_atomic
from analysis.catalogue import fmt, indicator as catalogue_entry
from analysis.errors import NoDataError
from analysis.numbers import format_nl
from analysis.sources import pdok

NO_DATA_COLOUR = "#d0d0d0"
SCHEME = "pinkyellowgreen"  # ColorBrewer PiYG: diverging, colour-blind safe; green = favourable
FORMAT_LOCALE = vlc.get_format_locale("nl-NL")
KLASSE_NL = {"below": "lager", "about_equal": "ongeveer gelijk", "above": "hoger"}


def klasse_nl(k) -> str:
    return KLASSE_NL.get(k, "geen gegevens") if isinstance(k, str) else "geen gegevens"


def setup() -> None:
    """Notebook defaults: Dutch number format in rendered charts, no row limit on small data."""
    alt.data_transformers.disable_max_rows()
    alt.renderers.enable("mimetype")  # JupyterLab renders vega-lite itself, offline
    alt.renderers.set_embed_options(formatLocale=FORMAT_LOCALE, actions=False)


def period_label(meting: int | None = None, year: int | None = None) -> str:
    return f"{meting}-meting" if meting is not None else str(year)


def wijk_shapes(gemeentecode: str = "GM0957", year: int = 2024, tolerance: float = 0.0002):
    """Simplified wijk polygons; read once per process (a kept kernel draws many maps)."""
    return _wijk_shapes(gemeentecode, year, tolerance).copy()


@functools.lru_cache(maxsize=16)
def _wijk_shapes(gemeentecode: str, year: int, tolerance: float):
    return pdok.simplify_for_web(pdok.load_boundaries("wijk", year, gemeentecode), tolerance)


def map_frame(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None,
              gemeentecode: str = "GM0957", boundary_year: int = 2024, shapes=None):
    """Wijk polygons joined with the comparison against Nederland, with Dutch tooltip texts."""
    c = cmp.compare(obs, indicator, meting, year)
    if c["reference_missing"].all():
        raise NoDataError(f"{indicator} ({period_label(meting, year)}): no national (NL00) value to compare with")
    shapes = wijk_shapes(gemeentecode, boundary_year) if shapes is None else shapes
    g = shapes.merge(c, left_on="wijkcode", right_on="area_code", how="left")
    g["value"] = g["value"].astype(float)
    g["waarde"] = [fmt(indicator, v) for v in g["value"]]
    g["landelijk"] = fmt(indicator, c["reference_value"].iloc[0])
    e = catalogue_entry(indicator)
    pp = "procentpunt" if e["unit"] == "%" else e["unit"]
    g["verschil"] = [format_nl(d, e["decimals"], pp) if pd.notna(d) else "-" for d in g["difference"]]
    g["verschil"] = [("+" + s if pd.notna(d) and d > 0 else s) for s, d in zip(g["verschil"], g["difference"])]
    g["toelichting"] = [cmp.STATUS_LABELS.get(s, "geen waarneming") if pd.isna(v) else klasse_nl(k) + " dan landelijk"
                        for v, s, k in zip(g["value"], g["status"].fillna("no_data"), g["klasse"])]
    g["has_value"] = g["value"].notna()
    return g


def _geo_values(g, fields: list[str]) -> alt.Data:
    feats = [{"type": "Feature", "geometry": mapping(geom), "properties": {f: _jsonable(row[f]) for f in fields}}
             for geom, (_, row) in zip(g.geometry, g.iterrows())]
    return alt.Data(values=feats)


def _jsonable(v):
    if isinstance(v, float) and pd.isna(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return None if v is pd.NA else v


def _labels(g) -> alt.Chart:
    pts = g.geometry.representative_point()
    df = pd.DataFrame({"lon": pts.x.round(5), "lat": pts.y.round(5), "naam": g["wijknaam"]})
    return alt.Chart(df).mark_text(fontSize=10, fontWeight="bold", color="#222", stroke="white",
                                   strokeWidth=0.0).encode(longitude="lon:Q", latitude="lat:Q", text="naam:N")


def choropleth(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None,
               gemeentecode: str = "GM0957", boundary_year: int = 2024, width: int = 440, height: int = 400,
               labels: bool = True, title: str | None = None, shapes=None, legend: bool = True) -> alt.LayerChart:
    """Wijk map of one indicator, coloured by its value on a scale centred on Nederland's value."""
    e = catalogue_entry(indicator)
    g = map_frame(obs, indicator, meting, year, gemeentecode, boundary_year, shapes)
    ref = float(g["reference_value"].dropna().iloc[0])
    fields = ["wijkcode", "wijknaam", "value", "waarde", "landelijk", "verschil", "toelichting", "has_value"]
    data = _geo_values(g, fields)
    tooltip = [alt.Tooltip("properties.wijknaam:N", title="Wijk"), alt.Tooltip("properties.waarde:N", title="Waarde"),
               alt.Tooltip("properties.landelijk:N", title="Nederland"),
               alt.Tooltip("properties.verschil:N", title="Verschil"),
               alt.Tooltip("properties.toelichting:N", title="Toelichting")]
    unit = f" ({e['unit']})" if e["unit"] and e["unit"] not in ("%",) else ""
    base = alt.Chart(data).project(type="mercator")
    missing = base.mark_geoshape(stroke="white", strokeWidth=1, strokeDash=[3, 2]).encode(
        color=alt.Color("nodata:N", scale=alt.Scale(domain=["geen gegevens"], range=[NO_DATA_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom") if legend else None),
        tooltip=tooltip,
    ).transform_filter("!datum.properties.has_value").transform_calculate(nodata="'geen gegevens'")
    # Favourable deviations green: reverse PiYG when lower is better.
    scale = alt.Scale(scheme=SCHEME, domainMid=ref, reverse=e["direction"] == "lower")
    coloured = base.mark_geoshape(stroke="white", strokeWidth=1).encode(
        color=alt.Color("properties.value:Q", scale=scale,
                        legend=alt.Legend(title=[e["label"] + unit, f"midden = Nederland ({fmt(indicator, ref)})"],
                                          orient="right", format=",.1f", titleLimit=260, titleFontSize=11)
                        if legend else None),
        tooltip=tooltip,
    ).transform_filter("datum.properties.has_value")
    layers = [missing, coloured] + ([_labels(g)] if labels else [])
    title = title or [e["label"] + unit, f"{period_label(meting, year)}; groen = gunstiger, roze = ongunstiger dan Nederland"]
    return alt.layer(*layers).resolve_scale(color="independent").properties(
        width=width, height=height, title=alt.Title(title[0] if isinstance(title, list) else title,
                                                    subtitle=title[1:] if isinstance(title, list) else None))


def ranked_bars(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None,
                width: int = 360, reference_gemeente: str | None = "GM0957") -> alt.LayerChart:
    """Wijken sorted by value, a rule at Nederland's value (and the gemeente's), missing ones listed."""
    e = catalogue_entry(indicator)
    c = cmp.compare(obs, indicator, meting, year)
    c["waarde"] = [fmt(indicator, v) if pd.notna(v) else "geen gegevens" for v in c["value"]]
    c["klasse_nl"] = [klasse_nl(k) for k in c["klasse"]]
    c["oordeel"] = ["gunstiger" if b is True else "ongunstiger" if b is False else
                    ("ongeveer gelijk" if k == "about_equal" else "geen gegevens") for b, k in zip(c["better"], c["klasse"])]
    c["plot_value"] = c["value"].fillna(0.0)  # bars for missing values have zero length and a label
    df = c[["area_name", "value", "plot_value", "waarde", "klasse_nl", "oordeel"]]
    colours = alt.Scale(domain=["gunstiger", "ongeveer gelijk", "ongunstiger", "geen gegevens"],
                        range=["#4d9221", "#bdbdbd", "#c51b7d", "#ffffff"])
    bars = alt.Chart(df).mark_bar(stroke="#888", strokeWidth=0.5).encode(
        y=alt.Y("area_name:N", sort="-x", title=None),
        x=alt.X("plot_value:Q", title=e["label"] + (f" ({e['unit']})" if e["unit"] else ""), axis=alt.Axis(format=",.1f")),
        color=alt.Color("oordeel:N", scale=colours, title="t.o.v. Nederland"),
        tooltip=[alt.Tooltip("area_name:N", title="Wijk"), alt.Tooltip("waarde:N", title="Waarde"),
                 alt.Tooltip("klasse_nl:N", title="t.o.v. Nederland")],
    )
    text = bars.mark_text(align="left", dx=3, fontSize=10, color="#333").encode(text="waarde:N", color=alt.value("#333"))
    refs = [{"naam": "Nederland", "waarde": float(c["reference_value"].iloc[0])}]
    if reference_gemeente:
        gm = cmp.select(obs, indicator, meting, year)
        gm = gm[gm["area_code"] == reference_gemeente]["value"].dropna()
        if len(gm):
            refs.append({"naam": "Roermond" if reference_gemeente == "GM0957" else reference_gemeente, "waarde": float(gm.iloc[0])})
    refs = pd.DataFrame(refs).dropna()
    refs["tekst"] = [f"{n} {fmt(indicator, v)}" for n, v in zip(refs["naam"], refs["waarde"])]
    rule = alt.Chart(refs).mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="waarde:Q", color=alt.Color("naam:N", scale=alt.Scale(domain=["Nederland", "Roermond"], range=["#000", "#2166ac"]),
                                      title="Referentie"),
        tooltip=[alt.Tooltip("tekst:N", title="Referentie")])
    return alt.layer(bars, text, rule).resolve_scale(color="independent").properties(
        width=width, title=alt.Title(f"Wijken gerangschikt, {period_label(meting, year)}",
                                     subtitle="stippellijn: Nederland (zwart) en Roermond (blauw)"))


def small_multiples(obs: pd.DataFrame, indicators: list[str], meting: int, gemeentecode: str = "GM0957",
                    columns: int = 4) -> alt.ConcatChart:
    """One small map per indicator (each with its own scale around Nederland's value)."""
    shapes = wijk_shapes(gemeentecode, tolerance=0.0008)
    charts = []
    for ind in indicators:
        try:
            ch = choropleth(obs, ind, meting=meting, shapes=shapes, width=170, height=160, labels=False,
                            title=[catalogue_entry(ind)["label"]], legend=False)
        except NoDataError as exc:
            note = pd.DataFrame({"t": [str(exc).split(": ", 1)[-1][:60]]})
            ch = alt.Chart(note).mark_text(fontSize=10, color="#666").encode(text="t:N").properties(
                width=170, height=160, title=catalogue_entry(ind)["label"])
        charts.append(ch.properties(title=alt.Title(catalogue_entry(ind)["label"], fontSize=10, limit=190)))
    return alt.concat(*charts, columns=columns).properties(
        title=alt.Title(f"Alle KPI's per wijk, {meting}-meting",
                        subtitle="groen = gunstiger, roze = ongunstiger dan Nederland; grijs = geen gegevens"))


def explorer(obs: pd.DataFrame, indicators: list[str], metingen=(0, 1), gemeentecode: str = "GM0957") -> alt.HConcatChart:
    """Interactive: pick indicator and meting; click a wijk to highlight it in the ranked bars.

    Pure vega-lite parameters, so it works in JupyterLab and in exported HTML without a kernel.
    Colour is the deviation from Nederland relative to Nederland's value, signed so that
    positive is favourable, which puts every indicator on one scale.
    """
    rows = []
    for ind in indicators:
        sign = cmp.direction_sign(ind)  # no desired direction: no "favourable", so no colour
        for m in metingen:
            try:
                c = cmp.compare(obs, ind, meting=m)
            except NoDataError:
                continue
            for r in c.itertuples():
                gunst = (sign * r.difference / r.reference_value * 100
                         if sign and pd.notna(r.difference) and r.reference_value else None)
                rows.append({"indicator": ind, "meting": m, "wijkcode": r.area_code, "wijk": r.area_name,
                             "value": None if pd.isna(r.value) else float(r.value), "waarde": fmt(ind, r.value),
                             "landelijk": fmt(ind, r.reference_value), "gunst": None if gunst is None or pd.isna(gunst) else round(gunst, 1)})
    long = pd.DataFrame(rows)
    shapes = wijk_shapes(gemeentecode)
    geo = alt.Data(values=[{"wijkcode": c, "type": "Feature", "geometry": mapping(g)}
                           for c, g in zip(shapes["wijkcode"], shapes.geometry)])
    present = [i for i in indicators if i in set(long["indicator"])]
    pick_ind = alt.param(name="indicator", value=present[0], bind=alt.binding_select(
        options=present, labels=[catalogue_entry(i)["label"] for i in present], name="Indicator "))
    pick_met = alt.param(name="meting", value=max(metingen), bind=alt.binding_radio(
        options=list(metingen), labels=[f"{m}-meting" for m in metingen], name="Meting "))
    click = alt.selection_point(name="wijk_klik", fields=["wijkcode"], on="click", clear="dblclick")
    base = alt.Chart(long).transform_filter("datum.indicator == indicator && datum.meting == meting")
    tooltip = [alt.Tooltip("wijk:N", title="Wijk"), alt.Tooltip("waarde:N", title="Waarde"),
               alt.Tooltip("landelijk:N", title="Nederland"),
               alt.Tooltip("gunst:Q", title="Gunstiger dan NL (%)", format=",.1f")]
    gunst_scale = alt.Scale(scheme=SCHEME, domainMid=0, domain=[-100, 100], clamp=True)
    colour = alt.condition("isValid(datum.gunst)", alt.Color(
        "gunst:Q", scale=gunst_scale,
        title=["Afwijking t.o.v. Nederland", "(% van landelijke waarde, + = gunstiger)"]), alt.value(NO_DATA_COLOUR))
    mapc = base.transform_lookup(lookup="wijkcode", from_=alt.LookupData(geo, "wijkcode", ["type", "geometry"])).mark_geoshape(
        stroke="white").encode(color=colour, strokeWidth=alt.condition(click, alt.value(3), alt.value(0.8)),
                              tooltip=tooltip).project(type="mercator").add_params(pick_ind, pick_met, click).properties(
        width=380, height=360, title=alt.Title("Verkenner: kies indicator en meting", subtitle="klik op een wijk; dubbelklik wist"))
    bars = base.mark_bar().encode(
        y=alt.Y("wijk:N", sort="-x", title=None),
        x=alt.X("gunst:Q", title="Gunstiger dan Nederland (% van landelijke waarde)"),
        color=alt.condition(click, alt.Color("gunst:Q", scale=gunst_scale, legend=None), alt.value("#eeeeee")),
        stroke=alt.condition(click, alt.value("#000"), alt.value(None)),
        tooltip=tooltip).properties(width=300, height=360, title="Wijken gerangschikt")
    return alt.hconcat(mapc, bars)


def roermond_vs_nederland(obs: pd.DataFrame, dataset: str = "bijlage_2a", meting: int = 1) -> alt.Chart:
    """Dot chart: Roermond per KPI as an index with Nederland = 100, one row per KPI, per opgave."""
    from analysis.catalogue import catalogue

    sel = obs[(obs["dataset"] == dataset) & (obs["meting"] == meting)]
    wide = sel.pivot_table(index="indicator", columns="area_code", values="value").dropna()
    cat = catalogue()
    df = pd.DataFrame({"indicator": wide.index, "roermond": wide["GM0957"].values, "nederland": wide[NL_CODE].values})
    df["index"] = (df["roermond"] / df["nederland"] * 100).round(1)
    df["kpi"] = df["indicator"].map(cat["label"])
    df["opgave"] = df["indicator"].map(cat["opgave"]).str.split(";").str[0]
    sign = df["indicator"].map(cmp.direction_sign)
    df["oordeel"] = ["gunstiger" if s * (i - 100) > 0 else "ongunstiger" if s * (i - 100) < 0 else "gelijk"
                     for s, i in zip(sign, df["index"])]
    df["roermond_txt"] = [fmt(i, v) for i, v in zip(df["indicator"], df["roermond"])]
    df["nederland_txt"] = [fmt(i, v) for i, v in zip(df["indicator"], df["nederland"])]
    base = alt.Chart(df)
    rule = base.mark_rule(color="#000", strokeDash=[4, 3]).encode(x=alt.datum(100))
    dots = base.mark_circle(size=110, opacity=1).encode(
        x=alt.X("index:Q", title="Roermond als index (Nederland = 100)", scale=alt.Scale(zero=False)),
        y=alt.Y("kpi:N", title=None, sort="-x", axis=alt.Axis(labelLimit=340)),
        color=alt.Color("oordeel:N", scale=alt.Scale(domain=["gunstiger", "gelijk", "ongunstiger"],
                                                     range=["#4d9221", "#999999", "#c51b7d"]), title="Roermond t.o.v. NL"),
        tooltip=[alt.Tooltip("kpi:N", title="KPI"), alt.Tooltip("roermond_txt:N", title="Roermond"),
                 alt.Tooltip("nederland_txt:N", title="Nederland"), alt.Tooltip("index:Q", title="Index", format=",.1f")])
    return alt.layer(rule, dots).properties(width=360, height=alt.Step(18)).facet(
        row=alt.Row("opgave:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"))
    ).resolve_scale(y="independent").properties(
        title=alt.Title(f"Roermond t.o.v. Nederland, {meting}-meting", subtitle="index: Nederland = 100"))


def locator(gemeentecode: str, wijkcode: str, year: int = 2024) -> alt.LayerChart:
    """The wijk highlighted within its gemeente."""
    shapes = wijk_shapes(gemeentecode, year)
    shapes["gekozen"] = shapes["wijkcode"] == wijkcode
    data = _geo_values(shapes, ["wijkcode", "wijknaam", "gekozen"])
    m = alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=1).encode(
        color=alt.condition("datum.properties.gekozen", alt.value("#2166ac"), alt.value("#d9d9d9")),
        tooltip=alt.Tooltip("properties.wijknaam:N", title="Wijk")).project(type="mercator")
    return alt.layer(m, _labels(shapes)).properties(width=320, height=300, title="Ligging in de gemeente")


def export(chart: alt.TopLevelMixin, path: str | Path, scale: float = 2.0) -> Path:
    """Write a chart to PNG or SVG (by suffix) with vl-convert: no browser, no internet."""
    path = Path(path)
    spec = chart.to_dict()
    if path.suffix == ".png":
        data = vlc.vegalite_to_png(spec, scale=scale, format_locale=FORMAT_LOCALE)
        return write_atomic(path, lambda p: p.write_bytes(data))
    if path.suffix == ".svg":
        svg = vlc.vegalite_to_svg(spec, format_locale=FORMAT_LOCALE)
        return write_atomic(path, lambda p: p.write_text(svg, encoding="utf-8"))
    raise ValueError(f"export path {path}: use .png or .svg")


def spec_size_kb(chart: alt.TopLevelMixin) -> float:
    return len(json.dumps(chart.to_dict())) / 1024


def wijk_vs_references(tab: pd.DataFrame, wijknaam: str, meting: int = 1) -> alt.LayerChart:
    """Per KPI the wijk, Roermond and Nederland as an index (Nederland = 100)."""
    rows = []
    for r in tab.itertuples():
        ref = getattr(r, f"nederland_{meting}", None)
        if ref is None or pd.isna(ref) or not ref:
            continue
        for who, v in ((wijknaam, getattr(r, f"wijk_{meting}", None)), ("Roermond", getattr(r, f"gemeente_{meting}", None))):
            if v is not None and pd.notna(v):
                rows.append({"kpi": r.KPI, "wie": who, "index": round(v / ref * 100, 1), "waarde": fmt(r.indicator, v),
                             "nederland": fmt(r.indicator, ref)})
    df = pd.DataFrame(rows)
    if df.empty:
        raise NoDataError(f"{wijknaam}: no indicator with a national value for the {meting}-meting")
    base = alt.Chart(df)
    return alt.layer(
        base.mark_rule(color="#000", strokeDash=[4, 3]).encode(x=alt.datum(100)),
        base.mark_circle(size=100, opacity=1).encode(
            x=alt.X("index:Q", title="Index (Nederland = 100)", scale=alt.Scale(zero=False)),
            y=alt.Y("kpi:N", title=None, axis=alt.Axis(labelLimit=340)),
            color=alt.Color("wie:N", scale=alt.Scale(domain=[wijknaam, "Roermond"], range=["#c51b7d", "#2166ac"]), title=None),
            tooltip=[alt.Tooltip("kpi:N", title="KPI"), alt.Tooltip("wie:N", title="Gebied"),
                     alt.Tooltip("waarde:N", title="Waarde"), alt.Tooltip("nederland:N", title="Nederland")]),
    ).properties(width=360, title=alt.Title(f"{wijknaam} en Roermond t.o.v. Nederland, {meting}-meting",
                                            subtitle="stippellijn = Nederland; let op de gewenste richting per KPI"))


def age_chart(ages: pd.DataFrame) -> alt.Chart:
    """Grouped bars of the age structure (share of inhabitants) for wijk and gemeente."""
    ages = ages.assign(tekst=[format_nl(v, 1, "%") for v in ages["aandeel"]])
    return alt.Chart(ages).mark_bar().encode(
        x=alt.X("leeftijd:N", title="Leeftijd (jaar)", axis=alt.Axis(labelAngle=0)),
        xOffset="area_name:N", y=alt.Y("aandeel:Q", title="Aandeel inwoners (%)"),
        color=alt.Color("area_name:N", title=None, scale=alt.Scale(range=["#c51b7d", "#2166ac"])),
        tooltip=[alt.Tooltip("area_name:N", title="Gebied"), alt.Tooltip("leeftijd:N", title="Leeftijd"),
                 alt.Tooltip("tekst:N", title="Aandeel")],
    ).properties(width=340, height=200, title=f"Leeftijdsopbouw (CBS, {int(ages['year'].iloc[0])})")
