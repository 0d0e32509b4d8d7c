"""A real headless Chromium renders every offline HTML report of the batch, map included (no network)."""
import shutil
import subprocess

import pytest

from analysis import run

PAGES = ["overzicht", "indicator_kaart"] + [f"wijkprofiel_WK0957{i:02d}" for i in range(10)]


def _chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
    return exe


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The README's main job for Roermond, into a temporary folder."""
    out = tmp_path_factory.mktemp("reports")
    summary = run.run_all(gemeentecode="GM0957", out_dir=out, quiet=True)
    assert not summary["failed"] and sorted(summary["ran"]) == sorted(PAGES)
    return out


def _rendered_dom(page, profile):
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120).stdout


@pytest.mark.parametrize("name", PAGES)
def test_chromium_renders_every_chart_and_the_map(reports, name, tmp_path):
    dom = _rendered_dom(reports / f"{name}.html", tmp_path / "profile")
    charts = dom.count('class="wm-chart')
    rendered = dom.count('class="marks"')  # the <svg> vega draws into each chart's div
    assert charts >= 1 and rendered == charts, (charts, rendered)
    # a map: at least the gemeente's ten wijken drawn as shapes
    assert dom.count('aria-roledescription="geoshape"') >= 10


def test_map_page_labels_every_wijk(reports, tmp_path):
    dom = _rendered_dom(reports / "indicator_kaart.html", tmp_path / "profile")
    assert dom.count('class="wm-chart') >= 3
    assert "Maasplassen" in dom and "Donderberg" in dom  # wijk labels drawn in the SVG
