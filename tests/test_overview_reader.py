"""The overzicht and indicatorkaart as a reader reads them (issue 20): every meting with its year,
direction apart from judgement, units on the values, one notation for missing, the region on a
year every gemeente has, numeric Excel downloads, source numbers that resolve, small multiples
that draw every meting with values. Real values of Roermond's May 2025 report and the CBS mirror."""
import io
import re

import openpyxl
import pandas as pd
import pytest

from analysis.build import monitors
from analysis.build.judgements import series_rows
from analysis.charts import maps
from analysis.core import catalogue, numbers
from analysis.pages import display, webpage
from analysis.rules import compare, period, profile, region, trends

TOT120 = "households_below_120pct_social_minimum_pct"
MLO = {"GM0957": "Roermond", "GM1711": "Echt-Susteren", "GM1641": "Maasgouw", "GM1669": "Roerdalen"}


@pytest.fixture(scope="module")
def monitor():
    return monitors.load("GM0957")


def test_meting_label_carries_the_year_and_the_series(obs):
    """Bijlage 2C: 120% 0-meting 2022, 1-meting 2023; speciaal basisonderwijs in school years;
    ervaren gezondheid is in two series (73,3% is the 0-meting of Kiezen voor Kansen, 2020, and the
    1-meting of the beleidskader, 2020), so its series is named."""
    assert period.meting_label(obs, TOT120, 0) == "0-meting (2022)"
    assert period.meting_label(obs, TOT120, 1) == "1-meting (2023)"
    assert period.meting_label(obs, TOT120, 1, with_series=True) == "1-meting (2023), Kiezen voor Kansen"
    assert period.meting_label(obs, "special_primary_education_pct", 0) == "0-meting (2022/2023)"
    assert period.meting_label(obs, "self_rated_health_pct", 0) == "0-meting (2020), Kiezen voor Kansen"
    assert (period.meting_label(obs, "self_rated_health_pct", 1, series="beleidskader")
            == "1-meting (2020), Beleidskader Sociaal Domein Midden-Limburg Oost")
    assert period.meting_label(obs, "self_rated_health_pct", 0, with_series=False) == "0-meting (2020)"
    assert period.meting_label(obs, "life_expectancy_years", 1) == "1-meting (jaar niet vermeld)"
    assert period.metingen_label(obs, [TOT120, "youth_neet_rate"], 0) == "0-meting (2020-2022)"
    assert period.period_label(obs, "population", year=2024) == "2024 (KWB 2024)"  # the year described, the edition


def test_reader_table_years_direction_judgement_units_missing(obs, built, monitor):
    t = trends.kpi_table(obs, built["judgements"], monitor, "kiezen_voor_kansen", readers=True)
    metingen = [c for c in t.columns if "meting" in c]
    assert metingen == ["Roermond 0-meting (2020-2023)", "Roermond 1-meting (2021-2024)",
                        "Nederland 0-meting (2020-2023)", "Nederland 1-meting (2021-2024)"]
    row = t.loc["Huishoudens tot 120% van het sociaal minimum"]  # 14,9% -> 15,1%: up, unfavourable
    assert (row["Jaren"].replace("\u200b", ""), row["Roermond 0-meting (2020-2023)"], row["Roermond 1-meting (2021-2024)"]) == (
        "2022→2023", "14,9%", "15,1%")
    assert (row["Verandering"], row["Rapport"]) == ("↑ ongunstig", "-")
    neet = t.loc["Jongeren (14-27 jaar) zonder onderwijs en werk"]  # the unit on the values only
    assert neet["Roermond 0-meting (2020-2023)"] == "929 per 1.000 jongeren" and neet["Verandering"] == "↓ gunstig"
    vg = t.loc["Vroeggeboorte en/of te laag geboortegewicht"]  # Bijlage 2B: Nederland 152,8 per 1.000
    assert "152,8 per 1.000 geboortes" in vg.tolist() and not any("‰" in str(v) for v in vg)
    assert t.loc["Aantal meldingen bij vroegsignalering", "Nederland 0-meting (2020-2023)"] == "geen gegevens¹"
    assert t.loc["Inwoners die mantelzorg geven", "Verandering"] == "= gelijk"
    assert "Eenheid" not in t.columns  # the unit is on the values
    assert t.attrs["notes"] == "¹ niet gepubliceerd in het rapport (daar '-')"
    dl = t.attrs["download"]
    assert dl.loc["Huishoudens tot 120% van het sociaal minimum", "Roermond 1-meting (2021-2024)"] == 15.1
    assert dl.loc["Vroeggeboorte en/of te laag geboortegewicht", "Eenheid"] == "per 1.000 geboortes"
    bk = trends.kpi_table(obs, built["judgements"], monitor, "beleidskader", readers=True)
    assert bk.loc["Vrijwilligers", "Roermond 0-meting (2016-2018)"] == "24,5%"
    assert bk.loc["Vrijwilligers", "Jaren"] == "2016→\u200b2020→\u200b2022"  # may wrap after an arrow
    assert bk.attrs["download"].loc["Vrijwilligers", "Jaren"] == "2016→2020→2022"
    # the reproduction (annex workbook) keeps the report's layout
    assert "Roermond 0-meting" in trends.kpi_table(obs, built["judgements"], monitor, "beleidskader").columns


def test_legends_explain_direction_judgement_and_the_report_signs(obs, built, monitor):
    t = trends.kpi_table(obs, built["judgements"], monitor, "kiezen_voor_kansen", readers=True)
    notes = trends.table_notes(t, report_column=True)
    for word in ("↑ hoger", "↓ lager", "= gelijk", "gunstig", "ongunstig", "+/- gelijk"):
        assert word in notes, word
    # NEET: the report says per 1.000 in Bijlage 2A and per 10.000 in its text
    assert "per 10.000" in notes and "Rapport niet eenduidig (per 1.000 of per 10.000)" in notes
    assert catalogue.report_notes(TOT120) == []
    ch = trends.change_table(obs, TOT120)  # Donderberg 25,4 -> 25,0: down, favourable (the report's '+')
    assert list(ch.columns[:2]) == ["0-meting (2022)", "1-meting (2023)"]
    assert ch.loc["Donderberg", "Verandering"] == "↓ gunstig"
    assert ch.loc["Maasplassen", "1-meting (2023)"] == "geen gegevens¹"


def test_region_table_has_a_value_for_every_mlo_gemeente(obs, monitor):
    """On the latest year all four have (2024 inhabitants: Roermond 60.743, Echt-Susteren 32.041,
    Maasgouw 24.406, Roerdalen 20.806), never a column of dashes."""
    regio = monitor.regions[0]
    assert set(regio.gemeenten) == set(MLO)
    t = region.table(obs, regio)
    for name in MLO.values():
        col = t[name]
        assert not col.str.startswith("geen gegevens").any() and not (col == "-").any(), (name, col.tolist())
    assert t.loc["Aantal inwoners, 2024 (KWB 2024)", ["Roermond", "Echt-Susteren", "Maasgouw", "Roerdalen"]].tolist() == [
        "60.743", "32.041", "24.406", "20.806"]
    assert t.loc["Bevolkingsdichtheid (inwoners per km²), 2024 (KWB 2024)", "Nederland"] == "geen gegevens⁵"
    assert "Roermond, Echt-Susteren, Maasgouw, Roerdalen" in region.common_year_note(obs, regio)


def test_region_map_colours_every_gemeente_and_keeps_its_legend(obs, monitor):
    spec = maps.region_map(obs, "population_density", monitor.regions[0], highlight="GM0957").to_dict()
    import json
    text = json.dumps(spec, ensure_ascii=False)
    layers = (spec.get("vconcat") or [spec])[0]["layer"]
    data = layers[0]["data"]
    feats = data["values"] if "values" in data else spec["datasets"][data["name"]]
    feats = json.loads(feats) if isinstance(feats, str) else feats
    assert sorted(f["properties"]["gemeentecode"] for f in feats if f["properties"]["has_value"]) == sorted(MLO)
    legend = layers[1]["encoding"]["color"]["legend"]
    assert legend["titleLimit"] >= 400 and "midden = Roermond (1.002); geen cijfer van" in " ".join(legend["title"])
    assert len(legend["values"]) >= 3 and "2024: het laatste jaar met een cijfer van elke gemeente" in text


def test_table_downloads_are_numbers_with_a_dutch_format(obs, built, monitor):
    t = trends.kpi_table(obs, built["judgements"], monitor, "kiezen_voor_kansen", readers=True)
    _, xlsx = webpage._table_files(display.table_payload(t)["download"])
    ws = openpyxl.load_workbook(io.BytesIO(xlsx))["Tabel"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Aantal meldingen bij vroegsignalering")
    cell = row[header.index("Roermond 1-meting (2021-2024)")]
    assert cell.value == 3579 and cell.data_type == "n" and cell.number_format == "#,##0"
    assert row[header.index("Nederland 1-meting (2021-2024)")].value == "geen gegevens¹"  # real text stays text
    # a table shown as Dutch text (the region table) is stored as numbers too
    _, xlsx = webpage._table_files(display.table_payload(region.table(obs, monitor.regions[0])))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx))["Tabel"]
    cells = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    c = cells["Aantal inwoners, 2024 (KWB 2024)"][1]
    assert (c.value, c.data_type, c.number_format) == (60743, "n", "#,##0")
    c = cells["Aandeel inwoners 65 jaar en ouder, 2024 (KWB 2024)"][1]
    assert c.value == 22 and c.number_format == '#,##0"%"'
    assert numbers.printed_number("25,4%") == (25.4, '#,##0.0"%"')
    assert numbers.printed_number("929 per 1.000") == (929.0, '#,##0" per 1.000"')
    assert numbers.printed_number("-0,2") == (-0.2, "#,##0.0") and numbers.printed_number("Donderberg") is None


def test_every_source_number_resolves(obs, built, monitor):
    listed = {d["nummer"] for d in trends.sources(obs, monitor)}
    shown = set()
    for k in monitor.kpi_sets:
        t = trends.kpi_table(obs, built["judgements"], monitor, k.id, readers=True)
        shown |= {int(n) for b in t["Bron"] for n in re.findall(r"\[(\d+)\]", b)}
    assert shown and shown <= listed, shown - listed
    md = trends.sources_markdown(obs, monitor)
    assert '<span id="bron-18"></span>**[18]** Jongeren zonder onderwijs en werk' in md
    html = webpage.table_html({"columns": ["KPI", "Bron"], "data": [["Werkloosheid", "[28]"]], "index_columns": 1})
    assert '<a class="wm-bron" href="#bron-28">[28]</a>' in html


def test_small_multiples_draw_every_meting_with_values(obs, monitor):
    """Zwangerschapsbegeleiding, vroeggeboorte and the kwetsbaarheidsindex have wijk values only in
    the 0-meting: drawn as maps with that meting named, not 'geen enkele wijk heeft een cijfer'."""
    import json

    kpis = profile.wijk_kpis(obs, None, monitor)
    spec = maps.small_multiples(obs, kpis, gemeentecode="GM0957").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "geen enkele wijk" not in text

    def titles(panel) -> str:  # a title's lines joined (long titles are wrapped)
        layer = panel if "title" in panel else panel["vconcat"][0]
        t = layer["title"]
        return " ".join(t["text"] + t.get("subtitle", []))
    text = " ".join(titles(p) for p in spec["concat"])
    for ind in kpis:
        have = period.metingen(obs, ind, period.default_series(obs, ind), level="wijk", measured=True)
        assert have, ind
        assert period.meting_label(obs, ind, have[-1]) in text, ind
    assert "0-meting (2020)" in text and "0-meting (jaar niet vermeld)" in text
    for panel in spec["concat"]:  # every panel a map whose legend has at least three values
        layers = panel.get("layer") or panel["vconcat"][0]["layer"]
        assert any(layer["mark"]["type"] == "geoshape" for layer in layers if isinstance(layer.get("mark"), dict))
        legend = next(layer["encoding"]["color"]["legend"] for layer in layers
                      if "legend" in layer.get("encoding", {}).get("color", {}) and
                      layer["encoding"]["color"].get("field") == "properties.value")
        assert len(legend["values"]) >= 3


def test_ranked_bars_labels_sit_above_the_reference_lines(obs):
    spec = maps.ranked_bars(obs, TOT120, gemeentecode="GM0957", meting=1).to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks.index("rule") < marks.index("text")  # drawn before the labels: never strikes them through
    assert "1-meting (2023)" in " ".join(spec["title"]["text"])


def test_few_names_in_a_sentence():
    names = [f"Wijk {i}" for i in range(25)]
    assert compare.few_names(names) == "Wijk 0, Wijk 1, Wijk 2, Wijk 3, Wijk 4 en 20 andere"
    assert compare.few_names(names[:3]) == "Wijk 0, Wijk 1, Wijk 2"


def test_big_gemeente_top_and_bottom_ten_and_a_sortable_table():
    """Amsterdam (111 wijken in the 2024 boundaries): the chart shows twenty, the table all."""
    from analysis.build import observations

    gm = "GM0363"
    obs = observations.build(gm)["observations"]
    ind = "population_density"
    p = period.of(obs, ind)
    spec = maps.ranked_bars(obs, ind, gemeentecode=gm, **p).to_dict()
    assert len(spec["layer"][0]["data"]["values"] if "values" in spec["layer"][0].get("data", {}) else
               spec["datasets"][spec["layer"][0]["data"]["name"]]) == 20
    t = trends.ranking_table(obs, ind, gm, **p)
    assert len(t) > 100 and t.attrs["sortable"]
    assert 'class="wm-table wm-sortable"' in webpage.table_html(display.table_payload(t))
    text = compare.summary_markdown(obs, ind, **p)
    assert len(re.findall(r",", text)) < 15, text


def test_units_are_shown_once_on_the_overzicht_chart(obs, monitor):
    """'142,0‰ (per 1.000 geboortes)' gave the unit twice: labels are the catalogue's short_label and
    the values carry value_unit (Bijlage 2B: Nederland 152,8 per 1.000 geboortes)."""
    import json
    inds = [k for k in monitor.kpi_sets if "land" in k.areas][0].indicators
    text = json.dumps(maps.gemeente_vs_nederland(obs, "GM0957", list(inds)).to_dict(), ensure_ascii=False)
    assert "152,8 per 1.000 geboortes" in text
    assert "(per 1.000 geboortes)" not in text and not re.search(r"\d(‰|%) ?\(per ", text)
    # chart titles and legends (indicatorkaart): a label that names its unit gets no '(‰)' after it
    e = catalogue.indicator("preterm_low_birthweight_per_1000")
    assert maps._unit(e) == "" and maps._unit(catalogue.indicator("unemployment_pct")) == " (%)"
