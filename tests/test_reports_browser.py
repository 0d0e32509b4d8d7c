"""A real headless Chromium renders the offline HTML report's charts (no network)."""
import shutil
import subprocess

import pytest

from analysis import run


def _chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
    return exe


def test_chromium_renders_the_map(tmp_path):
    task = run.Task("indicator_kaart.ipynb", "indicator_kaart", "Indicatorkaart", {})
    run.run_all(tasks=[task], out_dir=tmp_path, quiet=True)
    page = tmp_path / "indicator_kaart.html"
    dom = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=15000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120).stdout
    charts = dom.count('class="wm-chart')
    rendered = dom.count('class="marks"')
    assert charts >= 3 and rendered >= charts, (charts, rendered)
    assert "Maasplassen" in dom and "Donderberg" in dom  # wijk labels drawn in the SVG
