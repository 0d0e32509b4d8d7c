"""Benchmark the batch run: cold regeneration, unchanged re-run, and the floor of bare kernels.

    .venv/bin/python benchmarks/bench_run.py

Goal (issue #4): cold run within 1.5x the floor (starting as many bare kernels, as many at a
time as the run uses), an unchanged re-run under 3 s, each HTML report under 2 MB.
Run after `make data` (which also builds the vega JS bundle once per vl-convert version).
"""
from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analysis.batch import runner as run


def bare_kernel(_: int) -> float:
    """Start a python3 kernel, run an empty cell, shut it down (what papermill cannot avoid)."""
    from jupyter_client.manager import start_new_kernel

    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    kc.execute_interactive("pass", timeout=60)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return time.perf_counter() - t0


def main() -> None:
    import subprocess
    import sys

    from analysis.pages.webpage import bundle_path, vega_bundle

    jobs = os.cpu_count() or 1
    # The vega JS bundle is built once per vl-convert version by `analysis build` (make data);
    # timed here on its own so the cold run below does not hide it.
    cached = bundle_path().is_file()
    t0 = time.perf_counter()
    vega_bundle()
    t_bundle = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()  # what `python -m analysis run` does in-process: tasks, digest, pool, HTML
        cold = run.run_all(gemeentecode="GM0957", out_dir=out, jobs=jobs, quiet=True)
        t_cold = time.perf_counter() - t0
        n = len(cold["ran"]) + len(cold["failed"])
        t0 = time.perf_counter()  # the README's command as a user runs it again: a new interpreter
        cli = subprocess.run([sys.executable, "-m", "analysis", "run", "--out", str(out)], capture_output=True, text=True)
        t_warm = time.perf_counter() - t0
        sizes = {p.name: p.stat().st_size for p in sorted(out.glob("*.html"))}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(bare_kernel, range(n)))
    t_floor = time.perf_counter() - t0
    print(f"notebooks: {n} on {jobs} cores; failed: {len(cold['failed'])}")
    print(f"vega JS bundle    : {t_bundle:6.2f} s  ({'cached' if cached else 'built now'}; once per vl-convert version)")
    print(f"cold regeneration : {t_cold:6.2f} s")
    print(f"unchanged re-run  : {t_warm:6.2f} s  (CLI, new interpreter: {cli.stdout.strip()}; goal < 3 s)")
    print(f"floor ({n} bare kernels, {jobs} at a time): {t_floor:6.2f} s")
    print(f"ratio cold / floor: {t_cold / t_floor:6.2f}  (goal <= 1.5)")
    print(f"largest HTML      : {max(sizes.values()) / 1e6:.2f} MB (goal < 2 MB); "
          f"all: {', '.join(f'{k} {v / 1e6:.2f}' for k, v in sizes.items())}")


if __name__ == "__main__":
    main()
