"""The other gemeenten of Midden-Limburg Oost: a CBS-only monitor each, reports in reports/<GM>/,
the region in their overview, and a profile Chromium draws with its map (offline)."""
import re

import pytest
from pages_fixture import rendered_dom

from analysis.batch import runner as run
from analysis.build import gemeenten
from analysis.core import paths

MLO = {"GM1711": 11, "GM1641": 8, "GM1669": 6}  # wijken in the 2024 boundaries


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    out = tmp_path_factory.mktemp("mlo")
    mp = pytest.MonkeyPatch()  # their processed data in a folder of their own, not data/processed
    mp.setattr(paths, "PROCESSED_DIR", out / "processed")
    mp.setenv("WIJKMONITOR_PROCESSED", str(out / "processed"))
    try:
        for gm in MLO:
            first = sorted(gemeenten.wijken(gm)["wijkcode"])[1]  # a wijk with inhabitants
            summary = run.run_all(gemeentecode=gm, wijken=[first], out_dir=out / "reports", quiet=True, jobs=2)
            assert not summary["failed"] and not summary["gemeenten_failed"], summary
    finally:
        mp.undo()
    return out / "reports"


@pytest.mark.parametrize("gm", list(MLO))
def test_profile_renders_with_its_map(root, gm, tmp_path):
    page = next((root / gm).glob("wijkprofiel_*.html"))
    dom = rendered_dom(page, tmp_path / "profile")
    charts, drawn = dom.count('class="wm-chart'), dom.count('class="marks"')
    assert charts >= 2 and drawn == charts, (charts, drawn)
    assert dom.count('aria-roledescription="geoshape"') >= MLO[gm]  # the locator: every wijk of the gemeente
    assert gemeenten.name(gm) in dom


@pytest.mark.parametrize("gm", list(MLO))
def test_overview_has_the_region(root, gm):
    text = re.sub(r"<[^>]+>", " ", (root / gm / "overzicht.html").read_text(encoding="utf-8"))
    assert "Midden-Limburg Oost" in text
    for other in ("Roermond", "Echt-Susteren", "Maasgouw", "Roerdalen"):
        assert other in text
    index = (root / "index.html").read_text(encoding="utf-8")
    assert f"{gm}/index.html" in index
