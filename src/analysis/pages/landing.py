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
from collections import Counter
from pathlib import Path

import pandas as pd

from analysis.build import gemeenten
from analysis.charts import maps
from analysis.charts.maps import GELIJK, GUNSTIG, ONGUNSTIG
from analysis.core.areas import NL_CODE
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import NoDataError, WijkmonitorError
from analysis.core.settings import BOUNDARY_YEAR
from analysis.rules import compare as cmp, period
from analysis.rules.region import region_rows
from analysis.core.atomic import write_text_atomic
from analysis.pages import webpage
from analysis.sources import pdok

DEFAULT_HEADLINES = ("households_below_120pct_social_minimum_pct", "population_density")
# The country page's map: the first of these that the gemeente and Nederland both have (CBS, per gemeente).
COUNTRY_INDICATORS = ("households_social_minimum_pct", "households_below_120pct_social_minimum_pct")
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
        sel, label = period.rows_at(sel, indicator, meting, year), period.period_label(obs, indicator, meting, year)
    except NoDataError:
        sel, label = sel.iloc[:0], "geen gegevens"
    vals = period.first_per_area(sel).set_index("area_code")["value"] if len(sel) else pd.Series(dtype=float)
    out = wijken[["wijkcode", "wijknaam"]].copy()
    out["value"] = pd.to_numeric(out["wijkcode"].map(vals), errors="coerce").astype(float)
    out["waarde"] = [fmt(indicator, v) if pd.notna(v) else "geen gegevens" for v in out["value"]]
    return out, label


def _meta(page: str) -> dict | None:
    m = _META_RE.search(page)
    return json.loads(html.unescape(m.group(1))) if m else None


def _klasse(better) -> str:
    return {True: "gunstiger", False: "ongunstiger"}.get(better, "ongeveer gelijk" if better is None else "")


def _table_rows(obs: pd.DataFrame, ind: str, gemeentecode: str, name: str, wijken: pd.DataFrame,
                numbers: dict[str, int], hrefs: dict[str, str]) -> tuple[list[str], dict | None]:
    """The table's rows: the wijken, most favourable first (rules.compare), then the gemeente and Nederland.

    Returns the rows' HTML and the reference (rules.period.reference, with the period) or None
    when no wijk has a value."""
    try:
        c, ref = cmp.wijken(obs, ind, gemeentecode)
    except NoDataError:
        c, ref = pd.DataFrame(columns=["area_code", "value", "better", "klasse"]), None
    c = c.drop_duplicates("area_code").set_index("area_code")
    t = wijken.copy()
    t["value"] = pd.to_numeric(t["wijkcode"].map(c["value"]), errors="coerce").astype(float)
    t["better"] = t["wijkcode"].map(c["better"]) if "better" in c else None
    t["known"] = t["wijkcode"].map(c["klasse"]).notna() if "klasse" in c else False
    sign = cmp.direction_sign(ind) or 1  # no direction: highest first
    t = t.assign(_k=-t["value"] * sign).sort_values(["_k", "wijknaam"], na_position="last", kind="stable")
    vmax = max([abs(v) for v in t["value"].dropna()] or [0.0])
    colour = {True: GUNSTIG, False: ONGUNSTIG}

    def bar(v, better, known):
        if pd.isna(v) or not vmax:
            return ""
        col = colour.get(better, GELIJK) if known else GELIJK
        return f'<span style="width:{max(1.0, abs(v) / vmax * 100):.0f}%;background:{col}"></span>'

    rows = []
    for r in t.itertuples():
        nr = f'<span class="wm-nr" title="nummer op de kaart">{numbers[r.wijkcode]}</span> ' if r.wijkcode in numbers else ""
        href = hrefs.get(r.wijkcode)
        wijk = (f'<span class="wm-nowrap">{nr}<a href="{href}">{html.escape(r.wijknaam)}</a></span>' if href
                else f'{nr}{html.escape(r.wijknaam)} <span class="wm-missing">(nog geen profiel)</span>')
        waarde = fmt(ind, r.value) if pd.notna(r.value) else "geen gegevens"
        if pd.isna(r.value) or not r.known:
            oordeel = "-" if pd.isna(r.value) else ""
        elif cmp.direction_sign(ind):
            oordeel = _klasse(r.better)
        else:  # no desired direction: only higher or lower
            oordeel = {"below": "lager", "above": "hoger", "about_equal": "ongeveer gelijk"}.get(c["klasse"].get(r.wijkcode), "")
        rows.append(f'<tr><th scope="row">{wijk}</th><td class="wm-num">{html.escape(waarde)}</td>'
                    f'<td>{oordeel}</td><td class="wm-bar">{bar(r.value, r.better, r.known)}</td></tr>')
    if ref is not None:
        at = period.rows_at(obs, ind, ref["meting"], ref["year"])
        gem = period.first_per_area(at[(at["area_code"] == gemeentecode) & (at["status"] == "ok")])
        gv = float(gem["value"].iloc[0]) if len(gem) else float("nan")
        sign = cmp.direction_sign(ind)
        k = cmp.classify([gv], [ref["value"]], sign)
        g_oordeel = "" if pd.isna(gv) or ref["kind"] == "gemeente" else (
            _klasse(k["better"][0]) if sign else {"below": "lager", "above": "hoger"}.get(k["klasse"][0], "ongeveer gelijk"))
        rows.append(f'<tr class="wm-ref"><th scope="row">Gemeente {html.escape(name)}</th>'
                    f'<td class="wm-num">{html.escape(fmt(ind, gv)) if pd.notna(gv) else "geen gegevens"}</td>'
                    f'<td>{g_oordeel}</td><td class="wm-bar">{bar(gv, k["better"][0], k["klasse"][0] is not None)}</td></tr>')
        nl_note = "" if ref["kind"] == "zelfde" else f' <span class="wm-note">({html.escape(ref["tekst"])})</span>'
        if ref.get("name") == "Nederland" or ref["kind"] != "gemeente":
            rows.append(f'<tr class="wm-ref"><th scope="row">Nederland{nl_note}</th>'
                        f'<td class="wm-num">{html.escape(fmt(ind, ref["value"]))}</td><td></td>'
                        f'<td class="wm-bar">{bar(ref["value"], None, False)}</td></tr>')
        else:
            rows.append(f'<tr class="wm-ref"><th scope="row">Nederland</th><td class="wm-num">geen gegevens</td>'
                        '<td></td><td class="wm-bar"></td></tr>')
    return rows, ref


def country_figures(obs: pd.DataFrame, gemeentecode: str) -> list[dict]:
    """The gemeente's CBS figures for the country page: per indicator of COUNTRY_INDICATORS every year
    the gemeente and Nederland both have (indicator, year, value, Nederland's value). The country page
    shows the indicator and year most gemeenten have, so that they compare on one footing."""
    class _One:
        gemeenten = [gemeentecode]

    rows = region_rows(obs, _One())
    out = []
    for ind in COUNTRY_INDICATORS:
        r = rows[rows["indicator"] == ind]
        gem = r[r["area_code"] == gemeentecode].set_index("year")["value"]
        nl = r[r["area_code"] == NL_CODE].set_index("year")["value"]
        out += [{"indicator": ind, "year": int(y), "value": float(gem[y]), "nl": float(nl[y])}
                for y in sorted(set(gem.index) & set(nl.index))]
    return out


def write_gemeente_index(reports_root: Path, gemeentecode: str, obs: pd.DataFrame, shapes,
                         headline: str | None = None, gemeente_name: str | None = None,
                         page_dir: Path | None = None, *, links) -> Path:
    """Write `reports_root/<GM>/index.html` (or `page_dir/index.html`) from the pages on disk.

    `links`: (stem, label, description) of the pages to link (analysis.batch.plan.landing_links).

    The map is the wijk map of every other page (charts.maps.choropleth: green = gunstiger, pink =
    ongunstiger than Nederland, the same names and numbers) with each wijk linked to its profile."""
    reports_root = Path(reports_root)
    page_dir = Path(page_dir or reports_root / gemeentecode)
    webpage.ensure_static(reports_root)
    name = gemeente_name or _name_of(obs, gemeentecode)
    ind = default_headline(obs, headline)
    e = catalogue_entry(ind)
    unit = f" ({e['unit']})" if e["unit"] and e["unit"] != "%" else ""
    column = "Waarde" + (" (%)" if e["unit"] == "%" else unit)
    web = pdok.simplify_for_web(shapes)
    wijken = pd.DataFrame({"wijkcode": list(shapes["wijkcode"]), "wijknaam": list(shapes["wijknaam"])})
    hrefs = {c: f"wijkprofiel_{c}.html" for c in wijken["wijkcode"] if (page_dir / f"wijkprofiel_{c}.html").is_file()}
    numbers = maps.map_numbers(web)
    rows, ref = _table_rows(obs, ind, gemeentecode, name, wijken, numbers, hrefs)
    period_label = ref["period"] if ref else "geen gegevens"
    try:
        spec = maps.choropleth(obs, ind, gemeentecode, shapes=web, links=hrefs).to_dict()
    except NoDataError as exc:
        spec, why = None, str(exc)
    missing = [w for w, c in zip(wijken["wijknaam"], wijken["wijkcode"]) if c not in hrefs]
    cards = []
    for stem, label, what in links:
        if (page_dir / f"{stem}.html").is_file():
            cards.append(f'<li><a href="{stem}.html">{label}</a><br><span class="wm-note">{what}</span></li>')
        else:
            cards.append(f'<li>{label}<br><span class="wm-note">nog niet beschikbaar</span></li>')
    n_prof = len(hrefs)
    meta = {"code": gemeentecode, "name": name, "profiles": n_prof, "wijken": len(wijken),
            "headline": e["label"], "period": period_label,
            "pages": [stem for stem, _, _ in links if (page_dir / f"{stem}.html").is_file()],
            "country": country_figures(obs, gemeentecode)}
    direction = {"lower": "lager is gunstiger", "higher": "hoger is gunstiger"}.get(e["direction"])
    order = "Wijken van gunstig naar ongunstig" if direction else "Wijken van hoog naar laag (geen gewenste richting)"
    ref_text = (f"vergeleken met {ref['short']}" + (f", {direction}" if direction else "")) if ref else ""
    versus = f"t.o.v. {ref['short']}" if ref else "t.o.v. Nederland"
    numbered = (" Een nummer voor de naam is het nummer van de wijk op de kaart (zoals op de andere kaarten)."
                if numbers else "")
    body = [
        f"<h1>Wijkmonitor {html.escape(name)}</h1>",
        f"<p>Gemeente {html.escape(name)} ({gemeentecode}): {n_prof} van de {len(wijken)} wijken hebben een wijkprofiel. "
        "Klik op een wijk in de kaart of in de tabel om het wijkprofiel te openen.</p>",
        '<ul class="wm-cards">' + "".join(cards) + "</ul>",
        f"<h2>{html.escape(e['label'])} per wijk, {html.escape(period_label)}</h2>",
        '<div class="wm-grid"><div class="wm-grid-map">'
        + ('<div id="kaart" class="wm-chart"></div>' if spec else f'<p class="wm-note">Geen kaart: {html.escape(why)}.</p>')
        + "</div>",
        f'<div class="wm-grid-table"><p class="wm-note">{order}{", " + html.escape(ref_text) if ref_text else ""}.{numbered}</p>'
        f'<div class="wm-table-wrap"><table class="wm-table wm-landing"><thead><tr><th scope="col">Wijk</th>'
        f'<th scope="col" class="wm-num">{html.escape(column)}</th><th scope="col">{html.escape(versus)}</th>'
        '<th scope="col"><span class="wm-hidden">staaf</span></th></tr></thead><tbody>' + "\n".join(rows)
        + "</tbody></table></div></div></div>",
    ]
    if missing:
        body.append(f'<p class="wm-note">Nog geen wijkprofiel voor: {html.escape(", ".join(missing))}.</p>')
    if spec:
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


COUNTRY_YEAR = BOUNDARY_YEAR  # the gemeente boundaries of the country map


def country_script(reports_root: Path, year: int = COUNTRY_YEAR) -> Path:
    """`_static/gemeenten_<year>.js`: every gemeente's outline for the country map, written once.

    A script rather than JSON: a page opened from file:// may load scripts but not fetch files."""
    path = Path(reports_root) / webpage.STATIC_DIR / f"gemeenten_{year}.js"
    if not path.is_file():
        feats = json.dumps(maps.country_features(year), ensure_ascii=False, separators=(",", ":"))
        write_text_atomic(path, f"var WM_GEMEENTEN = {feats};\n")
    return path


def _country_choice(gms: list[dict]) -> tuple[str | None, int | None, float | None]:
    """The indicator and year most landing pages have a country figure for (then the first of
    COUNTRY_INDICATORS, then the latest year), and Nederland's value in that year."""

    figs = [f for g in gms for f in (g.get("country") or [])]
    if not figs:
        return None, None, None
    order = {ind: i for i, ind in enumerate(COUNTRY_INDICATORS)}
    counts = Counter((f["indicator"], f["year"]) for f in figs)
    ind, year = min(counts, key=lambda k: (-counts[k], order.get(k[0], 99), -k[1]))
    nl = next(f["nl"] for f in figs if (f["indicator"], f["year"]) == (ind, year))
    return ind, year, nl


def write_root_index(reports_root: Path, links) -> Path:
    """Write `reports_root/index.html`: a map of the gemeenten with reports (a CBS figure centred on
    Nederland; a click opens the gemeente's page) and the list of every gemeente with a search
    (`links`: as for write_gemeente_index)."""
    reports_root = Path(reports_root)
    webpage.ensure_static(reports_root)
    gms = sorted(gemeenten_on_disk(reports_root, links), key=lambda g: (g["name"], g["code"]))
    ind, year, nl = _country_choice(gms)
    label = catalogue_entry(ind)["label"] if ind else None

    def figure(g):
        return next((f["value"] for f in g.get("country") or [] if (f["indicator"], f["year"]) == (ind, year)),
                    float("nan"))

    rows = []
    for g in gms:
        code = html.escape(g["code"])
        name = html.escape(g["name"])
        first = f'<a href="{code}/index.html">{name}</a>' if g["index"] else name
        linked = " · ".join(f'<a href="{code}/{stem}.html">{lab}</a>' for stem, lab, _ in links if stem in g["pages"])
        wijken = f"{g['profiles']} van {g['wijken']}" if g.get("wijken") else str(g["profiles"])
        v = figure(g)
        fig = html.escape(fmt(ind, v)) if ind and v == v else "-"
        linked = f'<br><span class="wm-links">{linked}</span>' if linked else ""
        rows.append(f'<tr data-zoek="{name} {code}"><th scope="row">{first}{linked}</th><td class="wm-code">{code}</td>'
                    f'<td class="wm-num">{wijken}</td><td class="wm-num">{fig}</td></tr>')
    n = len(gms)
    intro = (f"<p>Rapporten voor {n} gemeente{'n' if n != 1 else ''}. Klik op een gemeente in de kaart of kies "
             "er een in de lijst voor de kaart met haar wijken en de wijkprofielen.</p>" if gms
             else "<p>Er zijn nog geen rapporten gemaakt.</p>")
    fig_head = f"{label}, {year}" if ind else "CBS-cijfer"
    table = ('<div class="wm-table-wrap"><table class="wm-table wm-country" id="gemeenten"><thead><tr>'
             '<th scope="col">Gemeente</th><th scope="col" class="wm-code">Code</th><th scope="col" class="wm-num">Wijkprofielen</th>'
             f'<th scope="col" class="wm-num wm-figure">{html.escape(fig_head)}</th>'
             "</tr></thead><tbody>\n" + "\n".join(rows) + "</tbody></table></div>")
    search = ('<p class="wm-search"><label for="zoek">Zoek een gemeente</label> '
              '<input id="zoek" type="search" placeholder="naam of code" autocomplete="off"> '
              '<span id="aantal" class="wm-note" aria-live="polite"></span></p>')
    script = ""
    try:
        geo = country_script(reports_root)
        reported = pd.DataFrame({"gemeentecode": [g["code"] for g in gms], "naam": [g["name"] for g in gms],
                                 "href": [f"{g['code']}/index.html" if g["index"] else None for g in gms],
                                 "value": [figure(g) for g in gms]})
        spec = maps.country_map(reported, ind, year, nl)
        spec_js = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        where = "per gemeente, " + str(year) + ", vergeleken met Nederland" if ind else ""
        kaart = ('<div class="wm-grid-map"><div id="kaart" class="wm-chart"></div>'
                 f'<p class="wm-note">{html.escape(label + " " + where + ". ") if ind else ""}'
                 "Wijs een gemeente aan voor haar naam; klik voor haar startpagina.</p></div>")
        script = (f'\n<script src="{webpage.STATIC_DIR}/{geo.name}"></script>'
                  f'\n<script>var WM_OPTS = {webpage._embed_options()};</script>')
        tail = (f'<script>var spec = {spec_js};\nspec.datasets.{maps.COUNTRY_DATA} = WM_GEMEENTEN;\n'
                'wijkmonitor.embed("kaart", spec, WM_OPTS);</script>')
    except Exception as exc:  # no outlines: the list still works
        kaart = f'<p class="wm-note">Geen kaart van de gemeenten: {html.escape(str(exc))}.</p>'
        tail = ""
    body = ("<h1>Wijkmonitor</h1>" + intro
            + (f'<div class="wm-grid">{kaart}<div class="wm-grid-table">{search}{table}</div></div>' if gms else "")
            + tail + '<script>wijkmonitor.filter("zoek", "gemeenten", "aantal");</script>')
    head = webpage.page_head(webpage.STATIC_DIR, False, charts=True) + script
    footer = ("Bronnen: CBS; CBS/Kadaster (PDOK), CC BY 4.0; de gemeenten. "
              f"Gemaakt met wijkmonitor op {time.strftime('%d-%m-%Y %H:%M')}.")
    return write_text_atomic(reports_root / "index.html", webpage._shell("Wijkmonitor", body, head, "", footer))
