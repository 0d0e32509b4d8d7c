"""Benchmark the national run: a measured sample of gemeenten, extrapolated to the country, or the country.

    .venv/bin/python benchmarks/bench_national.py [--min-wijken 300] [--min-gemeenten 10] [--jobs 2]
                                                  [--all] [--skip-dask] [--dask-gemeenten GM…] [--dask-only]

Without --all: a deterministic sample of >= 300 wijken across >= 10 gemeenten (every k-th gemeente
by code, Roermond included), extrapolated to every gemeente and wijk of the 2024 boundaries.
With --all: the whole country, measured (about 15 min of both cores: say so before you start it);
the Dask comparison then still runs on the sample.

Prints (issue 24):
- per-stage times: build (processed data), execute (the workers: wall time and seconds x core
  per page kind), write (the run's process writing pages, downloads, notebooks, manifests) and
  landing pages (gemeente and root index);
- peak memory: the run's own process, each worker, each kernel, and the whole process tree at
  once (sum of resident sizes, sampled every 0.2 s: an upper bound, shared pages count twice);
- disk: reports/ (per page kind) and data/processed of the gemeenten run;
- the unchanged re-run: `python -m analysis run` in a new interpreter, as a user runs it;
- Dask LocalCluster with 1 worker against 2 workers (forced re-run of the same notebooks);
- whether the goals are met: national cold <= 15 min on 2 cores; unchanged re-run < 10 s; peak
  memory < 2 GB; Dask 2 vs 1 worker >= 1.7x on >= 100 notebooks; and per page kind how much
  heavier it is than the previous figure in README's Measured table.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil  # comes with dask.distributed

from analysis.batch import executors, fingerprints
from analysis.batch import runner as run
from analysis.core import paths

GB = 1e9
# The previous figures (README, Measured: national run of 4,158 notebooks, 1,448 s CPU) per page kind,
# seconds x core per notebook; a kind without a figure is new.
PREVIOUS = {"wijkprofiel": 0.35}
GOAL_COLD_MIN, GOAL_WARM_S, GOAL_MEM_GB, GOAL_DASK, GOAL_DASK_NB = 15.0, 10.0, 2.0, 1.7, 100


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


def kind_of(name: str) -> str:
    return name.split("_WK")[0]


def du(path: Path) -> tuple[int, dict[str, list[int]]]:
    kinds: dict[str, list[int]] = {}
    total = 0
    for p in Path(path).rglob("*"):
        if p.is_file():
            size = p.stat().st_size
            total += size
            if p.suffix == ".html" and p.name != "index.html":
                kinds.setdefault(kind_of(p.stem), []).append(size)
    return total, kinds


# --- memory ----------------------------------------------------------------------------------------

def _hwm(pid: int) -> int:
    """The process's own peak resident size (VmHWM), 0 when gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class MemoryWatch:
    """Samples this process and its descendants: per-process peaks and the peak of their sum."""

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.me = psutil.Process()
        self.peak: dict[int, int] = {}
        self.role: dict[int, str] = {}
        self.parents: dict[int, int] = {}
        self.tree_peak = 0
        self.cpu: dict[int, float] = {}  # user + system seconds per process, last seen
        self._stop = threading.Event()

    def _sample(self) -> None:
        total = 0
        for p in [self.me, *self.me.children(recursive=True)]:
            try:
                rss = p.memory_info().rss
                if p.pid not in self.role:
                    cmd = " ".join(p.cmdline())
                    self.role[p.pid] = "parent" if p.pid == self.me.pid else (
                        "kernel" if "ipykernel" in cmd else "cli" if "-m analysis" in cmd else "other")
                    self.parents[p.pid] = p.ppid()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            total += rss
            self.peak[p.pid] = max(self.peak.get(p.pid, 0), rss, _hwm(p.pid))
            try:
                t = p.cpu_times()
                self.cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        self.tree_peak = max(self.tree_peak, total)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self._sample()
        self.cpu_before = dict(self.cpu)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="memory-watch")
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def cpu_seconds(self) -> float:
        """CPU (user + system) of the process tree while watched (a process's last 0.2 s may be missed)."""
        return sum(v - self.cpu_before.get(pid, 0.0) for pid, v in self.cpu.items())

    def by_role(self) -> dict[str, list[int]]:
        """Peaks per role; a worker is a process that started a kernel (pool worker or Dask worker)."""
        workers = {self.parents[k] for k, r in self.role.items() if r == "kernel"}
        out: dict[str, list[int]] = {}
        for pid, peak in self.peak.items():
            role = "worker" if pid in workers and self.role[pid] == "other" else self.role[pid]
            out.setdefault(role, []).append(peak)
        return {r: sorted(v, reverse=True) for r, v in out.items()}

    def line(self) -> str:
        roles = self.by_role()
        parts = [f"whole run {self.tree_peak / GB:.2f} GB", f"parent {max(roles.get('parent', [0])) / GB:.2f} GB"]
        for role in ("worker", "kernel"):
            if roles.get(role):
                parts.append(f"{role}s " + " ".join(f"{v / GB:.2f}" for v in roles[role][:8]) + " GB"
                             + (f" (+{len(roles[role]) - 8} more)" if len(roles[role]) > 8 else ""))
        return "; ".join(parts)


# --- stage times of a run in this process ----------------------------------------------------------

class Stages:
    """Times the run's own process spends writing and on landing pages, and what the workers report.

    The run is not changed: the functions it calls by module name are wrapped for the duration.
    """

    def __init__(self):
        self.write = self.landing = 0.0
        self.per_kind: dict[str, list[float]] = {}  # wall seconds in the worker per notebook
        self.cpu_kind: dict[str, list[float]] = {}  # CPU seconds of worker and kernel per notebook

    def _timed(self, fn, attr):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                setattr(self, attr, getattr(self, attr) + time.perf_counter() - t0)
        return wrapper

    def _tapped(self, fn):
        stages = self

        def wrapper(ex, f, argslist, stopping=None):
            for i, res in fn(ex, f, argslist, stopping):
                if isinstance(res, dict) and "name" in res and "seconds" in res and res.get("ok"):
                    stages.per_kind.setdefault(kind_of(res["name"]), []).append(res["seconds"])
                    if "cpu" in res:
                        stages.cpu_kind.setdefault(kind_of(res["name"]), []).append(res["cpu"])
                yield i, res
        return wrapper

    @contextlib.contextmanager
    def patch(self):
        from analysis.pages import landing

        saved = [(run, "write_bytes_atomic"), (run, "save_manifest"), (run, "write_landing"),
                 (landing, "write_root_index"), (executors.LocalExecutor, "run"), (executors.DaskExecutor, "run")]
        old = [(obj, name, getattr(obj, name)) for obj, name in saved]
        try:
            run.write_bytes_atomic = self._timed(run.write_bytes_atomic, "write")
            run.save_manifest = self._timed(run.save_manifest, "write")
            run.write_landing = self._timed(run.write_landing, "landing")
            landing.write_root_index = self._timed(landing.write_root_index, "landing")
            executors.LocalExecutor.run = self._tapped(executors.LocalExecutor.run)
            executors.DaskExecutor.run = self._tapped(executors.DaskExecutor.run)
            yield self
        finally:
            for obj, name, value in old:
                setattr(obj, name, value)

    def executed(self) -> tuple[int, float]:
        return sum(len(v) for v in self.per_kind.values()), sum(sum(v) for v in self.per_kind.values())


# --- Dask ------------------------------------------------------------------------------------------

def dask_run(gms, out, workers: int) -> tuple[float, int, MemoryWatch]:
    from analysis.batch.executors import QUIET_WORKERS, local_cluster

    with MemoryWatch() as mem, local_cluster(workers) as cluster:
        t0 = time.perf_counter()
        s = run.run_all(gemeenten=gms, out_dir=out, scheduler=cluster.scheduler_address, force=True, quiet=True)
        t = time.perf_counter() - t0
    n = len(s["ran"]) + len(s["failed"])
    load = os.getloadavg()[0]
    print(f"  dask {workers} worker(s): {t:7.1f} s for {n} notebooks ({len(s['ran'])} ok, {len(s['failed'])} failed; "
          f"monitors off: {sorted(QUIET_WORKERS)})", flush=True)
    print(f"      memory: {mem.line()}; CPU of the process tree {mem.cpu_seconds():.1f} s "
          f"(cluster start included); load {load:.1f}", flush=True)
    return t, n, mem


def dask_comparison(dgms, tmp: Path) -> tuple[float, int]:
    print(f"dask comparison on {len(dgms)} gemeenten: {' '.join(dgms)}", flush=True)
    for gm in dgms:  # processed data built before, so neither run times builds
        digest = fingerprints.build_digest(gm)
        if not fingerprints.processed_fresh(gm, digest):
            run.build_processed(gm, digest)
    t1, n, m1 = dask_run(dgms, tmp / "dask1", 1)
    t2, _, m2 = dask_run(dgms, tmp / "dask2", 2)
    # on a machine that others use too, the wall times say more about them than about the run:
    # the CPU each run needed shows what 2 workers cost beyond 1 (2 x cpu1/cpu2 is the speed-up
    # that 2 otherwise idle cores would give)
    print(f"  CPU 2 workers / 1 worker: {m2.cpu_seconds() / max(m1.cpu_seconds(), 1e-9):.2f} "
          f"(speed-up on 2 idle cores at most {2 * m1.cpu_seconds() / max(m2.cpu_seconds(), 1e-9):.2f}x)", flush=True)
    return t1 / t2, n


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def cli_run(args: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """`python -m analysis run …` in a new interpreter: (result, wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "analysis", "run", *args], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return res, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-wijken", type=int, default=300)
    ap.add_argument("--min-gemeenten", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--all", action="store_true", help="the whole country instead of a sample (~15 min of both cores)")
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
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, load {os.getloadavg()[0]:.1f} at the start")
    print(f"country: {len(codes)} gemeenten, {n_wijken} wijken, {national_notebooks} notebooks")
    print(f"{'national run' if args.all else 'sample'}: {len(gms)} gemeenten, {wijken} wijken, {n_nb} notebooks "
          f"on {args.jobs} cores: {' '.join(gms) if len(gms) < 60 else '(all)'}", flush=True)

    if args.dask_only:
        with tempfile.TemporaryDirectory() as tmp:
            speedup, n = dask_comparison(args.dask_gemeenten or sample(args.min_wijken, args.min_gemeenten), Path(tmp))
        print(f"dask speed-up 2 vs 1   : {speedup:7.2f}x on {n} notebooks "
              f"(goal >= {GOAL_DASK}x on >= {GOAL_DASK_NB}): {verdict(speedup >= GOAL_DASK and n >= GOAL_DASK_NB)}")
        return
    goals = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Roermond alone, as the reference per-notebook cost
        t0 = time.perf_counter()
        r = run.run_all(gemeenten=["GM0957"], out_dir=tmp / "roermond", jobs=args.jobs, quiet=True)
        t_roermond = time.perf_counter() - t0
        n_r = len(r["ran"]) + len(r["failed"])
        # 1. build: the processed data of the gemeenten (forced: stamps removed)
        digests = {gm: fingerprints.build_digest(gm) for gm in gms}
        for gm in gms:
            fingerprints._stamp_path(gm).unlink(missing_ok=True)
        with MemoryWatch() as mem_build:
            t0 = time.perf_counter()
            ex = executors.LocalExecutor(args.jobs, str(paths.NOTEBOOK_DIR))
            builds = [res for _, res in ex.run(run.build_processed, [(gm, digests[gm]) for gm in gms])]
            ex.close()
            t_build = time.perf_counter() - t0
        build_failed = [b["gm"] for b in builds if not b["ok"]]
        # 2. the cold run: execute, write, landing pages
        out = tmp / "reports"
        stages = Stages()
        with MemoryWatch() as mem_cold, stages.patch():
            t0 = time.perf_counter()
            s = run.run_all(gemeenten=gms, out_dir=out, jobs=args.jobs, quiet=True)
            t_cold = time.perf_counter() - t0
        ran, failed = len(s["ran"]), len(s["failed"])
        reasons: dict[str, int] = {}
        for f in s["failed"]:
            reasons[f["error"][:90]] = reasons.get(f["error"][:90], 0) + 1
        # 3. the unchanged re-run, as a user runs it: a new interpreter; Roermond's alone too, for the
        # part paid once (start-up) apart from the part per gemeente
        _, t_warm_one, cpu_warm_one = cli_run(["--out", str(tmp / "roermond"), "--gemeente", "GM0957"])
        with MemoryWatch() as mem_warm:
            cli, t_warm, cpu_warm = cli_run(["--out", str(out), "--gemeente", *gms])
        size, kinds = du(out)
        processed = sum(du(paths.processed_dir(gm))[0] for gm in gms)
        per_nb = t_cold * args.jobs / max(n_nb, 1)
        per_nb_r = t_roermond * args.jobs / max(n_r, 1)
        scale_g, scale_nb = len(codes) / len(gms), national_notebooks / max(n_nb, 1)
        n_exec, s_exec = stages.executed()
        print(f"Roermond cold          : {t_roermond:7.1f} s for {n_r} notebooks ({len(r['failed'])} failed) "
              f"= {per_nb_r:.2f} s x core / notebook")
        print("stages")
        print(f"  build (processed data): {t_build:7.1f} s for {len(gms)} gemeenten ({len(build_failed)} failed"
              f"{': ' + ' '.join(build_failed[:10]) if build_failed else ''}); memory: {mem_build.line()}")
        print(f"  notebook run (wall)   : {t_cold:7.1f} s for {n_nb} notebooks ({ran} ok, {failed} failed) "
              f"= {per_nb:.2f} s x core / notebook ({per_nb / per_nb_r:.2f}x Roermond's)")
        print(f"    execute (workers)   : {s_exec:7.1f} s x core over {n_exec} notebooks, pages rendered included")
        print(f"    write (run process) : {stages.write:7.1f} s (pages, downloads, notebooks, manifests)")
        print(f"    landing pages       : {stages.landing:7.1f} s (gemeente and root index pages)")
        print(f"    memory              : {mem_cold.line()}")
        for why, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:5]:
            print(f"    failed {n:4d}x: {why}")
        print("page kinds (per notebook: wall seconds in the worker, and CPU seconds of worker + kernel, which the "
              "load of other jobs does not inflate; the previous figures were wall x core on an idle machine)")
        for kind, secs in sorted(stages.per_kind.items()):
            mean = sum(secs) / len(secs)
            cpus = stages.cpu_kind.get(kind) or [float("nan")]
            cpu = sum(cpus) / len(cpus)
            prev = PREVIOUS.get(kind)
            than = (f"CPU {cpu / prev:.2f}x the previous {prev:.2f} ({'+' if cpu >= prev else ''}{(cpu / prev - 1) * 100:.0f}%)"
                    if prev else "no previous figure")
            print(f"  {kind:<16} {len(secs):5d} notebooks, wall mean {mean:5.2f} max {max(secs):5.2f}; "
                  f"CPU mean {cpu:5.2f} max {max(cpus):5.2f}: {than}")
        est = t_build * scale_g + t_cold * scale_nb
        # what the run itself needed, whatever else the machine did: CPU of the whole process tree
        # (this process, workers, kernels) spread over the cores, as if they were otherwise idle
        cpu = mem_build.cpu_seconds() * scale_g + mem_cold.cpu_seconds() * scale_nb
        est_cpu = cpu / args.jobs
        goals.append((f"national cold {est / 60:.1f} min on {args.jobs} cores, wall clock at load "
                      f"{os.getloadavg()[0]:.1f} ({'measured' if args.all else 'extrapolated'}) <= {GOAL_COLD_MIN:.0f} min",
                      est / 60 <= GOAL_COLD_MIN))
        goals.append((f"national cold {est_cpu / 60:.1f} min on {args.jobs} idle cores, from the CPU the run took "
                      f"({cpu / 60:.1f} min CPU) <= {GOAL_COLD_MIN:.0f} min", est_cpu / 60 <= GOAL_COLD_MIN))
        print(f"national cold          : {est / 60:7.1f} min on {args.jobs} cores "
              f"({'measured' if args.all else 'extrapolated: builds per gemeente, run per notebook'}); "
              f"CPU of the process tree: builds {mem_build.cpu_seconds():.1f} s, notebook run {mem_cold.cpu_seconds():.1f} s "
              f"= {mem_cold.cpu_seconds() / max(n_nb, 1):.2f} s per notebook; {est_cpu / 60:.1f} min on {args.jobs} idle cores")
        per_gm = max(t_warm - t_warm_one, 0) / max(len(gms) - 1, 1)
        warm_nat = t_warm if args.all else t_warm_one + per_gm * (len(codes) - 1)
        per_gm_cpu = max(cpu_warm - cpu_warm_one, 0) / max(len(gms) - 1, 1)
        warm_nat_cpu = cpu_warm if args.all else cpu_warm_one + per_gm_cpu * (len(codes) - 1)
        print(f"unchanged re-run       : {t_warm:7.2f} s for the {'country' if args.all else 'sample'} "
              f"({cli.stdout.strip() or cli.stderr.strip()[-200:]}); Roermond alone {t_warm_one:.2f} s, so "
              f"{per_gm * 1000:.0f} ms per further gemeente; national "
              f"{'measured' if args.all else f'estimate {warm_nat:.1f} s (Roermond alone + per gemeente x {len(codes) - 1})'}; "
              f"memory {mem_warm.tree_peak / GB:.2f} GB")
        print(f"    CPU                 : {cpu_warm:.2f} s for the {'country' if args.all else 'sample'}, Roermond alone "
              f"{cpu_warm_one:.2f} s, {per_gm_cpu * 1000:.0f} ms per further gemeente; national {warm_nat_cpu:.1f} s CPU "
              "(one process: its wall time on an idle machine)")
        goals.append((f"unchanged re-run {warm_nat:.1f} s{'' if args.all else ' (national estimate)'}, wall clock "
                       f"< {GOAL_WARM_S:.0f} s", warm_nat < GOAL_WARM_S and cli.returncode == 0))
        goals.append((f"unchanged re-run {warm_nat_cpu:.1f} s CPU{'' if args.all else ' (national estimate)'} "
                       f"< {GOAL_WARM_S:.0f} s", warm_nat_cpu < GOAL_WARM_S and cli.returncode == 0))
        print(f"disk                   : reports/ {size / 1e6:7.1f} MB, data/processed {processed / 1e6:.1f} MB for "
              f"{'the country' if args.all else 'the sample'}"
              + ("" if args.all else f"; national estimate {size * scale_nb / GB:.2f} GB + {processed * scale_g / GB:.2f} GB"))
        for kind, sizes in sorted(kinds.items()):
            print(f"    {kind:<16} {len(sizes):5d} pages, mean {sum(sizes) / len(sizes) / 1e3:7.0f} KB, "
                  f"max {max(sizes) / 1e3:7.0f} KB")
        peak = max(mem_build.tree_peak, mem_cold.tree_peak, mem_warm.tree_peak)
        goals.append((f"peak memory {peak / GB:.2f} GB (whole process tree, {'national' if args.all else 'sample'} "
                      f"run on {args.jobs} workers) < {GOAL_MEM_GB:.0f} GB", peak < GOAL_MEM_GB * GB))
        if not args.skip_dask:
            # with --all too on the sample (the country twice more would take half an hour)
            dgms = args.dask_gemeenten or sample(args.min_wijken, args.min_gemeenten)
            speedup, n = dask_comparison(dgms, tmp)
            print(f"dask speed-up 2 vs 1   : {speedup:7.2f}x on {n} notebooks")
            goals.append((f"dask 2 vs 1 worker {speedup:.2f}x on {n} notebooks >= {GOAL_DASK}x on >= {GOAL_DASK_NB}",
                          speedup >= GOAL_DASK and n >= GOAL_DASK_NB))
    print("goals")
    for text, ok in goals:
        print(f"  {verdict(ok):<8} {text}")


if __name__ == "__main__":
    main()
