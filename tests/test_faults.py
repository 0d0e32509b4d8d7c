"""Issue 11: interrupted, concurrent and failing runs. Real processes are killed where that is
the point; every wait is bounded and only processes started here are signalled."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from analysis.batch import runner as run
from analysis.batch.failures import describe
from analysis.core import paths

PY = sys.executable
PROBES = Path(__file__).parent / "notebooks"  # plumbing stand-ins with the real notebooks' parameters
TASK = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095704", "Donderberg", {"wijkcode": "WK095704"})
SLOW = {"WIJKMONITOR_PROBE_SLEEP": "1.5"}


def _cli(*args, env=None, timeout=180, **kw):
    return subprocess.run([PY, "-m", "analysis", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, **kw)


def _descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_for(cond, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(step)
    return cond()


def _start_run(out: Path, *extra, sleep: str = SLOW["WIJKMONITOR_PROBE_SLEEP"]) -> subprocess.Popen:
    return subprocess.Popen([PY, "-m", "analysis", "run", "--out", str(out), "--jobs", "2", "--force",
                             "--notebooks", str(PROBES), *extra], env={**os.environ, "WIJKMONITOR_PROBE_SLEEP": sleep},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _kernels_up(proc) -> set[int]:
    """The run's workers and their kernels, once two kernels are running."""
    procs = _descendants(proc.pid)
    kernels = [p for p in procs if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes()]
    return procs if len(kernels) >= 2 else set()


def _cleanup(proc, pids):
    for p in [proc.pid, *pids]:
        if _alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
    proc.wait(timeout=10)


@contextlib.contextmanager
def _running(out: Path, sleep: str = SLOW["WIJKMONITOR_PROBE_SLEEP"]):
    """A run started on `out`, once its workers and kernels are up: (process, their pids); killed after."""
    proc, pids = _start_run(out, sleep=sleep), set()
    try:
        pids = _wait_for(lambda: _kernels_up(proc), 120)
        yield proc, pids
    finally:
        _cleanup(proc, pids)


def test_kill_9_of_the_run_ends_workers_and_kernels(tmp_path):
    with _running(tmp_path) as (proc, pids):
        assert len(pids) >= 4, "2 workers and 2 kernels"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        left = _wait_for(lambda: not [p for p in pids if _alive(p)], 15)
        assert left, f"still running after kill -9: {[p for p in pids if _alive(p)]}"
        listing = sorted(p.name for p in (tmp_path / "GM0957").glob("*")) if (tmp_path / "GM0957").exists() else []
        time.sleep(1)  # nothing writes any more
        after = sorted(p.name for p in (tmp_path / "GM0957").glob("*")) if (tmp_path / "GM0957").exists() else []
        assert after == listing and not [n for n in after if n.endswith(".tmp")]


def test_ctrl_c_to_the_parent_alone_stops_in_seconds_with_one_line(tmp_path):
    # 4 s a probe: on a loaded machine the 12 probes must not all be done before the signal lands
    with _running(tmp_path, sleep="4") as (proc, pids):
        manifest = tmp_path / "GM0957" / ".manifest.json"
        _wait_for(lambda: manifest.is_file() and json.loads(manifest.read_text()), 120, 0.1)
        t0 = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert time.monotonic() - t0 < 6  # notebooks under way are abandoned, not waited for
        assert proc.returncode == 130
        lines = [ln for ln in err.splitlines() if ln.strip() and "notebooks:" not in ln and "\r" not in ln]
        assert len(lines) == 1 and lines[0].startswith("afgebroken: "), err[-2000:]
        done, todo = (int(x) for x in lines[0].replace("afgebroken: ", "").replace(" klaar,", "").replace(" niet", "").split())
        assert done + todo == 12 and done >= 1
        kept = json.loads(manifest.read_text())
        assert len(kept) == done  # consistent: exactly what finished
        for name in kept:
            assert (tmp_path / "GM0957" / f"{name}.html").is_file()
        assert _wait_for(lambda: not [p for p in pids if _alive(p)], 10)


def test_a_swallowed_ctrl_c_still_stops_the_executor_within_a_second():
    """A KeyboardInterrupt raised inside a finalizer is lost ("Exception ignored in"); the signal
    handler also sets the run's `stopping` flag, which the executor polls while it waits."""
    from analysis.batch import executors

    ex, stopping = executors.LocalExecutor(1, str(PROBES)), threading.Event()
    try:
        threading.Timer(0.5, stopping.set).start()
        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            list(ex.run(time.sleep, [(60,)], stopping))
        assert time.monotonic() - t0 < 2
    finally:
        ex.abort()


def test_second_run_waits_or_refuses(tmp_path):
    with _running(tmp_path) as (proc, pids):
        res = _cli("run", "--out", str(tmp_path), "--no-wait", "--wijk", "WK095704", "--notebooks", str(PROBES),
                   timeout=60)
        assert res.returncode == 2
        assert res.stderr.strip().splitlines() == [
            f"fout: {tmp_path}: een andere run (pid {proc.pid}) is hier bezig; probeer het later opnieuw"]
        waiter = subprocess.Popen([PY, "-m", "analysis", "run", "--out", str(tmp_path), "--wijk", "WK095704",
                                   "--notebooks", str(PROBES)],
                                  stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            first = waiter.stderr.readline()
            assert first.startswith(f"wachten: een andere run (pid {proc.pid}) gebruikt {tmp_path}")
        finally:
            waiter.kill()
            waiter.wait(10)


@pytest.mark.parametrize("content", ["{garbage", "[]", ""])
def test_damaged_manifest_is_set_aside_and_rebuilt(tmp_path, content, capsys):
    run.run_all(tasks=[TASK], out_dir=tmp_path, quiet=True, jobs=1, notebook_dir=PROBES)
    manifest = tmp_path / "GM0957" / ".manifest.json"
    good = json.loads(manifest.read_text())
    manifest.write_text(content)
    summary = run.run_all(tasks=[TASK], out_dir=tmp_path, jobs=1, notebook_dir=PROBES)
    assert summary["ran"] == [] and summary["skipped"] == ["wijkprofiel_WK095704"]  # rebuilt from disk
    assert json.loads(manifest.read_text()) == good
    aside = list((tmp_path / "GM0957").glob(".manifest.json.beschadigd-*"))
    assert len(aside) == 1 and aside[0].read_text() == content
    err = capsys.readouterr().err
    assert f"waarschuwing: {manifest} was beschadigd" in err and "opnieuw opgebouwd uit 1 rapporten" in err


def test_full_disk_names_the_file_and_keeps_the_manifest(tmp_path, monkeypatch):
    real = run.write_bytes_atomic

    def full(target, data):
        if str(target).endswith(".html"):
            raise OSError(28, "No space left on device")  # as a library raises it: no file name
        return real(target, data)

    monkeypatch.setattr(run, "write_bytes_atomic", full)
    with pytest.raises(run.RunError) as exc:
        run.run_all(tasks=[TASK], out_dir=tmp_path, quiet=True, jobs=1, notebook_dir=PROBES)
    assert str(exc.value) == f"{tmp_path}/GM0957/wijkprofiel_WK095704.html: schijf vol; maak ruimte vrij " \
                             "en start opnieuw (eerdere rapporten zijn intact)"
    assert not (tmp_path / "GM0957" / "wijkprofiel_WK095704.html").exists()


def test_bad_options_give_one_line(tmp_path):
    res = _cli("run", "--jobs", "-1", "--out", str(tmp_path))
    assert res.returncode == 2 and res.stderr.strip().splitlines() == [
        "fout: argument --jobs: -1: moet een positief geheel getal zijn (bijv. --jobs 2) "
        "(zie python -m analysis --help)"]
    readme = tmp_path / "README.md"
    readme.write_text("x")
    res = _cli("run", "--out", str(readme))
    assert res.returncode == 2 and res.stderr.strip().splitlines() == [
        f"fout: --out {readme}: is een bestand, geen map; kies een (nieuwe) map voor de rapporten"]
    assert readme.read_text() == "x"


def test_catalogue_syntax_error_named_once(tmp_path, monkeypatch):
    from importlib.resources import files

    from analysis.core import catalogue

    broken = tmp_path / "pkg"
    broken.mkdir()
    text = files("analysis.core").joinpath("catalogue.yml").read_text(encoding="utf-8")
    (broken / "catalogue.yml").write_text(text.replace(":", "", 1) + "\n  - [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(catalogue, "files", lambda _: broken)
    catalogue._entries.cache_clear()
    try:
        with pytest.raises(run.RunError, match=r"catalogue\.yml:\d+: YAML-syntaxfout") as exc:
            run.run_all(tasks=[TASK], out_dir=tmp_path / "r", quiet=True, jobs=1, build=False, notebook_dir=PROBES)
        assert "\n" not in str(exc.value) and "<unicode string>" not in str(exc.value)
    finally:
        catalogue._entries.cache_clear()
    assert not (tmp_path / "r" / "GM0957" / "wijkprofiel_WK095704.html").exists()


def test_empty_raw_file_is_named(tmp_path, monkeypatch):
    import pandas as pd

    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW_DIR, raw, ignore=shutil.ignore_patterns("cbs"))
    (raw / "GM0957" / "voortgangsrapportage_2025.csv").write_bytes(b"")
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    empty = raw / "GM0957" / "voortgangsrapportage_2025.csv"
    with pytest.raises(pd.errors.EmptyDataError) as exc:
        pd.read_csv(empty)
    assert describe(exc.value) == f"{empty}: leeg bestand; zet de inhoud terug (bijv. git checkout -- {empty})"
    from analysis.build import observations

    with pytest.raises(Exception) as exc:  # the build itself, as `python -m analysis build` runs it
        observations.build("GM0957", out_dir=tmp_path / "processed")
    assert str(empty) in describe(exc.value)


def _as_nobody() -> list[str]:
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


def test_read_only_reports_and_processed_give_one_line():
    base = Path(tempfile.mkdtemp(prefix="wm-ro-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        ro = base / "reports"
        ro.mkdir(mode=0o555)
        os.chmod(ro, 0o555)
        env = {**os.environ, "HOME": str(base), "JUPYTER_RUNTIME_DIR": str(base / "rt"), "PYTHONDONTWRITEBYTECODE": "1"}
        res = subprocess.run([*_as_nobody(), PY, "-m", "analysis", "run", "--out", str(ro)], capture_output=True,
                             text=True, timeout=120, env=env, cwd=base)
        assert res.returncode == 2, res.stderr
        assert res.stderr.strip().splitlines() == [
            "fout: reports/.lock: geen schrijfrechten (alleen-lezen); geef schrijfrechten of kies een andere map"]
        ro_processed = base / "processed"
        ro_processed.mkdir()
        os.chmod(ro_processed, 0o555)
        env["WIJKMONITOR_PROCESSED"] = str(ro_processed)
        res = subprocess.run([*_as_nobody(), PY, "-m", "analysis", "build"], capture_output=True,
                             text=True, timeout=120, env=env, cwd=base)
        # (the sources may report a download they tried before; the failure itself is one line)
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("fout: ")]
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert errors == ["fout: processed/GM0957: geen schrijfrechten (alleen-lezen); "
                          "geef schrijfrechten of kies een andere map"], res.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_debug_shows_the_traceback(tmp_path):
    res = _cli("--debug", "run", "--out", str(tmp_path), "--regio", "Nergens",
               env={"WIJKMONITOR_ROOT": str(tmp_path)})
    assert res.returncode == 2 and "Traceback" in res.stderr and "fout: " in res.stderr


def test_no_tcp_warning_from_kernels(tmp_path):
    res = _cli("run", "--out", str(tmp_path), "--wijk", "WK095704", "--jobs", "1", "--notebooks", str(PROBES))
    assert res.returncode == 0, res.stderr[-2000:]
    assert "without encryption" not in res.stderr and "Traceback" not in res.stderr
