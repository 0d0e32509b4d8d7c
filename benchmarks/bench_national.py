"""Benchmark the national run: a measured sample of gemeenten, extrapolated to the country.

    .venv/bin/python benchmarks/bench_national.py [--min-wijken 300] [--min-gemeenten 10] [--jobs 2]
                                                  [--all] [--skip-dask]

Measures (issue 13), on a deterministic sample of >= 300 wijken across >= 10 gemeenten (every
k-th gemeente by code, Roermond included), or the whole country with --all:
- the processed-data builds and the cold notebook run (local pool, --jobs cores), extrapolated
  to every gemeente and wijk of the 2024 boundaries (build time per gemeente, run time per notebook);
- per-notebook cost (seconds x cores / notebook) against Roermond's 12 notebooks;
- disk use of the reports tree (per page kind), extrapolated;
- the unchanged re-run: `python -m analysis run` in a new interpreter over the sample, and per
  gemeente, extrapolated;
- Dask LocalCluster with 1 worker against 2 workers on the same sample (forced re-run).
Goals: national cold <= 15 min on 2 cores; unchanged re-run < 10 s; Dask 2 workers >= 1.7x of 1.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.batch import fingerprints
from analysis.batch import runner as run


def sample(min_wijken: int, min_gemeenten: int) -> list[str]:
    codes = run.all_gemeenten()
    counts = {gm: len(run.wijken_of(gm)) for gm in codes}
    total = sum(counts.values())
    # a stride that reaches both minimums with some margin, starting at Roermond's position
    n = max(min_gemeenten, round(len(codes) * min_wijken / total) + 1)
    step = max(len(codes) // n, 1)
    start = codes.index("GM0957") % step
    pick = codes[start::step]
    while sum(counts[g] for g in pick) < min_wijken or len(pick) < min_gemeenten:
        step = max(step - 1, 1)
        pick = codes[start::step]
    return pick


def du(path: Path) -> tuple[int, dict[str, list[int]]]:
    kinds: dict[str, list[int]] = {}
    total = 0
    for p in path.rglob("*"):
        if p.is_file():
            size = p.stat().st_size
            total += size
            if p.suffix == ".html" and p.name != "index.html":
                kinds.setdefault(p.stem.split("_WK")[0], []).append(size)
    return total, kinds


# Per-worker monitors that sample the task thread every 10 ms (profiler) and 1 ms (GIL): ~10% of
# the CPU of a run of short notebooks on 2 cores; off here, as docs/notes/dask.md advises for a batch.
QUIET_WORKERS = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.gil.enabled": False}


def dask_run(gms, out, workers: int) -> float:
    import dask
    from distributed import LocalCluster

    with dask.config.set(QUIET_WORKERS), LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        t0 = time.perf_counter()
        s = run.run_all(gemeenten=gms, out_dir=out, scheduler=cluster.scheduler_address, force=True, quiet=True)
        t = time.perf_counter() - t0
    print(f"  dask {workers} worker(s): {t:7.1f} s  ({len(s['ran'])} ok, {len(s['failed'])} failed)", flush=True)
    return t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-wijken", type=int, default=300)
    ap.add_argument("--min-gemeenten", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--all", action="store_true", help="the whole country instead of a sample")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--dask-gemeenten", nargs="+", default=None,
                    help="run the Dask comparison on these gemeenten instead of the sample (say so when quoting)")
    ap.add_argument("--dask-only", action="store_true", help="only the Dask comparison")
    args = ap.parse_args()

    codes = run.all_gemeenten()
    n_wijken = sum(len(run.wijken_of(g)) for g in codes)
    national_notebooks = 2 * len(codes) + n_wijken
    gms = codes if args.all else sample(args.min_wijken, args.min_gemeenten)
    wijken = sum(len(run.wijken_of(g)) for g in gms)
    n_nb = 2 * len(gms) + wijken
    print(f"country: {len(codes)} gemeenten, {n_wijken} wijken, {national_notebooks} notebooks")
    print(f"{'national run' if args.all else 'sample'}: {len(gms)} gemeenten, {wijken} wijken, {n_nb} notebooks "
          f"on {args.jobs} cores: {' '.join(gms)}", flush=True)

    if args.dask_only:
        dgms = args.dask_gemeenten or gms
        with tempfile.TemporaryDirectory() as tmp:
            print(f"dask comparison on {' '.join(dgms)}", flush=True)
            t1 = dask_run(dgms, Path(tmp) / "dask1", 1)
            t2 = dask_run(dgms, Path(tmp) / "dask2", 2)
            print(f"dask speed-up 2 vs 1   : {t1 / t2:7.2f}x (goal >= 1.7)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Roermond alone, as the reference per-notebook cost
        t0 = time.perf_counter()
        r = run.run_all(gemeenten=["GM0957"], out_dir=tmp / "roermond", jobs=args.jobs, quiet=True)
        t_roermond = time.perf_counter() - t0
        n_r = len(r["ran"]) + len(r["failed"])
        # builds of the sample's processed data (forced: stamps removed)
        digests = {gm: fingerprints.build_digest(gm) for gm in gms}
        for gm in gms:
            fingerprints._stamp_path(gm).unlink(missing_ok=True)
        from analysis.batch import executors

        t0 = time.perf_counter()
        ex = executors.LocalExecutor(args.jobs, str(run.paths.NOTEBOOK_DIR))
        builds = [res for _, res in ex.run(run.build_processed, [(gm, digests[gm]) for gm in gms])]
        ex.close()
        t_build = time.perf_counter() - t0
        build_failed = [b["gm"] for b in builds if not b["ok"]]
        # cold notebook run
        out = tmp / "reports"
        t0 = time.perf_counter()
        s = run.run_all(gemeenten=gms, out_dir=out, jobs=args.jobs, quiet=True)
        t_cold = time.perf_counter() - t0
        ran, failed = len(s["ran"]), len(s["failed"])
        reasons: dict[str, int] = {}
        for f in s["failed"]:
            reasons[f["error"][:90]] = reasons.get(f["error"][:90], 0) + 1
        # unchanged re-run, as a user runs it: a new interpreter
        t0 = time.perf_counter()
        cli = subprocess.run([sys.executable, "-m", "analysis", "run", "--out", str(out), "--gemeente", *gms],
                             capture_output=True, text=True)
        t_warm = time.perf_counter() - t0
        size, kinds = du(out)
        per_nb = t_cold * args.jobs / max(n_nb, 1)
        per_nb_r = t_roermond * args.jobs / max(n_r, 1)
        scale_g, scale_nb = len(codes) / len(gms), national_notebooks / max(n_nb, 1)
        print(f"Roermond cold          : {t_roermond:7.1f} s for {n_r} notebooks ({len(r['failed'])} failed) "
              f"= {per_nb_r:.2f} s x core / notebook")
        print(f"builds (processed data): {t_build:7.1f} s for {len(gms)} gemeenten ({len(build_failed)} failed"
              f"{': ' + ' '.join(build_failed) if build_failed else ''})")
        print(f"cold notebook run      : {t_cold:7.1f} s for {n_nb} notebooks ({ran} ok, {failed} failed) "
              f"= {per_nb:.2f} s x core / notebook ({per_nb / per_nb_r:.2f}x Roermond's)")
        for why, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:5]:
            print(f"    failed {n:4d}x: {why}")
        est = t_build * scale_g + t_cold * scale_nb
        print(f"national cold estimate : {est / 60:7.1f} min on {args.jobs} cores "
              f"({'measured' if args.all else 'extrapolated'}; goal <= 15 min)")
        print(f"unchanged re-run       : {t_warm:7.2f} s for the {'country' if args.all else 'sample'} "
              f"({cli.stdout.strip()}); national estimate {t_warm * (1 if args.all else scale_g):.1f} s "
              "(linear in gemeenten, an upper bound: start-up is paid once; goal < 10 s)")
        print(f"disk                   : {size / 1e6:7.1f} MB for the sample; national estimate "
              f"{size * scale_nb / 1e9:.2f} GB")
        for kind, sizes in sorted(kinds.items()):
            print(f"    {kind:<16} {len(sizes):5d} pages, mean {sum(sizes) / len(sizes) / 1e3:7.0f} KB, "
                  f"max {max(sizes) / 1e3:7.0f} KB")
        if not args.skip_dask:
            dgms = args.dask_gemeenten or gms
            print(f"dask comparison on {'the sample' if dgms == gms else ' '.join(dgms)}", flush=True)
            t1 = dask_run(dgms, tmp / "dask1", 1)
            t2 = dask_run(dgms, tmp / "dask2", 2)
            print(f"dask speed-up 2 vs 1   : {t1 / t2:7.2f}x (goal >= 1.7)")


if __name__ == "__main__":
    main()
