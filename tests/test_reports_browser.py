"""A real headless Chromium renders the reports tree offline: every chart and map drawn, Dutch only,
a copied tree still works from file://, and a profile prints to A4 with every table column."""
import html
import json
import re
import shutil
import subprocess

import pytest
from pages_fixture import FAILED, GM, PAGES, build_tree
from pages_fixture import page as page_of
from pages_fixture import print_pdf, rendered_dom, dom_after_click

LANDING = "index"
# Words and phrases that give away untranslated English in what a reader sees.
# Matched case-insensitively, except the CASED ones (a Dutch word may contain them in lower case).
ENGLISH = ["no national", "missing", "every", "value", "available", "error", "traceback", "warning", "not found",
           "no data", "undefined", "for this period", "compare with", "object>", "loading", " the ", " and ",
           " with ", "click", "save as", "view source", "open in", "download "]
CASED = ["NaN", "None", "null"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def doms(reports, tmp_path_factory):
    """Each page of the gemeente (landing page included) rendered once."""
    profile = tmp_path_factory.mktemp("chromium")
    return {name: rendered_dom(reports / GM / f"{name}.html", profile) for name in PAGES + [LANDING]
            if name not in FAILED}


def visible_text(dom: str) -> str:
    """What a reader sees: the DOM without scripts, styles and tags (SVG <text> included)."""
    dom = re.sub(r"<(script|style|title)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    dom = re.sub(r'<[^>]+aria-hidden="true"[^>]*>.*?</[^>]+>', " ", dom, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom)))


@pytest.mark.parametrize("name", PAGES + [LANDING])
def test_chromium_renders_every_chart_and_the_map(reports, doms, name):
    page_of(reports, name)
    dom = doms[name]
    charts = dom.count('class="wm-chart')
    rendered = dom.count('class="marks"')  # the <svg> vega draws into each chart's div
    assert charts >= 1 and rendered == charts, (charts, rendered)
    # a map: at least the gemeente's ten wijken drawn as shapes
    assert dom.count('aria-roledescription="geoshape"') >= 10


@pytest.mark.parametrize("name", PAGES + [LANDING])
def test_no_english_in_what_a_reader_sees(reports, doms, name):
    page_of(reports, name)
    text = visible_text(doms[name])
    assert len(text) > 500
    low = text.lower()
    found = [p for p in ENGLISH if p in low] + [p for p in CASED if re.search(rf"\b{p}\b", text)]
    assert not found, [(p, text[max(0, low.find(p.lower()) - 60):low.find(p.lower()) + 60]) for p in found]


PROFILES = [p for p in PAGES if p.startswith("wijkprofiel_")]


@pytest.mark.parametrize("name", PROFILES)
def test_every_meting_on_a_profile_carries_its_year(reports, doms, name):
    """What Chromium shows of a profile (tables, text, drawn charts): no 'N-meting' without its year."""
    page_of(reports, name)
    text = visible_text(doms[name])
    bare = [text[max(0, m.start() - 40):m.end() + 10]
            for m in re.finditer(r"(?<!\d{4} \()\d-meting(?! \(| \d{4}| in \d{4})", text)]
    assert not bare, bare
    assert re.search(r"\d-meting \(20\d\d(/20\d\d)?\)", text)


def test_every_meting_on_the_landing_pages_carries_its_year(reports, doms, tmp_path):
    """The gemeente's landing page (map title, cards) and the national index as Chromium draws them:
    no 'N-meting' without its year (the map's title once said '1-meting')."""
    text = visible_text(doms[LANDING])
    assert re.search(r"\d-meting \(20\d\d(/20\d\d)?\)", text), text[:300]
    root = visible_text(rendered_dom(reports / "index.html", tmp_path / "chromium"))
    for t in (text, root):
        bare = [t[max(0, m.start() - 40):m.end() + 10]
                for m in re.finditer(r"(?<!\d{4} \()\d-meting(?! \(| \d{4}| in \d{4})", t)]
        assert not bare, bare


def test_scorecard_in_chromium_shows_gemeente_nederland_and_change(reports, doms):
    dom = doms["wijkprofiel_WK095704"]
    table = dom[dom.index('<table class="wm-table">'):]
    table = table[:table.index("</table>")]
    heads = [html.unescape(h) for h in re.findall(r'<th[^>]*scope="col"[^>]*>(.*?)</th>', table)]
    assert heads[:5] == ["KPI", "Periode", "Wijk", "Roermond", "Nederland"] and "Verandering" in heads
    row = re.search(r'<tr class="wm-ongunstig"><th[^>]*>Huishoudens tot 120% van het sociaal minimum</th>(.*?)</tr>',
                    table).group(1)
    cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells[:4] == ["1-meting (2023)", "25,0%", "15,1%", "12,2%"] and "↓ van 25,4% (2022)" in cells
    assert re.search(r'<td class="wm-gunstig">gunstig</td>', row)


def test_map_page_labels_every_wijk(reports, doms):
    page_of(reports, "indicator_kaart")
    dom = doms["indicator_kaart"]
    assert dom.count('class="wm-chart') >= 3
    assert "Maasplassen" in dom and "Donderberg" in dom  # wijk labels drawn in the SVG


def features(spec) -> list[dict]:
    """The GeoJSON features of a vega-lite spec (inline or in `datasets`, also as JSON text)."""
    out = []

    def walk(node):
        if isinstance(node, str) and node.startswith('[{"type":"Feature"'):
            node = json.loads(node)  # altair keeps the polygons as JSON text (in `datasets` or inline)
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            if node and isinstance(node[0], dict) and node[0].get("type") == "Feature":
                out.extend(node)
                return
            for v in node:
                walk(v)

    walk(spec)
    return out


def test_landing_map_links_each_wijk_to_its_profile(reports):
    page = (reports / GM / "index.html").read_text(encoding="utf-8")
    spec = json.loads(re.search(r'wijkmonitor\.embed\("kaart", (\{.*?\}), WM_OPTS\)', page, re.S).group(1))
    feats = {f["properties"]["wijkcode"]: f["properties"] for f in features(spec)}
    hrefs = {p["wijknaam"]: p["href"] for p in feats.values()}
    assert len(hrefs) == 10 and hrefs["Donderberg"] == "wijkprofiel_WK095704.html"
    for wijkcode, p in feats.items():
        assert p["href"] == (f"wijkprofiel_{wijkcode}.html" if (reports / GM / f"wijkprofiel_{wijkcode}.html").is_file() else None)


def test_copied_light_page_draws_its_map_offline(reports, tmp_path):
    """The reports folder copied elsewhere, opened from file:// with every network request failing."""
    copy = tmp_path / "kopie"
    shutil.copytree(reports, copy)
    page = copy / GM / "wijkprofiel_WK095704.html"
    assert page.stat().st_size < 150_000
    source = page.read_text(encoding="utf-8")
    assert '<script src="../_static/vega-' in source and "http://" not in source.split("<body>")[0]
    dom = rendered_dom(page, tmp_path / "profile")
    assert dom.count('aria-roledescription="geoshape"') >= 10
    assert dom.count('class="marks"') == dom.count('class="wm-chart')
    landing = rendered_dom(copy / GM / "index.html", tmp_path / "profile2")
    assert landing.count('aria-roledescription="geoshape"') >= 10


def test_profile_prints_to_a4_with_every_table_column(reports, tmp_path):
    pdf = print_pdf(reports / GM / "wijkprofiel_WK095704.html", tmp_path / "profiel.pdf", tmp_path / "profile")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    words = set(text.split())
    nb = json.loads((reports / GM / "wijkprofiel_WK095704.ipynb").read_text(encoding="utf-8"))
    bundles = [o["data"]["application/vnd.wijkmonitor.table+json"] for c in nb["cells"] for o in c.get("outputs", [])
               if "application/vnd.wijkmonitor.table+json" in o.get("data", {})]
    kpi = bundles[0]
    assert kpi["columns"][-1] == "Oordeel"  # the scorecard's last column
    for col in kpi["columns"]:  # a header may wrap after a hyphen ("Wijk 0-" / "meting")
        parts = [p for w in col.split() for p in re.split(r"(?<=-)", w) if p]
        missing = [p for p in parts if p not in words and p.capitalize() not in words]
        assert not missing, (col, missing)
    flat = " ".join(text.split())
    for row in kpi["data"]:  # the last column (Rang) of every row is printed, not cut off
        assert row[-1] in flat or row[-1] == "-", row
    assert "8 van 9" in flat and "10 van 10" in flat


def test_saved_charts_carry_a_source_line(reports, tmp_path):
    """The PNG/SVG links save the drawn chart with the page's source line under it."""
    probe = reports / GM / "_probe_save.html"
    page = (reports / GM / "wijkprofiel_WK095704.html").read_text(encoding="utf-8")
    probe.write_text(page.replace("</body>", """<script>
setTimeout(function () {
  var v = wijkmonitor.views.vis1;
  wijkmonitor.svgOf(v, WM_SOURCE).then(function (svg) {
    var p = document.createElement("pre"); p.id = "probe-svg"; p.textContent = svg; document.body.appendChild(p);
    return wijkmonitor.pngOf(v, WM_SOURCE);
  }).then(function (url) {
    var p = document.createElement("pre"); p.id = "probe-png"; p.textContent = url.slice(0, 40) + " " + url.length;
    document.body.appendChild(p);
  });
}, 1500);
</script></body>"""), encoding="utf-8")
    try:
        dom = html.unescape(rendered_dom(probe, tmp_path / "profile"))
    finally:
        probe.unlink()
    svg = re.search(r'<pre id="probe-svg">(.*?)</pre>', dom, re.S).group(1)
    lines = " ".join(re.findall(r'fill="#555">([^<]*)</text>', svg))  # the source line, wrapped to the chart width
    assert svg.startswith("<svg") and lines.startswith("Bronnen: ") and "Wijkprofiel Donderberg (WK095704)" in lines
    png = re.search(r'<pre id="probe-png">data:image/png;base64,\S* (\d+)</pre>', dom)
    assert png and int(png.group(1)) > 10_000


def test_click_on_a_wijk_in_the_landing_map_opens_its_profile(reports, tmp_path):
    """A mouse click on Donderberg's shape in the drawn map navigates to Donderberg's profile."""
    dom = dom_after_click(reports / GM / "index.html", "Donderberg", tmp_path / "profile")
    assert "<title>Wijkprofiel Donderberg (WK095704)" in dom
