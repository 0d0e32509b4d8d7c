"""Outputs on disk: an unchanged run starts nothing (issue 24); damaged outputs are rebuilt from
what is left, without executing a notebook whose executed .ipynb is still there (issue 23)."""
from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest

from analysis.batch import executors, kernels
from analysis.batch import runner as run
from analysis.core import paths

ROERMOND = "GM0957"


@pytest.fixture(scope="module")
def first_run():
    """Roermond's 12 real notebooks, run once into the session's reports folder (conftest)."""
    summary = run.run_all(gemeenten=[ROERMOND], quiet=True)
    assert summary["failed"] == [] and len(summary["ran"]) + len(summary["skipped"]) == 12
    return paths.REPORTS_DIR


def _no_kernels(monkeypatch):
    """Starting a kernel or a worker pool now fails the test."""
    def refuse(*a, **k):
        raise AssertionError("a kernel or worker was started")

    monkeypatch.setattr(kernels, "start", refuse)
    monkeypatch.setattr(executors, "make", refuse)
    monkeypatch.setattr(executors.LocalExecutor, "__init__", refuse)


def _kernel_processes() -> list[int]:
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                out.append(p.pid)
        except psutil.Error:
            pass
    return out


def test_unchanged_run_starts_no_kernel(first_run, monkeypatch):
    _no_kernels(monkeypatch)
    before = set(_kernel_processes())
    again = run.run_all(gemeenten=[ROERMOND], quiet=True)
    assert again["ran"] == [] and again["failed"] == [] and len(again["skipped"]) == 12
    assert set(_kernel_processes()) <= before


# --- damaged outputs (issue 23, 3): rebuilt from what is left ----------------------------------------

@pytest.fixture()
def tree(first_run, tmp_path):
    """A private copy of the first run's reports tree (times kept, as the manifest recorded them)."""
    dst = tmp_path / "reports"
    shutil.copytree(first_run, dst, ignore=shutil.ignore_patterns(".lock"))
    return dst


def test_deleted_static_folder_is_written_again_without_a_kernel(tree, monkeypatch):
    before = {p.name: p.read_bytes() for p in (tree / "_static").iterdir()}
    shutil.rmtree(tree / "_static")
    _no_kernels(monkeypatch)
    summary = run.run_all(gemeenten=[ROERMOND], out_dir=tree, quiet=True)
    assert summary["ran"] == [] and len(summary["skipped"]) == 12
    assert {p.name: p.read_bytes() for p in (tree / "_static").iterdir()} == before
    assert _dangling(tree) == []


def test_deleted_table_download_is_rendered_again_from_the_notebook(tree, monkeypatch):
    gm = tree / ROERMOND
    download = sorted(gm.glob("overzicht_tabel*.csv"))[0]
    want = download.read_bytes()
    download.unlink()
    _no_kernels(monkeypatch)
    summary = run.run_all(gemeenten=[ROERMOND], out_dir=tree, quiet=True)
    assert summary["ran"] == [] and summary["repaired"] == ["overzicht"]
    assert download.read_bytes() == want  # the same table, from the executed notebook still on disk
    assert _dangling(tree) == []


def test_truncated_page_is_rendered_again_from_the_notebook(tree, monkeypatch):
    page = tree / ROERMOND / "wijkprofiel_WK095704.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text[: len(text) // 2], encoding="utf-8")
    _no_kernels(monkeypatch)
    summary = run.run_all(gemeenten=[ROERMOND], out_dir=tree, quiet=True)
    assert summary["ran"] == [] and summary["repaired"] == ["wijkprofiel_WK095704"]
    again = page.read_text(encoding="utf-8")
    assert again.rstrip().endswith("</html>") and len(again) == len(text)  # only the date line may differ
    again_run = run.run_all(gemeenten=[ROERMOND], out_dir=tree, quiet=True)
    assert again_run["ran"] == [] and again_run["repaired"] == [] and len(again_run["skipped"]) == 12


def test_deleted_executed_notebook_is_executed_again(tree):
    nb = tree / ROERMOND / "wijkprofiel_WK095704.ipynb"
    nb.unlink()
    summary = run.run_all(gemeenten=[ROERMOND], out_dir=tree, quiet=True)
    assert summary["ran"] == ["wijkprofiel_WK095704"] and len(summary["skipped"]) == 11
    assert nb.is_file() and _dangling(tree) == []


# --- an interrupted run (issue 23, 4): no dangling link at any moment, a plain run finishes it -------

_LINK = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _dangling(root: Path) -> list[str]:
    """Every local href/src of every page under `root` that does not resolve to a file."""
    bad = []
    for page in sorted(Path(root).rglob("*.html")):
        try:
            text = page.read_text(encoding="utf-8")
        except FileNotFoundError:  # replaced while we read
            continue
        for m in _LINK.finditer(text):
            link = html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
            target = urllib.parse.urlsplit(link)
            if target.scheme or target.netloc or not target.path:
                continue  # http(s):, data:, javascript:, #anchor
            if not (page.parent / urllib.parse.unquote(target.path)).is_file():
                bad.append(f"{page.relative_to(root)} -> {link}")
    return bad


def _pages(root: Path) -> list[Path]:
    return [p for p in Path(root).glob("GM*/*.html") if p.name != "index.html"]


def test_killed_run_leaves_no_dangling_link_and_a_plain_run_finishes_it(tmp_path):
    out = tmp_path / "reports"
    cmd = [sys.executable, "-m", "analysis", "run", "--regio", "Midden-Limburg Oost", "--out", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen = []
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and len(_pages(out)) < 3 and proc.poll() is None:
            if _pages(out):  # every moment we look, once pages appear
                seen += _dangling(out)
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    time.sleep(1)  # the workers end with the run (they watch their parent)
    assert seen == [] and _dangling(out) == []
    first = len(_pages(out))
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    gms = run.regions()["Midden-Limburg Oost"]
    n = sum(2 + len(run.wijken_of(g)) for g in gms)
    assert len(_pages(out)) == n > first
    assert _dangling(out) == []
    for gm in gms:  # each gemeente's finished landing page, and the root lists them all
        index = (out / gm / "index.html").read_text(encoding="utf-8")
        assert f'href="wijkprofiel_' in index and "nog niet beschikbaar" not in index
        assert f'href="{gm}/index.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_copied_tree_is_read_once_then_trusted_by_time(tree, monkeypatch):
    """Times changed, bytes not (a copy without -p): the digests are compared once, the times recorded."""
    import json

    from analysis.batch import outputs

    gm = tree / ROERMOND
    for p in gm.iterdir():
        if p.is_file() and not p.name.startswith("."):
            os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    _no_kernels(monkeypatch)
    first = run.run_all(gemeenten=[ROERMOND], out_dir=tree, quiet=True)
    assert first["ran"] == [] and first["repaired"] == [] and len(first["skipped"]) == 12
    recorded = json.loads((gm / ".manifest.json").read_text())["overzicht"]["files"]
    assert recorded["overzicht.html"][2] == (gm / "overzicht.html").stat().st_mtime_ns

    def no_digest(path):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(outputs, "digest", no_digest)
    second = run.run_all(gemeenten=[ROERMOND], out_dir=tree, quiet=True)
    assert second["ran"] == [] and len(second["skipped"]) == 12
