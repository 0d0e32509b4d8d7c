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
from markupsafe import Markup

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
                numbers: dict[str, int], hrefs: dict[str, str]) -> tuple[list[dict], dict | None]:
    """The table's rows: the wijken, most favourable first (rules.compare), then the gemeente and Nederland.

    Returns the rows (what templates/gemeente.html.j2 shows of each: name, map number, link,
    value, judgement, bar; `ref` for the gemeente and Nederland) and the reference (rules.period.reference, with the period) or None
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
            return None
        return {"width": f"{max(1.0, abs(v) / vmax * 100):.0f}", "colour": colour.get(better, GELIJK) if known else GELIJK}

    rows = []
    for r in t.itertuples():
        waarde = fmt(ind, r.value) if pd.notna(r.value) else "geen gegevens"
        if pd.isna(r.value) or not r.known:
            oordeel = "-" if pd.isna(r.value) else ""
        elif cmp.direction_sign(ind):
            oordeel = _klasse(r.better)
        else:  # no desired direction: only higher or lower
            oordeel = {"below": "lager", "above": "hoger", "about_equal": "ongeveer gelijk"}.get(c["klasse"].get(r.wijkcode), "")
        rows.append({"name": r.wijknaam, "nr": numbers.get(r.wijkcode), "href": hrefs.get(r.wijkcode), "value": waarde,
                     "oordeel": oordeel, "bar": bar(r.value, r.better, r.known)})
    if ref is not None:
        at = period.rows_at(obs, ind, ref["meting"], ref["year"])
        gem = period.first_per_area(at[(at["area_code"] == gemeentecode) & (at["status"] == "ok")])
        gv = float(gem["value"].iloc[0]) if len(gem) else float("nan")
        sign = cmp.direction_sign(ind)
        k = cmp.classify([gv], [ref["value"]], sign)
        g_oordeel = "" if pd.isna(gv) or ref["kind"] == "gemeente" else (
            _klasse(k["better"][0]) if sign else {"below": "lager", "above": "hoger"}.get(k["klasse"][0], "ongeveer gelijk"))
        rows.append({"ref": True, "name": f"Gemeente {name}", "value": fmt(ind, gv) if pd.notna(gv) else "geen gegevens",
                     "oordeel": g_oordeel, "bar": bar(gv, k["better"][0], k["klasse"][0] is not None)})
        if ref.get("name") == "Nederland" or ref["kind"] != "gemeente":
            rows.append({"ref": True, "name": "Nederland", "note": None if ref["kind"] == "zelfde" else ref["tekst"],
                         "value": fmt(ind, ref["value"]), "oordeel": "", "bar": bar(ref["value"], None, False)})
        else:
            rows.append({"ref": True, "name": "Nederland", "value": "geen gegevens", "oordeel": "", "bar": None})
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
        gem = r[r["area_code"] == gemeentecode].set_index("year")
        nl = r[r["area_code"] == NL_CODE].set_index("year")
        # each with the period it describes ('KWB 2023, peiljaar onbekend'; Nederland's income year and table)
        out += [{"indicator": ind, "year": int(y), "value": float(gem.at[y, "value"]), "nl": float(nl.at[y, "value"]),
                 "when": period.cbs_label(ind, gem.at[y, "dataset"], y),
                 "nl_when": _with_table(ind, nl.at[y, "dataset"], y)}
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
    why = None
    try:
        # not checked against the Vega-Lite schema again here (a quarter of the page's time, once per
        # gemeente in the run's own process): the same chart code is checked in the tests and notebooks
        spec = maps.choropleth(obs, ind, gemeentecode, shapes=web, links=hrefs).to_dict(validate=False)
    except NoDataError as exc:
        spec, why = None, str(exc)
    missing = [w for w, c in zip(wijken["wijknaam"], wijken["wijkcode"]) if c not in hrefs]
    cards = [{"stem": stem, "label": label, "about": what, "available": (page_dir / f"{stem}.html").is_file()}
             for stem, label, what in links]
    n_prof = len(hrefs)
    meta = {"code": gemeentecode, "name": name, "profiles": n_prof, "wijken": len(wijken),
            "headline": e["label"], "period": period_label,
            "pages": [c["stem"] for c in cards if c["available"]],
            "country": country_figures(obs, gemeentecode)}
    direction = {"lower": "lager is gunstiger", "higher": "hoger is gunstiger"}.get(e["direction"])
    page = webpage.render(
        "gemeente.html.j2", title=f"Wijkmonitor {name}", name=name, code=gemeentecode, n_prof=n_prof,
        n_wijken=len(wijken), cards=cards, label=e["label"], period=period_label, spec=webpage.script_json(spec) if spec else None,
        why=why, rows=rows, missing=missing, column=column,
        order="Wijken van gunstig naar ongunstig" if direction else "Wijken van hoog naar laag (geen gewenste richting)",
        ref_text=(f"vergeleken met {ref['short']}" + (f", {direction}" if direction else "")) if ref else "",
        versus=f"t.o.v. {ref['short']}" if ref else "t.o.v. Nederland",
        numbered=(" Een nummer voor de naam is het nummer van de wijk op de kaart (zoals op de andere kaarten)."
                  if numbers else ""),
        head=Markup(webpage.page_head(webpage.rel(reports_root / webpage.STATIC_DIR, page_dir), False)),
        embed_options=webpage.embed_options(), meta_name=META, meta=json.dumps(meta, ensure_ascii=False),
        nav=Markup(webpage.nav_html(webpage.rel(reports_root, page_dir), gemeente_index=False)),
        stamp=time.strftime("%d-%m-%Y %H:%M"))
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


def _with_table(ind: str, dataset: str, year) -> str:
    """'2023, CBS StatLine 83841NED' for another CBS table; the KWB label otherwise."""
    text = period.cbs_label(ind, dataset, year)
    return f"{text}, CBS StatLine {str(dataset)[4:]}" if str(dataset).startswith("cbs_") else text


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
    chosen = next((f for g in gms for f in (g.get("country") or []) if (f["indicator"], f["year"]) == (ind, year)), {})
    when, nl_when = chosen.get("when", str(year)), chosen.get("nl_when", str(year))  # pages written before: the year

    def figure(g):
        return next((f["value"] for f in g.get("country") or [] if (f["indicator"], f["year"]) == (ind, year)),
                    float("nan"))

    rows = []
    for g in gms:
        v = figure(g)
        rows.append({"code": g["code"], "name": g["name"], "index": g["index"],
                     "links": [(stem, lab) for stem, lab, _ in links if stem in g["pages"]],
                     "wijken": f"{g['profiles']} van {g['wijken']}" if g.get("wijken") else str(g["profiles"]),
                     "figure": fmt(ind, v) if ind and v == v else "-"})
    context = {"spec": None}
    try:
        geo = country_script(reports_root)
        reported = pd.DataFrame({"gemeentecode": [g["code"] for g in gms], "naam": [g["name"] for g in gms],
                                 "href": [f"{g['code']}/index.html" if g["index"] else None for g in gms],
                                 "value": [figure(g) for g in gms]})
        spec = maps.country_map(reported, ind, when, nl, nl_when=nl_when)
        context = {"spec": webpage.script_json(spec), "geo_name": geo.name, "country_data": maps.COUNTRY_DATA,
                   "map_note": f"{label} per gemeente, {when}, vergeleken met Nederland ({nl_when}). " if ind else ""}
    except Exception as exc:  # no outlines: the list still works
        context["map_error"] = str(exc)
    page = webpage.render("country.html.j2", title="Wijkmonitor", gemeenten=rows,
                          figure_head=f"{label}, {when}" if ind else "CBS-cijfer",
                          head=Markup(webpage.page_head(webpage.STATIC_DIR, False, charts=True)),
                          static_dir=webpage.STATIC_DIR,
                          embed_options=webpage.embed_options(), stamp=time.strftime("%d-%m-%Y %H:%M"), **context)
    return write_text_atomic(reports_root / "index.html", page)
