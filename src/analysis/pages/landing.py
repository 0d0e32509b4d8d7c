"""Landing pages built from what is on disk: `reports/<GM>/index.html` and `reports/index.html`.

A gemeente's page has a clickable wijk map (a click opens the wijk profile), the headline
indicator per wijk as a ranked table with bars, and links to the overview and indicator map;
profiles that do not exist (yet) are named, not linked. The root page lists every gemeente
folder `reports/GM*/` with a landing page, so running one gemeente never drops another.
"""
from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import pandas as pd
from shapely.geometry import mapping

from analysis.build import gemeenten
from analysis.charts.labels import Mercator
from analysis.charts.maps import NO_DATA_COLOUR, _legend_format
from analysis.core.atomic import write_text_atomic
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import NoDataError, WijkmonitorError
from analysis.pages import webpage
from analysis.rules import period
from analysis.sources import pdok

DEFAULT_HEADLINES = ("households_below_120pct_social_minimum_pct", "population_density")
META = "wijkmonitor:gemeente"
_META_RE = re.compile(r'<meta name="wijkmonitor:gemeente" content="([^"]*)">')


def default_headline(obs: pd.DataFrame, headline: str | None = None) -> str:
    """The monitor's headline if the data has it, else the first of DEFAULT_HEADLINES present."""
    present = set(obs.loc[obs["area_level"] == "wijk", "indicator"].unique())
    for ind in ([headline] if headline else []) + list(DEFAULT_HEADLINES):
        if ind in present:
            return ind
    raise ValueError(f"no headline indicator: none of {([headline] if headline else []) + list(DEFAULT_HEADLINES)} "
                     "has wijk values in the observations")


def headline_values(obs: pd.DataFrame, indicator: str, wijken: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """One value per wijk of `wijken` (wijkcode, wijknaam) for the latest period with wijk values.

    Returns the table (wijkcode, wijknaam, value, waarde) and the period's label.
    """
    sel = obs[(obs["indicator"] == indicator) & (obs["area_level"] == "wijk")]
    try:
        meting, year = period.choose(obs, indicator, level="wijk")
        sel, label = period.rows_at(sel, indicator, meting, year), period.label(meting, year)
    except NoDataError:
        sel, label = sel.iloc[:0], "geen gegevens"
    vals = period.first_per_area(sel).set_index("area_code")["value"] if len(sel) else pd.Series(dtype=float)
    out = wijken[["wijkcode", "wijknaam"]].copy()
    out["value"] = pd.to_numeric(out["wijkcode"].map(vals), errors="coerce").astype(float)
    out["waarde"] = [fmt(indicator, v) if pd.notna(v) else "geen gegevens" for v in out["value"]]
    return out, label


MAP_SIZE = (460, 420)
NUMBER_RADIUS = 9.5  # px: the number's circle (size 260 px² ≈ radius 9.1) and a little room


def _numbers_that_fit(web, points, nr) -> set[str]:
    """The wijken whose number circle does not touch an earlier one (in table order) on the drawn map.

    Amsterdam has 111 wijken on a 460 px map: drawn all, the numbers in the centre cover each
    other. A wijk without a number is still coloured, named in its tooltip and linked.
    """
    proj = Mercator(web.geometry, *MAP_SIZE)
    xy = {code: proj(p.x, p.y) for code, p in zip(web["wijkcode"], points)}
    kept: list[tuple[float, float]] = []
    out = set()
    for code in sorted(xy, key=lambda c: nr[c]):
        x, y = xy[code]
        if all((x - a) ** 2 + (y - b) ** 2 >= (2 * NUMBER_RADIUS) ** 2 for a, b in kept):
            kept.append((x, y))
            out.add(code)
    return out


def _map_spec(shapes, table: pd.DataFrame, indicator: str, legend_title: str) -> dict:
    """vega-lite: wijken coloured by the headline value, numbered, each linked to its profile."""
    web = pdok.simplify_for_web(shapes)
    t = table.set_index("wijkcode")
    feats, points = [], []
    pts = web.geometry.representative_point()
    numbered = _numbers_that_fit(web, pts, t["nr"])
    for code, geom, pt in zip(web["wijkcode"], web.geometry, pts):
        r = t.loc[code]
        props = {"wijkcode": code, "wijknaam": r["wijknaam"], "nr": int(r["nr"]),
                 "value": None if pd.isna(r["value"]) else float(r["value"]), "waarde": r["waarde"],
                 "href": r["href"] or None,
                 "klik": "klik voor het wijkprofiel" if r["href"] else "nog geen wijkprofiel"}
        feats.append({"type": "Feature", "geometry": mapping(geom), "properties": props})
        if code in numbered:
            points.append({"lon": round(pt.x, 5), "lat": round(pt.y, 5), "nr": int(r["nr"]), "href": r["href"] or None,
                           "wijknaam": r["wijknaam"], "waarde": r["waarde"], "klik": props["klik"]})
    tooltip = [{"field": "properties.wijknaam", "type": "nominal", "title": "Wijk"},
               {"field": "properties.waarde", "type": "nominal", "title": legend_title},
               {"field": "properties.klik", "type": "nominal", "title": " "}]
    colour = {"field": "properties.value", "type": "quantitative", "scale": {"scheme": "blues"},
              "legend": {"title": legend_title, "orient": "bottom", "titleLimit": 400, "format": _legend_format(indicator),
                         "gradientLength": 260}}
    geo = {"data": {"values": feats}, "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 1.2,
                                                 "cursor": "pointer"}}
    enc = {"href": {"field": "properties.href", "type": "nominal"}, "tooltip": tooltip}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": MAP_SIZE[0], "height": MAP_SIZE[1], "projection": {"type": "mercator"},
        "layer": [
            {**geo, "transform": [{"filter": "!isValid(datum.properties.value)"}],
             "encoding": {**enc, "color": {"value": NO_DATA_COLOUR}}},
            {**geo, "transform": [{"filter": "isValid(datum.properties.value)"}],
             "encoding": {**enc, "color": colour}},
            {"data": {"values": points}, "mark": {"type": "circle", "size": 260, "color": "white", "opacity": 0.9,
                                                    "stroke": "#333", "strokeWidth": 0.8, "cursor": "pointer"},
             "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                          "latitude": {"field": "lat", "type": "quantitative"},
                          "href": {"field": "href", "type": "nominal"},
                          "tooltip": [{"field": "wijknaam", "title": "Wijk"}, {"field": "waarde", "title": legend_title},
                                      {"field": "klik", "title": " "}]}},
            {"data": {"values": points}, "mark": {"type": "text", "fontSize": 11, "fontWeight": "bold",
                                                    "color": "#222", "cursor": "pointer"},
             "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                          "latitude": {"field": "lat", "type": "quantitative"},
                          "text": {"field": "nr", "type": "quantitative"},
                          "href": {"field": "href", "type": "nominal"}}},
        ],
        "padding": {"left": 12, "right": 12, "top": 5, "bottom": 5},
        "config": {"view": {"stroke": None}},
    }


def _meta(page: str) -> dict | None:
    m = _META_RE.search(page)
    return json.loads(html.unescape(m.group(1))) if m else None


def write_gemeente_index(reports_root: Path, gemeentecode: str, obs: pd.DataFrame, shapes,
                         headline: str | None = None, gemeente_name: str | None = None,
                         page_dir: Path | None = None, *, links) -> Path:
    """Write `reports_root/<GM>/index.html` (or `page_dir/index.html`) from the pages on disk.

    `links`: (stem, label, description) of the pages to link (analysis.batch.plan.landing_links)."""
    reports_root = Path(reports_root)
    page_dir = Path(page_dir or reports_root / gemeentecode)
    webpage.ensure_static(reports_root)
    name = gemeente_name or _name_of(obs, gemeentecode)
    ind = default_headline(obs, headline)
    e = catalogue_entry(ind)
    unit = f" ({e['unit']})" if e["unit"] and e["unit"] != "%" else ""
    legend_title = e["label"] + (" (%)" if e["unit"] == "%" else unit)
    column = "Waarde" + (" (%)" if e["unit"] == "%" else unit)
    wijken = pd.DataFrame({"wijkcode": list(shapes["wijkcode"]), "wijknaam": list(shapes["wijknaam"])})
    table, period = headline_values(obs, ind, wijken)
    table = table.sort_values(["value", "wijknaam"], ascending=[False, True], na_position="last", kind="stable").reset_index(drop=True)
    table["nr"] = range(1, len(table) + 1)
    # "" when the profile is not on disk (pandas 3 would turn None into NaN in a str column)
    table["href"] = pd.Series([f"wijkprofiel_{c}.html" if (page_dir / f"wijkprofiel_{c}.html").is_file() else ""
                               for c in table["wijkcode"]], index=table.index, dtype=object)
    spec = _map_spec(shapes, table, ind, legend_title)
    n_numbers = len(spec["layer"][2]["data"]["values"])
    hidden = (f"; {len(table) - n_numbers} wijken hebben op de kaart geen nummer: daar is geen ruimte (wijs de wijk aan voor de naam)"
              if n_numbers < len(table) else "")
    direction = {"lower": "Lager is gunstiger. ", "higher": "Hoger is gunstiger. "}.get(e["direction"], "")

    vmax = table["value"].max()
    rows = []
    for r in table.itertuples():
        wijk = (f'<a href="{r.href}">{html.escape(r.wijknaam)}</a>' if r.href
                else f'{html.escape(r.wijknaam)} <span class="wm-missing">(nog geen profiel)</span>')
        bar = (f'<span style="width:{max(1.0, r.value / vmax * 100):.0f}%"></span>'
               if pd.notna(r.value) and pd.notna(vmax) and vmax > 0 else "")
        rows.append(f'<tr><td class="wm-num">{r.nr}</td><td>{wijk}</td><td>{html.escape(r.wijkcode)}</td>'
                    f'<td class="wm-num">{html.escape(r.waarde)}</td><td class="wm-bar">{bar}</td></tr>')
    missing = [w for w, h in zip(table["wijknaam"], table["href"]) if not h]
    cards = []
    for stem, label, what in links:
        if (page_dir / f"{stem}.html").is_file():
            cards.append(f'<li><a href="{stem}.html">{label}</a><br><span class="wm-note">{what}</span></li>')
        else:
            cards.append(f'<li>{label}<br><span class="wm-note">nog niet beschikbaar</span></li>')
    n_prof = int((table["href"] != "").sum())
    meta = {"code": gemeentecode, "name": name, "profiles": n_prof, "wijken": len(table),
            "headline": e["label"], "period": period,
            "pages": [stem for stem, _, _ in links if (page_dir / f"{stem}.html").is_file()]}
    body = [
        f"<h1>Wijkmonitor {html.escape(name)}</h1>",
        f"<p>Gemeente {html.escape(name)} ({gemeentecode}): {n_prof} van de {len(table)} wijken hebben een wijkprofiel. "
        "Klik op een wijk in de kaart of in de tabel om het wijkprofiel te openen.</p>",
        '<ul class="wm-cards">' + "".join(cards) + "</ul>",
        f"<h2>{html.escape(e['label'])} per wijk, {html.escape(period)}</h2>",
        '<div class="wm-grid"><div><div id="kaart" class="wm-chart"></div>'
        f'<p class="wm-note">De nummers op de kaart staan ook in de tabel{hidden}. {direction}Grijs: geen gegevens.</p></div>',
        '<div><table class="wm-table"><thead><tr><th class="wm-num">Nr.</th><th>Wijk</th><th>Code</th>'
        f'<th class="wm-num">{html.escape(column)}</th><th></th></tr></thead><tbody>' + "\n".join(rows)
        + "</tbody></table></div></div>",
    ]
    if missing:
        body.append(f'<p class="wm-note">Nog geen wijkprofiel voor: {html.escape(", ".join(missing))}.</p>')
    spec_js = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    body.append(f'<script>wijkmonitor.embed("kaart", {spec_js}, WM_OPTS);</script>')
    head = (webpage.page_head(webpage._rel(reports_root / webpage.STATIC_DIR, page_dir), False)
            + f"\n<script>var WM_OPTS = {webpage._embed_options()};</script>"
            + f'\n<meta name="{META}" content="{html.escape(json.dumps(meta, ensure_ascii=False))}">')
    nav = webpage.nav_html(webpage._rel(reports_root, page_dir), gemeente_index=False)
    footer = (f"Bronnen: CBS; CBS/Kadaster (PDOK), CC BY 4.0; gemeente {html.escape(name)}. "
              f"Gemaakt met wijkmonitor op {time.strftime('%d-%m-%Y %H:%M')}.")
    page = webpage._shell(f"Wijkmonitor {name}", "\n".join(body), head, nav, footer)
    return write_text_atomic(page_dir / "index.html", page)


def _name_of(obs: pd.DataFrame, gemeentecode: str) -> str:
    try:
        return gemeenten.name(gemeentecode)
    except WijkmonitorError:  # not in the boundary data: the name the observations give
        names = obs.loc[obs["area_code"] == gemeentecode, "area_name"].dropna()
        return str(names.iloc[0]) if len(names) else gemeentecode


def gemeenten_on_disk(reports_root: Path, links) -> list[dict]:
    """Every `reports_root/GM*/` with reports: its landing page's metadata, or what the folder holds."""
    out = []
    for d in sorted(Path(reports_root).glob("GM*")):
        if not d.is_dir():
            continue
        index = d / "index.html"
        meta = _meta(index.read_text(encoding="utf-8")) if index.is_file() else None
        if meta is None:
            profiles = len(list(d.glob("wijkprofiel_*.html")))
            pages = [stem for stem, _, _ in links if (d / f"{stem}.html").is_file()]
            if not profiles and not pages:
                continue
            meta = {"code": d.name, "name": d.name, "profiles": profiles, "wijken": None, "headline": None,
                    "period": None, "pages": pages}
        meta["index"] = index.is_file()
        out.append(meta)
    return out


def write_root_index(reports_root: Path, links) -> Path:
    """Write `reports_root/index.html`: every gemeente that has reports, from what is on disk
    (`links`: as for write_gemeente_index)."""
    reports_root = Path(reports_root)
    webpage.ensure_static(reports_root)
    rows = []
    gms = gemeenten_on_disk(reports_root, links)
    for g in sorted(gms, key=lambda g: g["name"]):
        code = html.escape(g["code"])
        name = html.escape(g["name"])
        first = f'<a href="{code}/index.html">{name}</a>' if g["index"] else name
        linked = " · ".join(f'<a href="{code}/{stem}.html">{label}</a>' for stem, label, _ in links if stem in g["pages"])
        wijken = f"{g['profiles']} van {g['wijken']}" if g.get("wijken") else str(g["profiles"])
        kern = html.escape(f"{g['headline']}, {g['period']}") if g.get("headline") else "-"
        rows.append(f"<tr><td>{first}</td><td>{code}</td><td class=\"wm-num\">{wijken}</td><td>{linked or '-'}</td>"
                    f"<td>{kern}</td></tr>")
    intro = (f"<p>Rapporten voor {len(gms)} gemeente{'n' if len(gms) != 1 else ''}. Kies een gemeente voor de kaart "
             "met haar wijken en de wijkprofielen.</p>" if gms else "<p>Er zijn nog geen rapporten gemaakt.</p>")
    body = ("<h1>Wijkmonitor</h1>" + intro +
            '<table class="wm-table"><thead><tr><th>Gemeente</th><th>Code</th><th class="wm-num">Wijkprofielen</th>'
            "<th>Overzicht en kaart</th><th>Kernindicator op de kaart</th></tr></thead><tbody>" + "\n".join(rows) + "</tbody></table>")
    head = webpage.page_head(webpage.STATIC_DIR, False, charts=False)
    footer = f"Bronnen: CBS; CBS/Kadaster (PDOK), CC BY 4.0; de gemeenten. Gemaakt met wijkmonitor op {time.strftime('%d-%m-%Y %H:%M')}."
    return write_text_atomic(reports_root / "index.html", webpage._shell("Wijkmonitor", body, head, "", footer))
