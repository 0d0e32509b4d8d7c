"""Trend judgements, comparisons with Nederland, and the maps (issue: maps and comparisons)."""

import vl_convert as vlc
from maps_helpers import dicts

from analysis.charts import maps
from analysis.rules import compare


def _kpis(kpi_set: str) -> list[str]:
    from analysis.build import monitors
    return next(k.indicators for k in monitors.load("GM0957").kpi_sets if k.id == kpi_set)


TOT120 = "households_below_120pct_social_minimum_pct"

def test_missing_reference_is_said_not_invented(obs):
    c = compare.compare(obs, "overweight_group7_pct", meting=1)  # Nederland: '-'
    assert c.reference_missing.all() and c.difference.isna().all()
    # the map compares with the gemeente instead, and says so (tests/test_maps_charts.py)
    ref = maps.map_frame(obs, "overweight_group7_pct", "GM0957", meting=1).attrs["reference"]
    assert ref["kind"] == "gemeente" and "geen cijfer van Nederland" in ref["tekst"]


def _geoshape_fills(scenegraph):
    return [i.get("fill") for node in dicts(scenegraph) if node.get("marktype") == "shape" for i in node.get("items", [])]


def test_rendered_map_shows_all_ten_wijken(obs, tmp_path):
    chart = maps.choropleth(obs, TOT120, "GM0957", meting=1)
    fills = _geoshape_fills(vlc.vegalite_to_scenegraph(chart.to_dict()))
    assert len(fills) == 10
    assert fills.count(maps.NO_DATA_COLOUR) == 1  # Maasplassen: geen gegevens
    assert len(set(fills) - {maps.NO_DATA_COLOUR}) >= 8  # nine coloured by value
    png = maps.export(chart, tmp_path / "kaart.png")
    svg = maps.export(chart, tmp_path / "kaart.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    text = svg.read_text()
    assert "Maasplassen" in text and "geen gegevens" in text and "12,2%" in text  # Dutch notation


def test_chart_sizes_stay_small(obs):
    inds = _kpis("kpis_per_wijk")
    assert maps.spec_size_kb(maps.choropleth(obs, TOT120, "GM0957", meting=1)) < 300
    assert maps.spec_size_kb(maps.small_multiples(obs, inds, "GM0957", meting=1)) < 300
    assert maps.spec_size_kb(maps.explorer(obs, inds, "GM0957")) < 300


def test_explorer_is_kernel_free(obs):
    spec = maps.explorer(obs, ["households_below_120pct_social_minimum_pct", "net_labour_participation_pct"],
                         "GM0957").to_dict()
    params = {p["name"]: p for node in dicts(spec) for p in node.get("params", []) if isinstance(p, dict) and "name" in p}
    assert params["indicator"]["bind"]["input"] == "select" and params["meting"]["bind"]["input"] == "radio"
    assert "wijk_klik" in params


