"""Benchmark the batch run: cold regeneration, unchanged re-run, and the floor of bare kernels.

    .venv/bin/python benchmarks/bench_run.py

Goal (issue #4): cold run within 1.5x the floor (starting as many bare kernels, as many at a
time as the run uses), an unchanged re-run under 3 s, each HTML report under 2 MB.
"""
from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analysis import run


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
    tasks = run.tasks_for("GM0957")
    jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        cold = run.run_all(tasks=tasks, out_dir=out, jobs=jobs, quiet=True)
        t_cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = run.run_all(tasks=tasks, out_dir=out, jobs=jobs, quiet=True)
        t_warm = time.perf_counter() - t0
        sizes = {p.name: p.stat().st_size for p in sorted(out.glob("*.html"))}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(bare_kernel, range(len(tasks))))
    t_floor = time.perf_counter() - t0
    print(f"notebooks: {len(tasks)} on {jobs} cores; failed: {len(cold['failed'])}")
    print(f"cold regeneration : {t_cold:6.1f} s")
    print(f"unchanged re-run  : {t_warm:6.2f} s  (executed {len(warm['ran'])}, skipped {len(warm['skipped'])}; goal < 3 s)")
    print(f"floor (bare kernels): {t_floor:6.1f} s")
    print(f"ratio cold / floor: {t_cold / t_floor:6.2f}  (goal <= 1.5)")
    print(f"largest HTML      : {max(sizes.values()) / 1e6:.2f} MB (goal < 2 MB); "
          f"all: {', '.join(f'{k} {v / 1e6:.2f}' for k, v in sizes.items())}")


if __name__ == "__main__":
    main()
