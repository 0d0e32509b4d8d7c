"""Light pages, downloads, the self-contained page, the notebook display setup and the landing pages."""
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pages_fixture import GM, PAGES, build_tree
from pages_fixture import page as page_of
from pages_fixture import titles

from analysis.batch import plan
from analysis.build import observations
from analysis.pages import display, landing, webpage
from analysis.sources import pdok


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("pages"))


def links(page: str) -> list[str]:
    return [h for h in re.findall(r'href="([^"#][^"]*)"', page) if not h.startswith(("http", "data:"))]


def test_light_pages_share_one_vega_script(reports):
    static = reports / "_static"
    vega = list(static.glob("vega-*.js"))
    assert len(vega) == 1 and vega[0].stat().st_size > 500_000
    assert (static / "wijkmonitor.css").is_file() and (static / "wijkmonitor.js").is_file()
    for name in PAGES:
        page = page_of(reports, name).read_text(encoding="utf-8")
        assert f'src="../_static/{vega[0].name}"' in page and 'href="../_static/wijkmonitor.css"' in page
        assert "vega-embed" not in page.split("<body>")[0].split("</script>")[0][-2000:]  # no inlined bundle
        assert not re.search(r'<script[^>]+src="https?://', page)
    sizes = {n: (reports / GM / f"{n}.html").stat().st_size for n in PAGES if n.startswith("wijkprofiel")}
    assert max(sizes.values()) < 150_000, sizes


def test_every_download_link_resolves_to_a_file(reports):
    checked = 0
    for page in [reports / "index.html", *sorted((reports / GM).glob("*.html"))]:
        for href in links(page.read_text(encoding="utf-8")):
            target = (page.parent / href).resolve()
            assert target.is_file(), (page.name, href)
            checked += 1
    assert checked >= 50
    for name in PAGES:  # every table of a report has a CSV and an Excel file, linked from it
        page = page_of(reports, name).read_text(encoding="utf-8")
        n_tables = page.count('<table class="wm-table">')
        assert page.count("Tabel downloaden:") == n_tables
        for i in range(1, n_tables + 1):
            assert f'href="{name}_tabel{i}.csv"' in page and f'href="{name}_tabel{i}.xlsx"' in page
        assert page.count("Grafiek opslaan:") == page.count('class="wm-chart"') >= 1


def test_table_downloads_hold_the_table(reports):
    import openpyxl

    csv = pd.read_csv(reports / GM / "wijkprofiel_WK095704_tabel1.csv", sep=";", encoding="utf-8-sig", decimal=",")
    # the scorecard's download: numbers, with the period, the references, rank and change beside them
    assert list(csv.columns) == ["KPI", "Periode", "Wijk", "Roermond", "Nederland", "Rang", "Van", "Vorige periode",
                                 "Vorige waarde", "Richting", "Oordeel", "Eenheid"]
    row = csv.set_index("KPI").loc["Huishoudens tot 120% van het sociaal minimum"]
    assert (row["Periode"], row["Wijk"], row["Nederland"], row["Vorige waarde"]) == ("1-meting (2023)", 25.0, 12.2, 25.4)
    assert (row["Richting"], row["Oordeel"]) == ("↓", "gunstig")
    sheet = openpyxl.load_workbook(reports / GM / "wijkprofiel_WK095704_tabel1.xlsx").active
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert rows["Huishoudens tot 120% van het sociaal minimum"][2] == 25.0  # a number
    cell = next(r for r in sheet.iter_rows() if r[0].value == "Huishoudens tot 120% van het sociaal minimum")[2]
    assert cell.data_type == "n"
    assert rows["Huishoudens tot 120% van het sociaal minimum"][1] == "1-meting (2023)"  # real text stays text


def test_self_contained_page_for_email(reports, tmp_path):
    nb = reports / GM / "wijkprofiel_WK095704.ipynb"
    page = webpage.to_html(nb, titles()["wijkprofiel_WK095704"], reports, tmp_path, self_contained=True,
                           name="wijkprofiel_WK095704")
    head = page.split("</head>")[0]
    assert '<link rel="stylesheet"' not in head and "<script src=" not in head and 'src="../_static' not in page
    assert "vegaEmbed" in page and "wijkmonitor.embed" in page
    assert page.count("data:text/csv;charset=utf-8;base64,") == 2
    assert not list(tmp_path.iterdir())  # nothing written beside it: downloads are inside the page
    assert "1-meting (2023)" in page and "12,2%" in page and "↓ van 25,4% (2022)" in page


def test_plain_nbconvert_shows_charts_not_placeholders(reports):
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(reports / GM / "wijkprofiel_WK095704.ipynb"))
    assert "VegaLite 5 object" not in body and "&lt;VegaLite" not in body
    assert body.count("<svg") + body.count("data:image/svg+xml") >= 3


def test_display_setup_adds_table_bundle_and_svg():
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.display_formatter.formatters["text/html"].enabled = True
    display.setup(ip)
    df = pd.DataFrame({"Waarde": ["25,0%"]}, index=pd.Index(["Donderberg"], name="Wijk"))
    data, _ = ip.display_formatter.format(df)
    assert "text/html" in data
    assert data[display.TABLE_MIME] == {"columns": ["Wijk", "Waarde"], "data": [["Donderberg", "25,0%"]],
                                        "index_columns": 1}
    from analysis.charts import maps

    data, _ = ip.display_formatter.format(maps.locator(GM, "WK095704"))
    assert display.VEGALITE_MIME in data and data["image/svg+xml"].lstrip().startswith("<svg")


def test_report_only_rows_left_out_of_reader_tables():
    from analysis.core.catalogue import label

    assert "unnamed_kpi_2a_row12" in display.REPORT_ONLY_INDICATORS
    kpis = ["unnamed_kpi_2a_row12", "households_below_120pct_social_minimum_pct"]
    by_label = pd.DataFrame({"1-meting": ["-", "15,1%"]}, index=pd.Index([label(i) for i in kpis], name="KPI"))
    assert list(display.reader_rows(by_label).index) == ["Huishoudens tot 120% van het sociaal minimum"]
    by_id = pd.DataFrame({"indicator": kpis})
    assert list(display.reader_rows(by_id)["indicator"]) == ["households_below_120pct_social_minimum_pct"]


def test_landing_page_ranks_the_headline_and_links_profiles(reports):
    page = (reports / GM / "index.html").read_text(encoding="utf-8")
    assert "<h1>Wijkmonitor Roermond</h1>" in page
    assert 'Huishoudens tot 120% van het sociaal minimum per wijk, <span class="wm-nowrap">1-meting (2023)</span>' in page
    rows = [(re.sub(r"<[^>]+>", "", th), v, k) for th, v, k in re.findall(
        r'<tr[^>]*><th scope="row">(.*?)</th><td class="wm-num">(.*?)</td><td>(.*?)</td>', page)]
    # most favourable first (lower is better), then the wijk without a figure, the gemeente and Nederland
    assert rows[0][0] == "Herten" and rows[0][1:] == ("4,9%", "gunstiger")
    assert ("2 Donderberg", "25,0%", "ongunstiger") in rows  # number 2 on the map, as on the indicator map
    assert rows[-4][0] == "1 Roermond-Oost" and rows[-4][1] == "25,4%"
    assert rows[-3][0].startswith("Maasplassen") and rows[-3][1] == "geen gegevens"
    assert rows[-2][:2] == ("Gemeente Roermond", "15,1%")  # the May 2025 report's 1-meting (Bijlage 2A)
    assert rows[-1][:2] == ("Nederland", "12,2%")
    for name in ("overzicht", "indicator_kaart"):
        assert f'href="{page_of(reports, name).name}"' in page
    on_disk = len(list((reports / GM).glob("wijkprofiel_WK0957*.html")))
    assert page.count('href="wijkprofiel_WK0957') == on_disk == 10, "every wijk has a profile"


def test_landing_names_missing_profiles_and_root_keeps_other_gemeenten(reports, tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(reports, root)
    (root / GM / "wijkprofiel_WK095707.html").unlink()
    other = root / "GM0935"  # another gemeente's reports, made by an earlier run (plumbing)
    other.mkdir()
    (other / "overzicht.html").write_text("<html></html>", encoding="utf-8")
    obs = observations.load(GM)
    landing.write_gemeente_index(root, GM, obs, pdok.load_boundaries("wijk", 2024, GM), links=plan.landing_links())
    page = (root / GM / "index.html").read_text(encoding="utf-8")
    missing = re.search(r"Nog geen wijkprofiel voor: ([^.]*)\.", page).group(1).split(", ")
    assert "Herten" in missing and 'href="wijkprofiel_WK095707.html"' not in page
    assert f"{10 - len(missing)} van de 10 wijken hebben een wijkprofiel" in page
    landing.write_root_index(root, plan.landing_links())
    index = (root / "index.html").read_text(encoding="utf-8")
    assert 'href="GM0957/index.html">Roermond</a>' in index and f"{10 - len(missing)} van 10" in index
    assert 'href="GM0935/overzicht.html"' in index


def test_headline_defaults_to_population_density_without_the_monitor_indicator():
    obs = observations.load(GM)
    kwb = obs[obs["dataset"].str.startswith("kwb")]
    assert landing.default_headline(obs) == "households_below_120pct_social_minimum_pct"
    assert landing.default_headline(kwb) == "population_density"
    shapes = pdok.load_boundaries("wijk", 2024, GM)
    tab, period = landing.headline_values(kwb, "population_density", shapes[["wijkcode", "wijknaam"]])
    assert period == "2025 (KWB 2025)" and tab["value"].notna().sum() >= 9


def test_one_self_contained_page_for_email(tmp_path, capsys):
    """`python -m analysis los`: the committed Donderberg profile as one file, nothing linked, the report's 25,0%."""
    import html

    from analysis.cli import main

    out = tmp_path / "donderberg.html"
    assert main(["los", str(Path(__file__).parents[1] / "notebooks" / "wijkprofiel.ipynb"), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page  # vega and the stylesheet inside
    assert "vegaEmbed" in page and "data:text/csv" in page
    text = html.unescape(page)
    assert "Huishoudens tot 120% van het sociaal minimum" in text and "25,0%" in text and "1-meting (2023)" in text
    assert "werkt zonder internet" in capsys.readouterr().out
    assert main(["los", str(tmp_path / "geen.ipynb")]) == 2
    assert "geen.ipynb: geen notebook" in capsys.readouterr().err


def test_landing_numbers_are_the_wijk_maps_numbers(reports):
    """The landing map is the indicator map's wijk map: the same colours (centred on Nederland) and the
    same wijk numbers, which the table puts before the names (not ranks)."""
    import json

    from analysis.charts import maps

    page = (reports / GM / "index.html").read_text(encoding="utf-8")
    spec = json.loads(re.search(r'wijkmonitor\.embed\("kaart", (\{.*?\}), WM_OPTS\)', page, re.S).group(1))
    text = json.dumps(spec)
    assert '"scheme": "pinkyellowgreen"' in text and '"domainMid": 12.2' in text  # green/pink around NL 12,2%
    web = pdok.simplify_for_web(pdok.load_boundaries("wijk", 2024, GM))
    numbers = maps.map_numbers(web)
    assert numbers == {"WK095701": 1, "WK095704": 2, "WK095705": 3}
    shown = dict(re.findall(r'<span class="wm-nr"[^>]*>(\d+)</span> <a href="wijkprofiel_(WK\d+)\.html"', page))
    assert {c: int(n) for n, c in shown.items()} == numbers
    kaart = (reports / GM / "indicator_kaart.html").read_text(encoding="utf-8")
    assert "1 Roermond-Oost" in kaart and "2 Donderberg" in kaart and "3 Hoogvonderen" in kaart
