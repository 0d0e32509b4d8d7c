"""Batch runner: execute the notebooks with papermill into reports/<GM>/, as .ipynb and .html.

- one gemeente, a list, a region or all of them (`run_all(gemeenten=...)`); each gemeente's
  processed data is built first when missing or stale (`observations.build`);
- parallel on a local process pool (default) or a Dask cluster (analysis.batch.executors); each
  worker keeps one kernel and runs notebook after notebook on it (analysis.batch.engine);
- incremental: a notebook runs again only when its fingerprint (notebook, parameters, library
  code, the gemeente's processed generation, its boundary file) changed or its executed notebook
  is lost; fingerprints are kept in reports/<GM>/.manifest.json and in each notebook's metadata,
  so a damaged manifest is set aside and rebuilt from what is on disk;
- outputs verified, not trusted: the manifest records each page's files with size and digest; a
  damaged page or download is rendered again from the executed notebook (analysis.batch.outputs);
- interrupted at any moment, no page links to a missing file: link targets are written first;
- failure-isolated per notebook and per gemeente; one summary at the end;
- one run per reports tree at a time (analysis.core.locks); workers return bytes and only this
  process writes, atomically, so an interrupted run leaves no half-written report;
- Ctrl-C (or SIGINT/SIGTERM to this process) stops within seconds: "afgebroken: N klaar, M niet".
"""
from __future__ import annotations

import contextlib
import functools
import html
import json
import multiprocessing.util
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from tqdm import tqdm

from analysis.batch import executors, fingerprints, kernels, outputs, plan
from analysis.batch.failures import Interrupted, RunError, describe
from analysis.batch.kernels import ENGINE_NAME
from analysis.batch.plan import Task
from analysis.batch.startup import skip_slow_imports
from analysis.build import coverage, gemeenten, monitors, observations
from analysis.core import catalogue, locks, paths
from analysis.core.areas import check_gemeentecode
from analysis.core.atomic import write_bytes_atomic, write_text_atomic
from analysis.core.errors import UnknownAreaError, WijkmonitorError
from analysis.core.settings import BOUNDARY_YEAR
from analysis.pages import webpage

MANIFEST = ".manifest.json"


class UnknownParameterError(WijkmonitorError):
    """A papermill parameter the notebook does not declare."""


# --- the data model ---------------------------------------------------------------------------------

def processed_dir(gm: str) -> Path:
    return paths.processed_dir(gm)


def reports_dir(gm: str, root: Path | None = None) -> Path:
    return paths.reports_dir(gm, root)


def all_gemeenten() -> list[str]:
    return gemeenten.codes()


def default_gemeenten() -> list[str]:
    """Without --gemeente: every gemeente with a monitor definition in data/raw."""
    codes = sorted(p.name for p in paths.RAW_DIR.glob("GM*") if (p / monitors.MONITOR_FILE).is_file())
    if not codes:
        raise RunError(f"geen gemeente met een {monitors.MONITOR_FILE} in {paths.RAW_DIR}; geef --gemeente GM0000 of --all")
    return codes


def gemeente_name(gm: str) -> str:
    return gemeenten.name(gm)


def wijken_of(gm: str) -> dict[str, str]:
    """wijkcode -> wijknaam for one gemeente."""
    df = gemeenten.wijken(gm)
    return dict(zip(df["wijkcode"], df["wijknaam"]))


def regions() -> dict[str, list[str]]:
    """Named regions from data/raw/regions.yml (there is no province data in the mirror)."""
    path = paths.RAW_DIR / monitors.REGIONS_FILE
    if not path.is_file():
        raise RunError(f"{path}: bestaat niet; --regio leest de regio's daaruit (provincies staan niet in de mirror)")
    return {name: list(r.gemeenten) for name, r in monitors.regions().items()}


def select_gemeenten(gemeenten: list[str] | None = None, regio: str | None = None, all_: bool = False) -> list[str]:
    """The gemeenten a run covers: --all, --regio NAME, --gemeente GM… (default: those with a monitor.yml)."""
    if all_:
        return all_gemeenten()
    if regio:
        regs = regions()
        match = {k.lower(): k for k in regs}.get(regio.lower())
        if match is None:
            raise RunError(f"--regio {regio!r}: onbekend in {paths.RAW_DIR / 'regions.yml'}; bekend: {', '.join(regs)}")
        return regs[match]
    return [check_gemeentecode(g) for g in gemeenten] if gemeenten else default_gemeenten()


def tasks_for(gemeentecode: str, wijken: list[str] | None = None) -> list[Task]:
    """The pages of pages.yml (overview, map, a profile per wijk); unknown codes fail fast with the valid list."""
    gm = check_gemeentecode(gemeentecode)
    names = wijken_of(gm)
    if not names:
        raise UnknownAreaError(f"gemeentecode {gm!r}: geen wijken gevonden")
    if wijken:
        bad = [w for w in wijken if w not in names]
        if bad:
            raise UnknownAreaError(f"onbekende wijkcode(s) {bad} voor {gm}; geldig: {', '.join(names)}")
    return plan.gemeente_tasks(gm, gemeente_name(gm), names, wijken)


# --- parameters ------------------------------------------------------------------------------------

@functools.cache
def _declared(nb_path: str, mtime: float) -> frozenset:
    import papermill as pm  # 0.6-1 s (python -X importtime): only where notebooks are inspected or run

    return frozenset(pm.inspect_notebook(nb_path))


def check_parameters(tasks: list[Task], notebook_dir: Path) -> None:
    """Unknown papermill parameters are errors (papermill itself only warns)."""
    for t in tasks:
        p = Path(notebook_dir) / t.notebook
        if not p.is_file():
            raise RunError(f"{p}: notebook bestaat niet")
        known = _declared(str(p), p.stat().st_mtime)
        unknown = sorted(set(t.parameters) - known)
        if unknown:
            raise UnknownParameterError(f"{t.notebook}: onbekende parameter(s) {unknown}; "
                                        f"het notebook kent: {', '.join(sorted(known))}")


def build_processed(gm: str, digest: str) -> dict:
    """Build one gemeente's processed data (in a worker or here); returns ok/error, never raises."""
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with locks.hold(processed_dir(gm), what="build"):
                observations.build(gemeentecode=gm)
                fingerprints.write_stamp(gm, digest)
            out = {"gm": gm, "ok": True}
        except Exception as exc:
            out = {"gm": gm, "ok": False, "error": describe(exc), "trace": traceback.format_exc(limit=6)}
    # returned, not printed: the run reports them once, grouped over the gemeenten (build_warnings)
    out["warnings"] = warning_messages(caught)
    out["seconds"] = time.perf_counter() - t0
    return out


def warning_messages(caught) -> list[str]:
    """The distinct messages of recorded warnings, in order."""
    return list(dict.fromkeys(str(w.message) for w in caught))


def build_warnings(outcomes: list[dict]) -> list[str]:
    """The builds' warnings, one line per kind: the same message for many gemeenten is said once."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for res in outcomes:
        for msg in res.get("warnings", []):
            groups.setdefault(re.sub(r"GM\d{4}", "GM…", msg), []).append((res["gm"], msg))
    lines = []
    for pattern, hits in groups.items():
        gms = list(dict.fromkeys(g for g, _ in hits))
        if len(gms) == 1:
            lines.append(f"waarschuwing: {hits[0][1]}")
        else:
            lines.append(f"waarschuwing ({len(gms)} gemeenten, o.a. {gms[0]}): {pattern}")
    return lines


# --- executing one notebook (in a worker) ----------------------------------------------------------

@functools.cache
def _scratch() -> Path:
    """This worker's private folder for papermill's output notebook (unique per process)."""
    path = Path(tempfile.mkdtemp(prefix=f"wijkmonitor-{os.getpid()}-"))
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(path, True), exitpriority=5)
    return path


def page(nb_path: Path, title: str, name: str | None = None) -> tuple[str, dict]:
    """The one place the run turns a notebook into a page: (HTML, download files by name); writes nothing.

    A light page: vega JS and CSS in reports/_static/, linked relatively.
    """
    return webpage.to_page(Path(nb_path), title, name=name)


def execute(task: Task, notebook_dir: str, fp: str) -> dict:
    """Run one notebook; return its .ipynb and .html as bytes (the run's process writes them)."""
    import papermill as pm  # 0.6-1 s (python -X importtime): only where notebooks are inspected or run

    t0, cpu0 = time.perf_counter(), kernels.cpu_seconds()
    tmp_nb = _scratch() / f"{task.gemeente}-{task.name}-{os.urandom(4).hex()}.ipynb"
    try:
        for attempt in range(3):
            try:
                pm.execute_notebook(str(Path(notebook_dir) / task.notebook), str(tmp_nb), parameters=task.parameters,
                                    progress_bar=False, cwd=str(notebook_dir), kernel_name="python3",
                                    engine_name=ENGINE_NAME, request_save_on_cell_execute=False,
                                    notebook_metadata={"wijkmonitor": {"fingerprint": fp}})
                break
            except pm.PapermillExecutionError:
                raise
            except Exception as exc:
                startup = ("Address already in use", "Kernel died before replying", "kernel_info")
                if not any(m in str(exc) for m in startup) or attempt == 2:
                    raise
                time.sleep(0.5 + attempt)
        html_text, files = page(tmp_nb, task.title, name=task.name)
        return {"name": task.name, "gm": task.gemeente, "ok": True, "seconds": time.perf_counter() - t0,
                "cpu": kernels.cpu_seconds() - cpu0,  # worker and kernel: the notebook's cost whatever the load
                "ipynb": tmp_nb.read_bytes(), "html": html_text.encode("utf-8"), "files": files}
    except Exception as exc:  # report any failure of this notebook; the batch goes on
        if type(exc).__name__ == "PapermillExecutionError":
            lines = [ln for ln in (exc.evalue or exc.ename or "").splitlines() if ln.strip()]
            msg = f"{exc.ename}: {lines[-1] if lines else ''}"
        else:
            msg = describe(exc)
        return {"name": task.name, "gm": task.gemeente, "ok": False, "seconds": time.perf_counter() - t0,
                "error": msg, "trace": traceback.format_exc(limit=4)}
    finally:
        tmp_nb.unlink(missing_ok=True)


# --- manifests -------------------------------------------------------------------------------------

def read_notebook_fingerprint(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["metadata"]["wijkmonitor"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _entry(value) -> dict | None:
    """A manifest entry {"fingerprint": …, "files": {name: [size, sha256, mtime_ns]}}; a bare
    fingerprint (a manifest from before files were recorded) becomes one without "files"."""
    if isinstance(value, str):
        return {"fingerprint": value}
    if isinstance(value, dict) and isinstance(value.get("fingerprint"), str) \
            and isinstance(value.get("files", {}), dict):
        return value
    return None


def entry_fingerprint(entry: dict | None) -> str | None:
    return entry.get("fingerprint") if entry else None


def load_manifest(out: Path, warn=print) -> dict[str, dict]:
    """The gemeente's manifest: per page its fingerprint and the files written, with size and digest.

    A damaged one is renamed aside and rebuilt from the notebooks and files on disk."""
    path = out / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and all(isinstance(k, str) for k in data):
            entries = {k: _entry(v) for k, v in data.items()}
            if all(v is not None for v in entries.values()):
                return entries
        problem = f"geen tabel maar {type(data).__name__}"
    except ValueError as exc:
        problem = f"geen geldige JSON ({exc.msg})" if hasattr(exc, "msg") else "geen geldige JSON"
    except OSError as exc:
        raise RunError(describe(exc)) from None
    aside = path.with_name(f"{MANIFEST}.beschadigd-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    os.replace(path, aside)
    rebuilt = {}
    for nb in sorted(out.glob("*.ipynb")):
        fp = read_notebook_fingerprint(nb)
        if fp and nb.with_suffix(".html").is_file():
            rebuilt[nb.stem] = {"fingerprint": fp, "files": outputs.record(out, outputs.page_files(out, nb.stem))}
    warn(f"waarschuwing: {path} was beschadigd ({problem}); opzij gezet als {aside.name}, "
         f"opnieuw opgebouwd uit {len(rebuilt)} rapporten op schijf")
    write_text_atomic(path, json.dumps(rebuilt, indent=1, sort_keys=True))
    return rebuilt


def save_manifest(out: Path, manifest: dict) -> None:
    write_text_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


# --- index pages ------------------------------------------------------------------------------------

PROVISIONAL = "<!-- wijkmonitor: voorlopige index -->"


def write_index(out_dir: Path, tasks: list[Task], results: dict[str, dict], provisional: bool = False) -> Path:
    """A plain list of the gemeente's pages on disk (links only to what exists).

    `provisional`: written before the gemeente's first page of a run, so that page's link to
    index.html never dangles; marked, so the next run replaces it by the landing page even when
    the run that wrote it was killed before its end."""
    gm = tasks[0].gemeente if tasks else out_dir.name
    items = []
    for t in tasks:
        ok = (out_dir / f"{t.name}.html").is_file()
        status = "" if results.get(t.name, {}).get("ok", True) else " <strong>(laatste run mislukt; vorige versie)</strong>"
        link = f'<a href="{t.name}.html">{html.escape(t.title)}</a> (<a href="{t.name}.ipynb">notebook</a>)' if ok \
            else f"{html.escape(t.title)}: nog niet beschikbaar"
        items.append(f"<li>{link}{status}</li>")
    name = html.escape(gemeente_name(gm)) if gm.startswith("GM") else ""
    page_text = ("<!DOCTYPE html>" + (PROVISIONAL if provisional else "") + "<html lang='nl'><head><meta charset='utf-8'><title>Wijkmonitor "
                 f"{name}</title></head><body><h1>Wijkmonitor {name}: rapporten</h1>"
                 "<p><a href='../index.html'>Alle gemeenten</a></p><ul>" + "\n".join(items) + "</ul>"
                 f"<p>Gegenereerd {time.strftime('%Y-%m-%d %H:%M')}. Bronnen: CBS, Kadaster/PDOK (CC BY 4.0) "
                 "en de eigen metingen van de gemeente.</p></body></html>")
    return write_text_atomic(out_dir / "index.html", page_text)


def landing_current(out: Path) -> bool:
    """The gemeente's index.html is there and is not a provisional one (see write_index)."""
    try:
        with open(out / "index.html", encoding="utf-8") as f:
            return PROVISIONAL not in f.read(200)
    except OSError:
        return False


def render_again(task: Task, out: Path, entry: dict) -> None:
    """Page and downloads again from the executed notebook on disk, which is not executed again."""
    html_text, files = page(out / f"{task.name}.ipynb", task.title, name=task.name)
    written = {fname: data if isinstance(data, bytes) else data.encode() for fname, data in files.items()}
    written[f"{task.name}.html"] = html_text.encode("utf-8")
    write_outputs(out, task.name, written)
    entry["files"] = outputs.record(out, [f"{task.name}.ipynb", *written], written)


def write_outputs(out: Path, name: str, written: dict[str, bytes]) -> None:
    """Write a page's files, link targets first: notebook and downloads, the page last."""
    page_name = f"{name}.html"
    try:
        for fname in sorted(written, key=lambda n: (n == page_name, n)):
            write_bytes_atomic(out / fname, written[fname])
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(out / page_name)
        raise RunError(describe(exc)) from None


def write_landing(root: Path, gm: str, tasks: list[Task], results: dict[str, dict], say=print) -> Path:
    """reports/<GM>/index.html: analysis.pages.landing's page (map, headline); a plain list if that fails."""
    # landing imports altair, and with it jsonschema: after run_all's skip_slow_imports, never at
    # module import (measured: 0.75 s of grammar compiling per process, 1 s for altair itself).
    from analysis.pages import landing

    out = reports_dir(gm, root)
    try:
        return landing.write_gemeente_index(root, gm, obs=observations.load(gm), links=plan.landing_links(),
                                            shapes=coverage.boundaries("wijk", BOUNDARY_YEAR, gm),
                                            headline=monitors.load(gm).headline, gemeente_name=gemeente_name(gm),
                                            page_dir=out)
    except Exception as exc:  # the reports are written; a plain list rather than no index
        say(f"waarschuwing: {out / 'index.html'}: landingspagina niet gemaakt ({describe(exc)}); eenvoudige lijst")
        return write_index(out, tasks, results)


# --- the run ---------------------------------------------------------------------------------------

def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise RunError(f"--out {out}: is een bestand, geen map; kies een (nieuwe) map voor de rapporten")


def _preflight() -> None:
    """Inputs every notebook reads: check them once here, so a broken one is named once."""
    try:
        catalogue.catalogue()
    except yaml.YAMLError as exc:
        path = Path(catalogue.__file__).with_name("catalogue.yml")
        raise RunError(describe(exc).replace("YAML-bestand", str(path))) from None
    except ValueError as exc:
        raise RunError(str(exc)) from None


def _results_of(results: dict[tuple[str, str], dict], gm: str) -> dict[str, dict]:
    return {n: r for (g, n), r in results.items() if g == gm}


@dataclass
class _Run:
    """One run's state, from plan to publish."""
    root: Path | None  # --out, or None for reports/
    root_dir: Path
    nb_dir: Path
    say: Callable[[str], None]
    debug: bool
    by_gm: dict[str, list[Task]] = field(default_factory=dict)
    gm_failed: dict[str, str] = field(default_factory=dict)
    executor: object = None
    results: dict[tuple[str, str], dict] = field(default_factory=dict)
    manifests: dict[str, dict] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    rerender: list[Task] = field(default_factory=list)  # outputs damaged, executed notebook intact
    repaired: list[Task] = field(default_factory=list)
    started: set[str] = field(default_factory=set)  # gemeenten with a page written in this run
    landed: set[str] = field(default_factory=set)
    rebuilt: set[str] = field(default_factory=set)  # gemeenten whose processed data this run built
    done: int = 0
    total: int = 0
    # set by Ctrl-C/SIGTERM: a KeyboardInterrupt raised inside a finalizer is lost ("Exception
    # ignored in ..."), so the run also polls this flag and stops within a fraction of a second
    stopping: threading.Event = field(default_factory=threading.Event)


def run_all(gemeentecode: str | None = None, wijken: list[str] | None = None, jobs: int | None = None,
            force: bool = False, out_dir: str | Path | None = None, notebook_dir: str | Path | None = None,
            tasks: list[Task] | None = None, quiet: bool = False, gemeenten: list[str] | None = None,
            scheduler=None, wait: bool = True, build: bool = True, debug: bool = False) -> dict:
    """Execute every task whose inputs changed; returns a summary with ran, skipped, failed, gemeenten.

    plan (tasks per gemeente) -> build (processed data where stale) -> execute (the notebooks whose
    fingerprint changed) -> publish (landing pages). `out_dir` is the reports root (reports/); each
    gemeente's outputs go to `<out_dir>/<GM>/`. `tasks` replaces the generated task list (its
    gemeenten are taken from the parameters).
    """
    t0 = time.perf_counter()
    if jobs is not None and jobs < 1:
        raise RunError(f"--jobs {jobs}: moet een positief geheel getal zijn (bijv. --jobs 2)")
    run = _plan(gemeentecode, wijken, out_dir, notebook_dir, tasks, gemeenten, quiet, debug)
    skip_slow_imports()  # this process imports nbformat too
    jobs = jobs or os.cpu_count() or 1
    with locks.hold(run.root_dir, wait=wait, what="run"), _interrupts(run.stopping):
        try:
            if build:
                _build(run, jobs, scheduler)
            todo = _todo(run, force)
            _link_targets(run)
            todo += _repair(run)
            run.total = len(todo)
            _execute(run, todo, jobs, scheduler, quiet)
            if run.stopping.is_set():
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            _abort(run)
            for gm, m in run.manifests.items():
                try:
                    save_manifest(reports_dir(gm, run.root), m)
                except OSError:
                    pass
            raise Interrupted(f"afgebroken: {run.done} klaar, {run.total - run.done} niet") from None
        except BaseException:
            _abort(run)
            raise
        finally:
            if run.executor is not None:
                run.executor.close()
        _publish(run)
    return _summary(run, time.perf_counter() - t0, quiet)


def _plan(gemeentecode, wijken, out_dir, notebook_dir, tasks, gemeenten, quiet, debug) -> _Run:
    """Tasks per gemeente; a gemeente whose task list fails (unknown code) is reported and skipped."""
    root = Path(out_dir) if out_dir is not None else None
    run = _Run(root=root, root_dir=root or paths.REPORTS_DIR, nb_dir=Path(notebook_dir or paths.NOTEBOOK_DIR),
               say=(lambda *a, **k: None) if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True)),
               debug=debug)
    _check_out(run.root_dir)
    if tasks is not None:
        for t in tasks:
            run.by_gm.setdefault(t.gemeente, []).append(t)
        return run
    gms = gemeenten or ([gemeentecode] if gemeentecode else default_gemeenten())
    for gm in gms:
        try:
            run.by_gm[gm] = tasks_for(gm, wijken if len(gms) == 1 else None)
        except WijkmonitorError as exc:
            if len(gms) == 1:
                raise
            run.gm_failed[gm] = describe(exc)
    return run


@contextlib.contextmanager
def _interrupts(stopping: threading.Event):
    """Ctrl-C and SIGTERM stop the run: raised at once, and remembered in `stopping` (polled by the
    executor) in case the KeyboardInterrupt lands in a finalizer that swallows it. Only the main
    thread can set a handler; elsewhere the defaults stay."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _on_signal(*_):
        stopping.set()
        raise KeyboardInterrupt

    old = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _abort(run: _Run) -> None:
    if run.executor is not None:
        run.executor.abort()
        run.executor = None


def _build(run: _Run, jobs: int, scheduler) -> None:
    """Processed data, built where missing or stale (fingerprints.build_digest)."""
    digests = {gm: fingerprints.build_digest(gm) for gm in run.by_gm}
    stale = [gm for gm in run.by_gm if not fingerprints.processed_fresh(gm, digests[gm])]
    if not stale:
        return
    run.rebuilt.update(stale)
    run.say(f"verwerkte data bouwen voor {len(stale)} gemeente(n) ...")
    distributed = bool(scheduler or os.environ.get(executors.SCHEDULER_ENV))
    if len(stale) == 1 or jobs == 1 or distributed:  # builds write to this machine's data/processed
        outcomes = [build_processed(gm, digests[gm]) for gm in stale]
    else:  # the same pool then runs the notebooks
        run.executor = executors.LocalExecutor(jobs, str(run.nb_dir))
        outcomes = [r for _, r in run.executor.run(build_processed, [(gm, digests[gm]) for gm in stale])]
    for line in build_warnings([r for r in outcomes if isinstance(r, dict)]):
        run.say(line)
    for res in outcomes:
        if isinstance(res, BaseException):
            raise res
        if not res["ok"]:
            run.gm_failed[res["gm"]] = f"verwerkte data: {res['error']}"
            if run.debug:
                run.say(res["trace"])


def _todo(run: _Run, force: bool) -> list[tuple[Task, str]]:
    """The tasks whose fingerprint changed or whose executed notebook is lost (all with `force`).

    Outputs verified, not trusted (analysis.batch.outputs): a page whose page or downloads are
    damaged while its executed notebook is intact goes to `run.rerender`, not to the workers.
    """
    todo = []
    for gm, ts in run.by_gm.items():
        if gm in run.gm_failed:
            continue
        out = reports_dir(gm, run.root)
        out.mkdir(parents=True, exist_ok=True)
        run.manifests[gm] = manifest = load_manifest(out, warn=run.say)
        shared = fingerprints.shared_digest(gm)
        migrated = False
        for t in ts:
            fp = fingerprints.fingerprint(t, shared, run.nb_dir)
            entry = manifest.get(t.name)
            state, touched = ("execute", False) if force or entry_fingerprint(entry) != fp \
                else outputs.state(out, t.name, entry.get("files"))
            migrated |= touched
            if state == "ok":
                run.skipped.append(f"{gm}/{t.name}")
                if "files" not in entry:  # a manifest from before files were recorded: recorded once
                    entry["files"] = outputs.record(out, outputs.page_files(out, t.name))
                    migrated = True
            elif state == "render":
                run.rerender.append(t)
            else:
                todo.append((t, fp))
        if migrated:
            save_manifest(out, manifest)
    return todo


ANNEX = Path("tabellen") / "bijlagen.xlsx"  # = analysis.pages.tables.WORKBOOK in its folder; the overview links to it
_STATIC_LINK = re.compile(r"""(?:src|href)=["']""" + re.escape(webpage.STATIC_DIR) + r"""/([^"'?#]+)""")


def _link_targets(run: _Run) -> None:
    """What pages link to, before any page is written: `_static/` (checked every run: a deleted or
    truncated file is written again), the root index and what it loads from `_static/` (the
    country map), and the annex workbook of a gemeente with its own monitor.yml."""
    webpage.ensure_static(run.root_dir)
    index = run.root_dir / "index.html"
    static = run.root_dir / webpage.STATIC_DIR
    if not index.is_file() or any(not (static / name).is_file() for name in _STATIC_LINK.findall(index.read_text(encoding="utf-8"))):
        from analysis.pages import landing  # altair: see write_landing

        landing.write_root_index(run.root_dir, plan.landing_links())
    for gm in run.by_gm:
        if gm not in run.gm_failed and (paths.gemeente_raw_dir(gm) / monitors.MONITOR_FILE).is_file() \
                and (gm in run.rebuilt or not (reports_dir(gm, run.root) / ANNEX).is_file()):
            _write_annex(run, gm)


def _write_annex(run: _Run, gm: str) -> None:
    """reports/<GM>/tabellen/ as `python -m analysis tabellen` writes it (a warning if it cannot):
    where missing, or after the gemeente's processed data were built again in this run."""
    from analysis.pages import tables  # openpyxl, python-docx: only when the annex is written

    out = reports_dir(gm, run.root) / ANNEX.parent
    try:
        monitor = monitors.load(gm)
        if not monitor.is_cbs_only and monitor.kpi_sets:
            tables.write_workbook(gm, out)
    except Exception as exc:  # the pages still come; their link to the annex waits for `tabellen`
        run.say(f"waarschuwing: {out / ANNEX.name}: bijlagetabellen niet gemaakt ({describe(exc)}); "
                "maak ze met python -m analysis tabellen")


def _repair(run: _Run) -> list[tuple[Task, str]]:
    """Render the damaged pages again from their executed notebooks, here and without a kernel;
    returns those whose notebook cannot be read, to be executed again."""
    again = []
    for t in run.rerender:
        out, entry = reports_dir(t.gemeente, run.root), run.manifests[t.gemeente][t.name]
        try:
            render_again(t, out, entry)
        except RunError:
            raise
        except Exception as exc:
            run.say(f"waarschuwing: {out / t.name}.html: opnieuw maken uit het notebook lukte niet "
                    f"({describe(exc)}); het notebook wordt opnieuw uitgevoerd")
            again.append((t, entry["fingerprint"]))
            continue
        save_manifest(out, run.manifests[t.gemeente])
        run.repaired.append(t)
    return again


def _execute(run: _Run, todo: list[tuple[Task, str]], jobs: int, scheduler, quiet: bool) -> None:
    """Run the tasks on the executor, writing each result as it arrives.

    A gemeente's landing page is written as soon as its last notebook is in, while the workers go
    on with the next gemeenten (not all at the end: 0.1 s each, serial).
    """
    if not todo:
        return
    check_parameters([t for t, _ in todo], run.nb_dir)
    _preflight()
    if run.executor is None:
        run.executor = executors.make(min(jobs, len(todo)), str(run.nb_dir), scheduler)
    pending = {gm: 0 for gm in run.by_gm}
    for t, _ in todo:
        pending[t.gemeente] += 1
    with tqdm(total=len(todo), desc="notebooks", disable=quiet, file=sys.stderr) as bar:
        for i, res in run.executor.run(execute, [(t, str(run.nb_dir), fp) for t, fp in todo], run.stopping):
            t, fp = todo[i]
            _record(run, t, fp, res)
            bar.update()
            pending[t.gemeente] -= 1
            if pending[t.gemeente] == 0:
                write_landing(run.root_dir, t.gemeente, run.by_gm[t.gemeente], _results_of(run.results, t.gemeente),
                              run.say)
                run.landed.add(t.gemeente)


def _record(run: _Run, t: Task, fp: str, res) -> None:
    """Write one notebook's outputs (atomically) and its manifest entry."""
    if isinstance(res, BaseException):
        res = {"name": t.name, "gm": t.gemeente, "ok": False, "error": describe(res), "seconds": 0}
    gm, out = t.gemeente, reports_dir(t.gemeente, run.root)
    if res["ok"]:
        if gm not in run.started and not (out / "index.html").is_file():
            write_index(out, run.by_gm[gm], {}, provisional=True)  # before the first page, which links to it
        run.started.add(gm)
        written = {fname: data if isinstance(data, bytes) else data.encode()
                   for fname, data in (res.pop("files", None) or {}).items()}
        written[f"{t.name}.ipynb"] = res.pop("ipynb")
        written[f"{t.name}.html"] = res.pop("html")
        write_outputs(out, t.name, written)
        run.manifests[gm][t.name] = {"fingerprint": fp, "files": outputs.record(out, written, written)}
    else:
        run.manifests[gm].pop(t.name, None)
    save_manifest(out, run.manifests[gm])
    run.results[(gm, t.name)] = res
    run.done += 1


def _publish(run: _Run) -> None:
    """The landing pages not written during the run, and the root index.

    A provisional index (a killed run's, see write_index) is replaced, even when nothing ran."""
    fixed = {t.gemeente for t in run.repaired}
    for gm, ts in run.by_gm.items():
        gm_results = _results_of(run.results, gm)
        if gm in run.gm_failed or gm in run.landed or (
                not gm_results and gm not in fixed and landing_current(reports_dir(gm, run.root))):
            continue  # written during the run, or nothing changed: its landing page is current
        write_landing(run.root_dir, gm, ts, gm_results, run.say)
        run.landed.add(gm)
    if run.results or run.landed or not (run.root_dir / "index.html").is_file():
        from analysis.pages import landing  # altair: see write_landing

        landing.write_root_index(run.root_dir, plan.landing_links())


def _summary(run: _Run, seconds: float, quiet: bool) -> dict:
    failed = [dict(r, name=r["name"], gemeente=gm) for (gm, _), r in run.results.items() if not r["ok"]]
    summary = {"ran": [n for (g, n), r in run.results.items() if r["ok"]],
               "skipped": [s.split("/", 1)[1] for s in run.skipped], "failed": failed,
               "repaired": [t.name for t in run.repaired],
               "gemeenten_failed": run.gm_failed, "seconds": seconds, "out_dir": run.root_dir,
               "gemeenten": list(run.by_gm)}
    if quiet:
        return summary
    print(f"{len(summary['ran'])} uitgevoerd, {len(run.skipped)} ongewijzigd, {len(failed)} mislukt"
          f"{f', {len(run.repaired)} hersteld uit het notebook' if run.repaired else ''}"
          f"{f', {len(run.gm_failed)} gemeente(n) overgeslagen' if run.gm_failed else ''} "
          f"in {seconds:.1f} s -> {run.root_dir / 'index.html'}")
    for gm, why in run.gm_failed.items():
        print(f"OVERGESLAGEN {gm}: {why}", file=sys.stderr)
    for r in failed:
        print(f"MISLUKT {r['gemeente']}/{r['name']}: {r['error']}", file=sys.stderr)
        if run.debug and r.get("trace"):
            print(r["trace"], file=sys.stderr)
    return summary


def refresh_committed(notebook_dir: Path | None = None) -> None:
    """Re-execute the notebooks in notebooks/ in place with their default parameters.

    Each on a fresh IPC kernel (no TCP warning), with the static SVG per chart that plain
    `jupyter nbconvert` needs (the batch run leaves it out)."""
    import papermill as pm  # 0.6-1 s (python -X importtime): only where notebooks are inspected or run

    os.environ["WIJKMONITOR_CHART_SVG"] = "1"
    nb_dir = Path(notebook_dir or paths.NOTEBOOK_DIR)
    for nb in sorted(nb_dir.glob("*.ipynb")):
        tmp = nb.with_name(f".{nb.stem}.refresh-{os.getpid()}.ipynb")  # papermill wants an .ipynb name
        try:
            pm.execute_notebook(str(nb), str(tmp), cwd=str(nb_dir), progress_bar=False, kernel_name="python3",
                                engine_name=ENGINE_NAME)
        finally:
            kernels.shutdown_all()  # a fresh kernel for the next notebook
        os.replace(tmp, nb)
        print(f"refreshed {nb}")


if __name__ == "__main__":
    if "--refresh-committed" in sys.argv:
        refresh_committed()
