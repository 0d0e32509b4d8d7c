"""Charts follow the data: metingen, reference fallback, value order, Dutch text, trends, region."""
import json
import re

import pytest
import vl_convert as vlc
from maps_helpers import dicts, region_density

from analysis.charts import maps
from analysis.core.errors import NoDataError
from analysis.rules import compare, profile
from analysis.sources import pdok


def _kpis(kpi_set: str) -> list[str]:
    from analysis.build import monitors
    return next(k.indicators for k in monitors.load("GM0957").kpi_sets if k.id == kpi_set)


TOT120 = "households_below_120pct_social_minimum_pct"
MLO = ["GM0957", "GM1711", "GM1641", "GM1669"]
ENGLISH = re.compile(r"\b(no|every|missing|value|national|period|compare|than|data)\b", re.I)


def _bar_order(chart) -> list[str]:
    sg = vlc.vegalite_to_scenegraph(chart.to_dict())["scenegraph"]
    bars = []
    for node in dicts(sg):
        if node.get("marktype") == "rect" and node.get("role") == "mark":
            for it in node.get("items", []):
                m = re.search(r"Wijk: (.*?);", it.get("description", ""))
                if m:
                    bars.append((it["y"], m.group(1)))
    return [name for _, name in sorted(bars)]


def test_ranked_bars_in_value_order(obs):
    # lower is better: smallest share first, Maasplassen (no value) last
    assert _bar_order(maps.ranked_bars(obs, TOT120, "GM0957", meting=1)) == [
        "Herten", "Asenray", "Hoogvonderen", "Swalmen", "Centrum", "Maasniel", "Roermond-Zuid", "Donderberg",
        "Roermond-Oost", "Maasplassen"]
    c = compare.wijken(obs, "net_labour_participation_pct", "GM0957", meting=1)[0]
    expected = list(c.sort_values("value", ascending=False, na_position="last")["area_name"])
    assert _bar_order(maps.ranked_bars(obs, "net_labour_participation_pct", "GM0957", meting=1)) == expected


def test_charts_follow_the_metingen(obs):
    # Bijlage 1 has a 2-meting for the gemeente only; the comparison falls back to an earlier one
    chart = maps.gemeente_vs_nederland(obs, "GM0957", _kpis("kiezen_voor_kansen"))
    assert "1-meting" in json.dumps(chart.to_dict()["title"])


def test_reference_fallback_drawn(obs):
    chart = maps.choropleth(obs, "overweight_group7_pct", "GM0957", meting=1)
    assert "midden = Roermond (23%); geen cijfer van Nederland" in " ".join(_svg_texts(chart))
    bare = obs[~((obs.indicator == "overweight_group7_pct") & obs.area_code.isin(["GM0957", "NL00"]))]
    with pytest.raises(NoDataError, match="geen cijfer van Nederland of Roermond om mee te vergelijken"):
        maps.choropleth(bare, "overweight_group7_pct", "GM0957", meting=1)


def _svg_texts(chart) -> list[str]:
    svg = vlc.vegalite_to_svg(chart.to_dict(), format_locale=maps.FORMAT_LOCALE)
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return [" ".join(re.findall(r">([^<]+)<", f">{t}<")).replace("&amp;", "&") for t in texts]


def test_no_english_and_no_truncation_in_small_multiples(obs):
    inds = _kpis("kpis_per_wijk")
    chart = maps.small_multiples(obs, inds, "GM0957", meting=1)
    texts = _svg_texts(chart)
    assert not [t for t in texts if ENGLISH.search(t)]
    assert not [t for t in texts if "…" in t]
    # the kwetsbaarheidsindex has wijk values only in the 0-meting: drawn from it, the meting named
    assert "geen enkele wijk heeft een cijfer" not in " ".join(texts)
    assert "0-meting (jaar niet vermeld)" in " ".join(texts)
    spec = json.dumps(chart.to_dict())
    assert "ongeveer gelijk dan" not in spec and "ongeveer gelijk aan Nederland" in spec
    n_maps = sum(1 for c in chart.to_dict()["concat"] if "layer" in c)
    assert n_maps == 14 and spec.count('"gradientLength"') == n_maps  # a legend under every map


def test_explorer_says_what_is_missing(obs):
    inds = ["net_labour_participation_pct", "vulnerability_index"]
    spec = maps.explorer(obs, inds, "GM0957").to_dict()
    notes = [r["tekst"] for d in spec["datasets"].values() for r in d if "tekst" in r and "key" in r]
    assert any("Geen gegevens voor: Maasplassen." in n for n in notes)
    assert "Kwetsbaarheidsindex: geen gegevens voor de 1-meting (jaar niet vermeld)." in notes
    params = json.dumps(spec)
    assert '"options": [0, 1]' in params and '"legend": {' in params
    assert not [t for t in _svg_texts(maps.explorer(obs, inds, "GM0957")) if ENGLISH.search(t)]


def test_neutral_colours_for_areas(obs):
    tab = profile.wijk_indicators(obs, "WK095704", "GM0957")
    spec = json.dumps(maps.wijk_vs_references(tab, "Donderberg", "Roermond").to_dict())
    assert maps.WIJK_COLOUR in spec and maps.GEMEENTE_COLOUR in spec
    assert maps.GUNSTIG not in spec and maps.ONGUNSTIG not in spec
    ages = json.dumps(maps.age_chart(profile.age_structure(obs, "WK095704", "GM0957")).to_dict())
    assert maps.ONGUNSTIG not in ages and maps.WIJK_COLOUR in ages


def test_trend_chart_with_national_series(obs):
    assert (obs.dataset == "cbs_83841NED").any()  # the build loads CBS's national yearly series
    spec = maps.trend_chart(obs, TOT120, "WK095704", "GM0957").to_dict()
    rows = next(iter(spec["datasets"].values()))
    nl = {r["jaar"]: r["waarde"] for r in rows if r["gebied"] == "Nederland"}
    assert sorted(nl) == list(range(2011, 2025)) and nl[2024] == 11.8 and nl[2011] == 13.6
    wijk = {r["jaar"]: r["waarde"] for r in rows if r["gebied"] == "Donderberg"}
    assert wijk == {2022: 25.4, 2023: 25.0}
    # without the yearly series Nederland is drawn from its metingen
    without = obs[obs.dataset != "cbs_83841NED"]
    rows = next(iter(maps.trend_chart(without, TOT120, "WK095704", "GM0957").to_dict()["datasets"].values()))
    assert {r["jaar"]: r["waarde"] for r in rows if r["gebied"] == "Nederland"} == {2022: 12.0, 2023: 12.2}
    assert {r["jaar"]: r["waarde"] for r in rows if r["gebied"] == "Roermond"} == {2022: 14.9, 2023: 15.1}


def test_region_trend_and_map():
    reg = region_density(MLO)
    rows = next(iter(maps.region_trend(reg, "population_density", MLO).to_dict()["datasets"].values()))
    assert {r["jaar"]: r["waarde"] for r in rows if r["gebied"] == "Roermond"}[2023] == 989.0
    assert {r["gebied"] for r in rows} == {"Roermond", "Echt-Susteren", "Maasgouw", "Roerdalen"}
    shapes = pdok.load_boundaries("gemeente", 2024, "GM0957")
    chart = maps.region_map(shapes, reg, "population_density", 2023, "GM0957")
    lead_form = maps.region_map(reg, "population_density", MLO, highlight="GM0957")  # latest year: 2024
    spec = lead_form.to_dict()
    assert "2024" in json.dumps(spec.get("vconcat", [spec])[0]["title"])
    from maps_helpers import overlapping, text_items
    items = text_items(chart)
    assert {"Roermond", "Maasgouw", "Roerdalen", "Echt-Susteren"} <= {t["text"] for t in items}
    assert overlapping(items) == []


def test_region_charts_without_yearly_values_say_so(obs):
    chart = maps.region_trend(obs[obs.indicator != "population_density"], "population_density", MLO)
    assert "Geen cijfers per jaar" in json.dumps(chart.to_dict())


def test_export_prints_the_source(obs, tmp_path):
    chart = maps.choropleth(obs, TOT120, "GM0957", meting=1) | maps.ranked_bars(obs, TOT120, "GM0957", meting=1)
    svg = maps.export(chart, tmp_path / "kaart.svg").read_text()
    assert "Bron: Voortgangsrapportage Sociaal Domein Roermond, mei 2025; wijkgrenzen CBS/PDOK 2024" in svg
    png = maps.export(maps.locator("GM0957", "WK095704"), tmp_path / "ligging.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_trend_chart_prints_a_break_note(obs, monkeypatch):
    """Plumbing: a catalogue break note (another helper's metadata) appears under the chart."""
    from analysis.core import catalogue

    monkeypatch.setattr(catalogue, "break_note", lambda ind, years=None: "Reeksbreuk in KWB 2024.", raising=False)
    assert "Let op: Reeksbreuk in KWB 2024." in json.dumps(maps.trend_chart(obs, TOT120, "WK095704", "GM0957").to_dict())


def test_trend_chart_without_metingen_uses_the_years(obs):
    spec = maps.trend_chart(obs, "population", "WK095704", "GM0957").to_dict()
    rows = next(iter(spec["datasets"].values()))
    kwb = obs[(obs.indicator == "population") & (obs.area_code == "WK095704") & (obs.status == "ok")]
    assert {r["jaar"]: r["waarde"] for r in rows if r["gebied"] == "Donderberg"} == {
        int(y): float(v) for y, v in kwb.drop_duplicates("year")[["year", "value"]].itertuples(index=False)}
    assert "lijnen verbinden de jaren" in json.dumps(spec["title"])
    note = maps.trend_chart(obs, "vulnerability_index", "WK095704", "GM0957").to_dict()
    assert "geen cijfers over 'kwetsbaarheidsindex'" in json.dumps(note)


def test_one_theme_sets_title_and_font(obs):
    """charts/theme: every chart carries one config (title at the start, font, sizes); no chart repeats it."""
    import altair as alt

    from analysis.charts import profile_charts, theme

    assert alt.theme.active == theme.NAME
    spec = maps.ranked_bars(obs, TOT120, "GM0957", meting=1).to_dict()
    assert spec["config"]["title"] == {"anchor": "start", "fontSize": 13, "subtitleFontSize": 11}
    assert spec["config"]["font"] == "sans-serif"
    # the rendered title starts at the chart's left edge, as the report's headings do
    titles = [n for n in dicts(vlc.vegalite_to_scenegraph(spec)["scenegraph"])
              if n.get("marktype") == "text" and n.get("role") == "title-text"]
    assert titles and all(it.get("align") == "left" for n in titles for it in n.get("items", []))
    for module in (maps, profile_charts):
        assert 'anchor="start"' not in open(module.__file__, encoding="utf-8").read(), module.__name__
