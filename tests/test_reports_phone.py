"""Every screen: a Roermond profile, a CBS-only profile (Echt-Susteren's first wijk), the Amsterdam wijk
WK0363AA, a landing page and the country page in headless Chromium at 390 px (a phone) and 1366 px.

At 390 px no table, chart or image is wider than the screen (a table may scroll sideways in its box
only when its first column stays in view and the cue above it shows) and text is at least 11 px; at
1366 px nothing is drawn again for a narrow screen (print and desktop unchanged). The country page
draws every gemeente, colours those with reports, a click opens a landing page and the search filters.
"""
import json
import re
import shutil

import pytest

from analysis.batch import runner as run
from browser_probe import probe
from pages_fixture import GM, build_tree, display_notebooks, rendered_dom, dom_after_click

OTHERS = {"GM1711": None, "GM0363": "WK0363AA"}  # None: the gemeente's first wijk (a CBS-only monitor)
WIDTHS = (390, 1366)


def first_wijk(gm: str) -> str:
    return next(t.name.split("_")[1] for t in run.tasks_for(gm) if t.name.startswith("wijkprofiel_"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """Roermond's reports (the session's tree) with one wijk of Echt-Susteren and of Amsterdam run beside
    it as `analysis run --gemeente GM --wijk WK` does (pages, landing pages, the country page)."""
    base = tmp_path_factory.mktemp("phone")
    root = base / "reports"
    shutil.copytree(build_tree(tmp_path_factory.mktemp("pages")), root)
    nb_dir = display_notebooks(base / "notebooks")
    for gm, wijk in OTHERS.items():
        summary = run.run_all(gemeentecode=gm, wijken=[wijk or first_wijk(gm)], out_dir=root, notebook_dir=nb_dir,
                              quiet=True, jobs=2)
        assert not summary["failed"], summary["failed"]
    return root


def pages(tree) -> dict:
    return {"profiel Roermond": tree / GM / "wijkprofiel_WK095704.html",
            "profiel CBS": tree / "GM1711" / f"wijkprofiel_{first_wijk('GM1711')}.html",
            "profiel Amsterdam": tree / "GM0363" / "wijkprofiel_WK0363AA.html",
            "startpagina": tree / GM / "index.html",
            "land": tree / "index.html"}


@pytest.fixture(scope="module")
def measured(tree, tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-phone")
    return {(name, w): probe(path, w, profile) for name, path in pages(tree).items() for w in WIDTHS}


@pytest.mark.parametrize("name", ["profiel Roermond", "profiel CBS", "profiel Amsterdam", "startpagina", "land"])
def test_phone_width_nothing_wider_than_the_screen(measured, name):
    r = measured[(name, 390)]
    assert r["vw"] == 390
    assert r["charts"] >= 1 and r["drawn"] == r["charts"], r["fits"]
    assert r["doc"] <= 390, r["wide"]  # the page itself never scrolls sideways
    bad = [w for w in r["wide"] if not w["ok"]]
    assert not bad, bad  # only tables in a scroll box with a sticky first column and a visible cue
    assert r["minHtml"] >= 11, r["minHtmlWhere"]
    # chart text: the map labels are 10 px on every screen; nothing is scaled below that
    assert r["minSvg"] >= 9.9, r["minSvgWhere"]


@pytest.mark.parametrize("name", ["profiel Roermond", "profiel CBS", "profiel Amsterdam", "startpagina", "land"])
def test_desktop_width_unchanged(measured, name):
    r = measured[(name, 1366)]
    assert r["vw"] == 1366 and r["doc"] <= 1366
    assert r["drawn"] == r["charts"]
    assert not [w for w in r["wide"]], r["wide"]
    assert all(f.endswith(": -") for f in r["fits"]), r["fits"]  # charts drawn as specified, not refitted


def test_a_wide_table_keeps_its_first_column_on_a_phone(measured):
    """Donderberg's KPI table (998 px wide before) scrolls in its box: KPI names stay, the cue shows."""
    wide = measured[("profiel Roermond", 390)]["wide"]
    tables = [w for w in wide if w["el"].startswith("table")]
    assert tables and all(w["ok"] and w["firstColumn"] and w["cue"] for w in tables)


def test_country_page_draws_the_gemeenten_and_is_light(tree, tmp_path):
    page = tree / "index.html"
    static = tree / "_static" / "gemeenten_2024.js"
    assert page.stat().st_size < 40_000 and static.stat().st_size < 250_000
    source = page.read_text(encoding="utf-8")
    assert "http://" not in source.split("<body>")[0] and 'src="_static/gemeenten_2024.js"' in source
    dom = rendered_dom(page, tmp_path / "profile")
    assert dom.count('aria-roledescription="geoshape"') >= 340  # every gemeente of 2024 (342)
    spec = json.loads(re.search(r"var spec = (\{.*?\});\n", source, re.S).group(1))
    text = json.dumps(spec)
    # the gemeenten with reports on the green/pink scale centred on Nederland's 6,3% (CBS 83841NED, 2022)
    assert '"domainMid": 6.3' in text and '"scheme": "pinkyellowgreen"' in text
    records = [r for v in spec["datasets"].values() if isinstance(v, str) and '"href"' in v for r in json.loads(v)]
    assert {r["code"]: r["href"] for r in records} == {c: f"{c}/index.html" for c in ("GM0957", "GM1711", "GM0363")}
    assert {r["code"]: r["waarde"] for r in records}["GM1711"] == "4,0%"  # PDOK gemeentekaart 2022
    assert "Roermond" in dom and "Echt-Susteren" in dom and "Amsterdam" in dom


def test_click_on_a_gemeente_opens_its_landing_page(tree, tmp_path):
    dom = dom_after_click(tree / "index.html", "Roermond", tmp_path / "profile")
    assert "<title>Wijkmonitor Roermond</title>" in dom


def test_search_filters_the_list_of_gemeenten(tree, tmp_path):
    probe_page = tree / "_probe_search.html"
    page = (tree / "index.html").read_text(encoding="utf-8")
    probe_page.write_text(page.replace("</body>", """<script>
setTimeout(function () {
  var input = document.getElementById('zoek');
  input.value = 'echt';
  input.dispatchEvent(new Event('input'));
  var shown = [];
  document.querySelectorAll('#gemeenten tbody tr').forEach(function (r) {
    if (!r.hidden) { shown.push(r.querySelector('th').textContent.split('Overzicht')[0].trim()); } });
  var p = document.createElement('pre'); p.id = 'probe-search';
  p.textContent = shown.join('|') + ' / ' + document.getElementById('aantal').textContent;
  document.body.appendChild(p);
}, 1000);
</script></body>"""), encoding="utf-8")
    try:
        dom = rendered_dom(probe_page, tmp_path / "profile")
    finally:
        probe_page.unlink()
    assert re.search(r'<pre id="probe-search">Echt-Susteren / 1 van 3 gemeenten</pre>', dom), dom[-500:]
