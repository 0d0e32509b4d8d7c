"""Labels on every map: placed without overlap in the rendered scenegraph (Roermond, Amsterdam)."""
import pytest
from maps_helpers import amsterdam_density, overlapping, text_items
from shapely.geometry import box

from analysis.charts import labels, maps

TOT120 = "households_below_120pct_social_minimum_pct"


def test_projection_matches_vega(obs):
    """labels.Mercator puts a point where vega-lite's fitted mercator draws it (to 0.01 px)."""
    shapes = maps.wijk_shapes("GM0957")
    items = {t["text"]: t for t in text_items(maps.choropleth(obs, TOT120, "GM0957", meting=1))}
    placed = labels.place(shapes, 440, 400).set_index("tekst")
    c = items["Centrum"]
    assert c["x"] - c["ox"] == pytest.approx(placed.loc["Centrum", "x"], abs=0.01)
    assert c["y"] - c["oy"] == pytest.approx(placed.loc["Centrum", "y"], abs=0.01)


def test_roermond_choropleth_labels_do_not_overlap(obs):
    items = text_items(maps.choropleth(obs, TOT120, "GM0957", meting=1))
    texts = {t["text"] for t in items}
    # every wijk is named: on the map, or by number with the key under the map
    for naam in ["Centrum", "Roermond-Oost", "Hoogvonderen", "Donderberg", "Maasniel", "Swalmen", "Herten",
                 "Asenray", "Roermond-Zuid", "Maasplassen"]:
        assert naam in texts or any(t.endswith(" " + naam) and t.split(" ")[0].isdigit() for t in texts), naam
    assert overlapping(items) == []


def test_the_four_central_wijken_no_longer_collide():
    placed = labels.place(maps.wijk_shapes("GM0957"), 440, 400).set_index("wijknaam")
    boxes = [labels.text_box(r.x, r.y, r.tekst, r.font_size) for r in placed.itertuples() if r.soort != "geen"]
    assert all(not labels.boxes_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert (placed["soort"] != "geen").all()  # all ten have a name or a number


@pytest.mark.parametrize("wijkcode", ["WK095700", "WK095704", "WK095705"])
def test_locator_highlight_is_not_covered(wijkcode):
    chart = maps.locator("GM0957", wijkcode)
    items = text_items(chart)
    assert overlapping(items) == []
    shapes = maps.wijk_shapes("GM0957")
    proj = labels.Mercator(shapes.geometry, 320, 300)
    chosen = proj.geometry(shapes.loc[shapes.wijkcode == wijkcode].geometry.iloc[0])
    placed = labels.place(shapes, 320, 300, first=wijkcode, avoid=[wijkcode]).set_index("wijkcode")
    own = placed.loc[wijkcode, "tekst"]
    map_items = [t for t in items if t["oy"] == items[0]["oy"]]  # the map's own layer (not the key)
    for t in map_items:
        if t["text"] == own:
            continue
        x0, y0, x1, y1 = t["box"]
        assert not chosen.intersects(box(x0 - t["ox"], y0 - t["oy"], x1 - t["ox"], y1 - t["oy"])), t["text"]


def test_explorer_map_has_names_without_overlap(obs):
    inds = ["net_labour_participation_pct", TOT120]
    items = text_items(maps.explorer(obs, inds, "GM0957"))
    assert {"Swalmen", "Centrum", "Herten"} <= {t["text"] for t in items}
    assert overlapping(items) == []


def test_amsterdam_111_wijken():
    shapes = maps.wijk_shapes("GM0363")
    assert len(shapes) == 111 and "WK0363AA" in set(shapes.wijkcode)
    chart = maps.choropleth(amsterdam_density(), "population_density", "GM0363", year=2024)
    items = text_items(chart)
    assert len(items) >= 5 and overlapping(items) == []
    loc = text_items(maps.locator("GM0363", "WK0363AA"))
    assert overlapping(loc) == []


def test_wrap_never_truncates():
    lines = labels.wrap("Huishoudens tot 120% van het sociaal minimum (%)", 170, 10, bold=True)
    assert " ".join(lines) == "Huishoudens tot 120% van het sociaal minimum (%)"
    assert all(labels.text_width(line, 10) <= 170 for line in lines) and len(lines) == 2


@pytest.mark.parametrize("gemeentecode,n", [("GM1711", 11), ("GM1641", 8), ("GM1669", 6)])
def test_mlo_locators_without_overlap(gemeentecode, n):
    shapes = maps.wijk_shapes(gemeentecode)
    assert len(shapes) == n
    items = text_items(maps.locator(gemeentecode, shapes.wijkcode.iloc[0]))
    assert len(items) >= n and overlapping(items) == []
