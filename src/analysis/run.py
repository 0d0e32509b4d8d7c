"""Batch runner: execute the notebooks with papermill into reports/, as .ipynb and offline .html.

- parallel over a process pool with a progress bar; each worker keeps one kernel and runs its
  notebooks on it one after another (analysis.engine resets it in between), because starting
  a kernel and importing the libraries costs more than a wijk profile;
- incremental: a notebook runs again only when its fingerprint (notebook, parameters,
  library code, processed data) changed or its outputs are missing;
- failure-isolated: a failing notebook is reported and the others go on; exit non-zero;
- atomic: outputs are written to temporary files and renamed, so a failed or interrupted
  run never leaves a half-written report nor removes a good earlier one.
"""
from __future__ import annotations

import hashlib
import importlib
import html
import json
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from analysis import paths
from analysis.atomic import write_text_atomic
from analysis.errors import UnknownAreaError

MANIFEST = ".manifest.json"


@dataclass(frozen=True)
class Task:
    notebook: str  # file name in notebooks/
    name: str  # output stem in reports/
    title: str
    parameters: dict = field(default_factory=dict)


def valid_wijken(gemeentecode: str) -> list[str]:
    from analysis.sources.pdok import load_boundaries

    return list(load_boundaries("wijk", 2024, gemeentecode)["wijkcode"])


def tasks_for(gemeentecode: str = "GM0957", wijken: list[str] | None = None) -> list[Task]:
    """Overview, maps and one profile per wijk; unknown codes fail fast with the valid list."""
    from analysis.areas import check_gemeentecode
    from analysis.sources.pdok import load_boundaries

    gemeentecode = check_gemeentecode(gemeentecode)
    try:
        shapes = load_boundaries("wijk", 2024, gemeentecode)
    except Exception as exc:
        raise UnknownAreaError(f"gemeentecode {gemeentecode!r}: no wijken found ({exc})") from None
    names = dict(zip(shapes["wijkcode"], shapes["wijknaam"]))
    if wijken:
        bad = [w for w in wijken if w not in names]
        if bad:
            raise UnknownAreaError(f"unknown wijkcode(s) {bad} for {gemeentecode}; valid: {', '.join(names)}")
    out = []
    if gemeentecode == "GM0957":  # overview and indicator maps need the progress report's KPIs
        out += [Task("overzicht.ipynb", "overzicht", "Overzicht: Roermond t.o.v. Nederland", {"gemeentecode": gemeentecode}),
                Task("indicator_kaart.ipynb", "indicator_kaart", "Indicatorkaart per wijk", {"gemeentecode": gemeentecode})]
    for code in wijken or names:
        out.append(Task("wijkprofiel.ipynb", f"wijkprofiel_{code}", f"Wijkprofiel {names[code]} ({code})",
                        {"wijkcode": code, "gemeentecode": gemeentecode}))
    return out


def _inputs_digest() -> str:
    """Digest of everything all notebooks share: library code and processed data."""
    h = hashlib.sha256()
    src = Path(__file__).resolve().parent
    for p in sorted(src.rglob("*")):
        if p.suffix in (".py", ".yml") and "__pycache__" not in p.parts:
            h.update(p.relative_to(src).as_posix().encode())
            h.update(p.read_bytes())
    for p in sorted(paths.PROCESSED_DIR.glob("*")):
        if p.suffix in (".parquet", ".csv"):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def fingerprint(task: Task, shared: str, notebook_dir: Path) -> str:
    h = hashlib.sha256(shared.encode())
    h.update((notebook_dir / task.notebook).read_bytes())
    h.update(json.dumps(task.parameters, sort_keys=True).encode())
    return h.hexdigest()


def _init_worker(notebook_dir: str) -> None:
    """Pool initializer: launch this worker's kernel, then import and warm up while it boots."""
    from analysis.startup import skip_slow_imports

    skip_slow_imports()  # before anything imports jsonschema
    from analysis import kernels

    try:
        kernels.start("python3", notebook_dir)
    except Exception:  # not fatal here: the first notebook starts one (with retries) and reports
        pass
    importlib.import_module("analysis.engine")  # papermill
    from analysis.webpage import html_exporter

    html_exporter()


def execute(task: Task, notebook_dir: str, out_dir: str, bundle: str | None = None) -> dict:
    """Run one notebook and write its .ipynb and .html atomically (in a worker process)."""
    import papermill as pm

    from analysis.engine import ENGINE_NAME
    from analysis.webpage import to_html

    t0 = time.perf_counter()
    out = Path(out_dir)
    tmp_nb = out / f".{task.name}.running.ipynb"
    try:
        for attempt in range(3):
            try:
                pm.execute_notebook(str(Path(notebook_dir) / task.notebook), str(tmp_nb), parameters=task.parameters,
                                    progress_bar=False, cwd=str(notebook_dir), kernel_name="python3",
                                    engine_name=ENGINE_NAME, request_save_on_cell_execute=False)
                break
            except Exception as exc:
                # Kernels started at the same moment can race for a TCP port; that is not the notebook's fault.
                startup = ("Address already in use", "Kernel died before replying", "kernel_info")
                if not any(m in str(exc) for m in startup) or attempt == 2:
                    raise
                time.sleep(0.5 + attempt)
        page = to_html(tmp_nb, task.title, Path(bundle) if bundle else None)
        write_text_atomic(out / f"{task.name}.html", page)
        os.replace(tmp_nb, out / f"{task.name}.ipynb")
        return {"name": task.name, "ok": True, "seconds": time.perf_counter() - t0}
    except Exception as exc:  # report any failure of this notebook; the batch goes on
        last = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        return {"name": task.name, "ok": False, "seconds": time.perf_counter() - t0, "error": last,
                "trace": traceback.format_exc(limit=3)}
    finally:
        if tmp_nb.exists():
            tmp_nb.unlink()


def write_index(out_dir: Path, tasks: list[Task], results: dict[str, dict]) -> Path:
    items = []
    for t in tasks:
        ok = (out_dir / f"{t.name}.html").is_file()
        status = "" if results.get(t.name, {}).get("ok", True) else " <strong>(laatste run mislukt; vorige versie)</strong>"
        link = f'<a href="{t.name}.html">{html.escape(t.title)}</a> (<a href="{t.name}.ipynb">notebook</a>)' if ok \
            else f"{html.escape(t.title)}: nog niet beschikbaar"
        items.append(f"<li>{link}{status}</li>")
    page = ("<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>Wijkmonitor</title></head><body>"
            "<h1>Wijkmonitor: rapporten</h1><ul>" + "\n".join(items) + "</ul>"
            f"<p>Gegenereerd {time.strftime('%Y-%m-%d %H:%M')}. Bronnen: CBS, Kadaster/PDOK (CC BY 4.0), "
            "gemeente Roermond (Voortgangsrapportage Sociaal Domein, mei 2025).</p></body></html>")
    return write_text_atomic(out_dir / "index.html", page)


def run_all(gemeentecode: str = "GM0957", wijken: list[str] | None = None, jobs: int | None = None,
            force: bool = False, out_dir: str | Path | None = None, notebook_dir: str | Path | None = None,
            tasks: list[Task] | None = None, quiet: bool = False) -> dict:
    """Execute every task whose inputs changed; returns a summary with ran, skipped and failed."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    out = Path(out_dir or paths.REPORTS_DIR)
    nb_dir = Path(notebook_dir or paths.NOTEBOOK_DIR)
    out.mkdir(parents=True, exist_ok=True)
    tasks = tasks if tasks is not None else tasks_for(gemeentecode, wijken)
    manifest_path = out / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    shared = _inputs_digest()
    todo, skipped = [], []
    for t in tasks:
        fp = fingerprint(t, shared, nb_dir)
        fresh = manifest.get(t.name) == fp and (out / f"{t.name}.ipynb").is_file() and (out / f"{t.name}.html").is_file()
        (skipped if fresh and not force else todo).append((t, fp))
    results: dict[str, dict] = {}
    if todo:
        from analysis.webpage import vega_bundle

        jobs = jobs or os.cpu_count() or 1
        bundle = str(vega_bundle())
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=_init_worker,
                                 initargs=(str(nb_dir),)) as pool:
            futs = {pool.submit(execute, t, str(nb_dir), str(out), bundle): (t, fp) for t, fp in todo}
            for fut in tqdm(as_completed(futs), total=len(futs), desc="notebooks", disable=quiet, file=sys.stderr):
                t, fp = futs[fut]
                res = fut.result()
                results[t.name] = res
                if res["ok"]:
                    manifest[t.name] = fp
                else:
                    manifest.pop(t.name, None)
                write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    write_index(out, tasks, results)
    failed = [r for r in results.values() if not r["ok"]]
    summary = {"ran": [n for n, r in results.items() if r["ok"]], "skipped": [t.name for t, _ in skipped],
               "failed": failed, "seconds": time.perf_counter() - t0, "out_dir": out}
    if not quiet:
        print(f"{len(summary['ran'])} executed, {len(summary['skipped'])} unchanged, {len(failed)} failed "
              f"in {summary['seconds']:.1f} s -> {out / 'index.html'}")
        for r in failed:
            print(f"FAILED {r['name']}: {r['error']}", file=sys.stderr)
    return summary


def refresh_committed(notebook_dir: Path | None = None) -> None:
    """Re-execute the notebooks in notebooks/ in place with their default parameters."""
    import papermill as pm

    nb_dir = Path(notebook_dir or paths.NOTEBOOK_DIR)
    for nb in sorted(nb_dir.glob("*.ipynb")):
        tmp = nb.with_name(f".{nb.stem}.refresh.ipynb")  # papermill wants an .ipynb name
        pm.execute_notebook(str(nb), str(tmp), cwd=str(nb_dir), progress_bar=False, kernel_name="python3")
        os.replace(tmp, nb)
        print(f"refreshed {nb}")


if __name__ == "__main__":
    if "--refresh-committed" in sys.argv:
        refresh_committed()
