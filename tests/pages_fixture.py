"""A reports tree as the batch builds it (light pages, _static/, landing pages), built once per session.

The notebooks are executed by the runner from copies that call `analysis.pages.display.setup()` (the
committed notebooks may still call `maps.setup()`); the pages are then rendered by
`webpage.to_html` into `<root>/GM0957/` and the landing pages written by `analysis.pages.landing`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.batch import plan
from analysis.batch import runner as run
from analysis.build import observations
from analysis.core import paths
from analysis.pages import landing, tables, webpage
from analysis.sources import pdok

GM = "GM0957"
PAGES = ["overzicht", "indicator_kaart"] + [f"wijkprofiel_WK0957{i:02d}" for i in range(10)]
_TREE: dict = {}
FAILED: dict[str, str] = {}  # notebooks of the batch that failed, with their error (their tests fail)


def display_notebooks(dst: Path) -> Path:
    """Copies of the notebooks whose setup cell calls analysis.pages.display.setup()."""
    dst.mkdir(parents=True, exist_ok=True)
    for nb in sorted(paths.NOTEBOOK_DIR.glob("*.ipynb")):
        data = json.loads(nb.read_text(encoding="utf-8"))
        for cell in data["cells"]:
            src = "".join(cell["source"])
            if "maps.setup()" in src and "analysis.pages.display" not in src:
                cell["source"] = src.replace("maps.setup()", "import analysis.pages.display\nanalysis.display.setup()")
        (dst / nb.name).write_text(json.dumps(data), encoding="utf-8")
    return dst


def titles() -> dict[str, str]:
    return {t.name: t.title for t in run.tasks_for(GM)}


def build_tree(base: Path) -> Path:
    """Execute the gemeente's notebooks and lay out base/reports as the batch does."""
    if "root" in _TREE:
        return _TREE["root"]
    nb_dir = display_notebooks(base / "notebooks")
    executed = base / "executed"
    summary = run.run_all(gemeentecode=GM, out_dir=executed, notebook_dir=nb_dir, quiet=True)
    FAILED.update({f["name"]: f["error"] for f in summary["failed"]})
    root = base / "reports"
    page_dir = root / GM
    page_dir.mkdir(parents=True)
    webpage.ensure_static(root)
    names = titles()
    for nb in sorted(executed.rglob("*.ipynb")):
        shutil.copy(nb, page_dir / nb.name)
        html = webpage.to_html(nb, names[nb.stem], root, page_dir, name=nb.stem)
        (page_dir / f"{nb.stem}.html").write_text(html, encoding="utf-8")
    # as `make report` does after the run: the annex workbook the overzicht links to
    tables.write_workbook(GM, out_dir=page_dir / "tabellen")
    landing.write_gemeente_index(root, GM, observations.load(GM), pdok.load_boundaries("wijk", 2024, GM),
                                 links=plan.landing_links())
    landing.write_root_index(root, plan.landing_links())
    _TREE["root"] = root
    return root


def page(root: Path, name: str) -> Path:
    """A page of the tree; a notebook that failed in the batch fails the test with its error."""
    if name in FAILED:
        pytest.fail(f"{name}: the notebook failed in the batch: {FAILED[name]}")
    return root / GM / f"{name}.html"


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed (make test installs Debian's chromium)")
    return exe


# No network: every request that is not file:// fails (the page must work offline).
OFFLINE = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND"]


def rendered_dom(page: Path, profile: Path, budget_ms: int = 15000) -> str:
    return subprocess.run([chromium(), *OFFLINE, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                           "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout


def screenshot(page: Path, out: Path, profile: Path, width: int = 1280, height: int = 2000) -> Path:
    subprocess.run([chromium(), *OFFLINE, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                    "--hide-scrollbars", f"--screenshot={out}", f"--window-size={width},{height}", page.as_uri()],
                   capture_output=True, text=True, timeout=120)
    return out


def print_pdf(page: Path, out: Path, profile: Path) -> Path:
    subprocess.run([chromium(), *OFFLINE, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                    "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()],
                   capture_output=True, text=True, timeout=120)
    return out


_CLICK = """<script>
setTimeout(function () {
  var target = null;
  document.querySelectorAll('#kaart path').forEach(function (p) {
    if (!target && (p.getAttribute('aria-label') || '').indexOf(%s) >= 0) { target = p; } });
  if (!target) { document.title = 'niets gevonden om te klikken'; return; }
  var b = target.getBoundingClientRect();
  var o = {bubbles: true, cancelable: true, clientX: b.left + b.width / 2, clientY: b.top + b.height / 2, view: window};
  ['pointermove', 'mousemove', 'pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'].forEach(function (t) {
    target.dispatchEvent(new MouseEvent(t, o)); });
}, 1500);
</script></body>"""


def dom_after_click(page: Path, label: str, profile: Path) -> str:
    """The DOM Chromium ends on after a mouse click on the shape of the map (#kaart) whose label
    names `label`: a copy of `page` beside it with a script that clicks once the map is drawn."""
    probe_page = page.with_name("_probe_click.html")
    text = page.read_text(encoding="utf-8")
    probe_page.write_text(text.replace("</body>", _CLICK % json.dumps(label)), encoding="utf-8")
    try:
        return rendered_dom(probe_page, profile)
    finally:
        probe_page.unlink()
