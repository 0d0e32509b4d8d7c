"""The pages come from jinja2 templates (pages/templates/*.html.j2) with autoescape: text is escaped
there, not by html.escape calls in the code; Roermond's landing pages keep their content."""
import pytest
from pages_fixture import GM, build_tree

from analysis.core import paths
from analysis.pages import landing, webpage

PAGES_SRC = paths.ROOT / "src" / "analysis" / "pages"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("pages"))


def test_no_hand_escaping_left():
    for py in ("webpage.py", "landing.py"):
        assert "html.escape" not in (PAGES_SRC / py).read_text(encoding="utf-8"), py
    names = {p.name for p in (PAGES_SRC / "templates").glob("*.html.j2")}
    assert {"base.html.j2", "notebook.html.j2", "gemeente.html.j2", "country.html.j2", "macros.html.j2"} <= names
    assert webpage.templates().autoescape("notebook.html.j2")


def test_table_cells_are_escaped_and_numbers_right_aligned():
    # Donderberg's 'tot 120%' 1- and 2-meting (25,0 -> 24,5); an invented name that needs escaping
    html = webpage.table_html({"columns": ["wijk", "waarde"], "index_columns": 1,
                               "data": [["Wijk 't Veld <b>&", 25.0], ["Donderberg", 24.5]]})
    assert '<th scope="col">Wijk</th><th scope="col" class="wm-num">Waarde</th>' in html
    assert '<tr><th scope="row">Wijk &#39;t Veld &lt;b&gt;&amp;</th><td class="wm-num">25</td></tr>' in html
    assert '<td class="wm-num">24,50</td>' in html


def test_nav_and_downloads():
    assert webpage.nav_html("..") == ('<nav class="wm-nav"><a href="index.html">&larr; Startpagina van de gemeente</a>'
                                      '<a href="../index.html">Alle gemeenten</a></nav>')
    assert webpage.nav_html(None, gemeente_index=False) == '<nav class="wm-nav"></nav>'
    links = [("PNG", "#", "a.png", "return wijkmonitor.save('vis1','png','a.png',WM_SOURCE)")]
    assert webpage._macros().downloads("Grafiek opslaan", links) == (
        '<p class="wm-downloads">Grafiek opslaan: <a href="#" download="a.png" '
        'onclick="return wijkmonitor.save(&#39;vis1&#39;,&#39;png&#39;,&#39;a.png&#39;,WM_SOURCE)">PNG</a></p>')


def test_landing_pages_from_templates(reports):
    page = (reports / GM / "index.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">')
    assert page.endswith("</footer>\n</body></html>\n")
    assert "<title>Wijkmonitor Roermond</title>" in page and "<h1>Wijkmonitor Roermond</h1>" in page
    meta = landing._meta(page)  # the JSON in the meta tag survives the autoescape
    assert meta["code"] == GM and meta["name"] == "Roermond" and meta["wijken"] == 10
    assert '<tr class="wm-ref"><th scope="row">Gemeente Roermond</th>' in page
    assert '<a href="wijkprofiel_WK095704.html">Donderberg</a>' in page
    assert "Bronnen: CBS; CBS/Kadaster (PDOK), CC BY 4.0; gemeente Roermond. Gemaakt met wijkmonitor op" in page
    root = (reports / "index.html").read_text(encoding="utf-8")
    assert '<tr data-zoek="Roermond GM0957"><th scope="row"><a href="GM0957/index.html">Roermond</a>' in root
    assert root.count("<tr data-zoek=") == 1
