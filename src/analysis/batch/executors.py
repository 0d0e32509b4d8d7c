"""Where the run's notebooks execute: a local process pool (default) or a Dask cluster.

Both keep one Jupyter kernel per worker process and run notebook after notebook on it
(analysis.batch.engine). Workers never write into reports/: they return the notebook and page
as bytes and the run's own process writes them atomically (see docs/notes/dask.md).

Local workers end with the run, whatever ends it: they ask the kernel for SIGTERM when
their parent dies (prctl PR_SET_PDEATHSIG) and a watchdog thread also checks the parent;
on SIGTERM a worker kills its kernels and exits. Kernels, which jupyter_client starts in a
session of their own, exit by themselves when their worker is gone (ipykernel's parent
poller, JPY_PARENT_PID). Workers ignore SIGINT: Ctrl-C is the run's to handle.
"""
from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import wait as _cf_wait

from analysis.batch import kernels
from analysis.batch.failures import RunError
from analysis.batch.startup import skip_slow_imports
from analysis.pages.webpage import html_exporter

PR_SET_PDEATHSIG = 1
SCHEDULER_ENV = "WIJKMONITOR_SCHEDULER"


def _kill_kernels_and_exit(*_):
    kernels.kill_all()
    os._exit(1)


def _watch_parent(ppid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != ppid:
            _kill_kernels_and_exit()


def guard_worker() -> None:
    """In a worker process: die with the parent, never take Ctrl-C, clean up on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _kill_kernels_and_exit)
    ppid = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog alone
        pass
    if os.getppid() != ppid:  # the parent died before prctl took effect
        _kill_kernels_and_exit()
    threading.Thread(target=_watch_parent, args=(ppid,), daemon=True, name="parent-watchdog").start()


def init_worker(notebook_dir: str) -> None:
    """Pool initializer: guard, then warm up (the kernel boots while this process imports)."""
    guard_worker()
    warm_worker(notebook_dir)


def warm_worker(notebook_dir: str) -> None:
    """Launch this worker's kernel, import and warm up while it boots: once per worker process."""
    skip_slow_imports()  # before anything imports jsonschema
    try:
        kernels.start("python3", notebook_dir)
    except Exception:  # not fatal here: the first notebook starts one (with retries) and reports
        pass
    import papermill  # noqa: F401  (warm-up while the kernel boots: ~1 s; loads our engine by its entry point)

    html_exporter()


class LocalExecutor:
    """A process pool whose workers each keep one kernel."""

    kind = "lokaal"

    def __init__(self, jobs: int, notebook_dir: str):
        self.jobs = jobs
        self.pool = ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(notebook_dir,))

    def run(self, fn: Callable, argslist: Iterable[tuple],
            stopping: threading.Event | None = None) -> Iterator[tuple[int, object]]:
        """Yield (index, result) as tasks finish; a raised exception is yielded as the result.

        With `stopping`: checked every 0.2 s while waiting; once set, KeyboardInterrupt."""
        futs = {self.pool.submit(fn, *args): i for i, args in enumerate(argslist)}
        pending = set(futs)
        while pending:
            done, pending = _cf_wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=futs.__getitem__):
                if stopping is not None and stopping.is_set():
                    raise KeyboardInterrupt
                exc = fut.exception()
                yield futs[fut], (exc if exc is not None else fut.result())
            if stopping is not None and stopping.is_set():
                raise KeyboardInterrupt

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def abort(self, grace: float = 2.0) -> None:
        """Stop now: cancel what has not started, terminate the workers (and so their kernels)."""
        procs = list((self.pool._processes or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        deadline = time.monotonic() + grace
        for p in procs:
            p.join(max(deadline - time.monotonic(), 0.05))
            if p.is_alive():
                p.kill()
                p.join(1)


def _dask_plugin(notebook_dir: str):
    from distributed.diagnostics.plugin import WorkerPlugin  # 1.1 s (-X importtime): only with --scheduler

    class KernelPlugin(WorkerPlugin):
        """Each Dask worker keeps one kernel: started in setup, shut down in teardown."""

        name = "wijkmonitor-kernel"

        def __init__(self, notebook_dir: str):
            self.notebook_dir = notebook_dir

        def setup(self, worker):
            # as the local pool's initializer: the kernel boots while the worker imports and warms up
            warm_worker(self.notebook_dir)

        def teardown(self, worker):
            kernels.shutdown_all()

    return KernelPlugin(notebook_dir)


class DaskExecutor:
    """The same tasks on a dask.distributed cluster (Client.submit / as_completed)."""

    kind = "dask"

    def __init__(self, address, notebook_dir: str):
        from distributed import Client  # 1.1 s (-X importtime): only with --scheduler

        self.client = address if hasattr(address, "submit") else Client(address, timeout="10s")
        self.own_client = not hasattr(address, "submit")
        self.client.register_plugin(_dask_plugin(notebook_dir))
        self.jobs = max(sum(self.client.nthreads().values()), 1)
        self.futures = []

    def run(self, fn: Callable, argslist: Iterable[tuple],
            stopping: threading.Event | None = None) -> Iterator[tuple[int, object]]:
        from distributed import as_completed

        argslist = list(argslist)
        if not argslist:
            return
        # one message for all tasks (Client.map), and results fetched by the client's own thread as
        # they finish (with_results) while this one writes the previous ones
        futs = self.client.map(fn, *zip(*argslist), pure=False)
        self.futures = futs
        index = {f.key: i for i, f in enumerate(futs)}
        for fut, res in as_completed(futs, with_results=True, raise_errors=False):
            if fut.status == "error":
                yield index[fut.key], res[1] if isinstance(res, tuple) else fut.exception()
            else:
                yield index[fut.key], res
            fut.release()
            if stopping is not None and stopping.is_set():
                raise KeyboardInterrupt

    def close(self) -> None:
        if self.own_client:
            self.client.close()

    def abort(self, grace: float = 2.0) -> None:
        try:
            self.client.cancel(self.futures, force=True)
        finally:
            self.close()


# Per-worker monitors that sample the task thread every 10 ms (profiler) and 1 ms (GIL): ~10% of
# the CPU of a batch of short notebooks on 2 cores. Off in the LocalCluster the project starts
# (docs/notes/dask.md says how to switch them off for workers started by hand).
QUIET_WORKERS = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.gil.enabled": False}
LOCAL = "local"


def local_cluster(workers: int):
    """A LocalCluster for the run: one single-threaded worker process per core, monitors off.

    The workers are started inside the config context and so inherit it (the nanny passes the
    client's configuration to its worker).
    """
    import dask
    from distributed import LocalCluster  # 1.1 s (-X importtime): only with --scheduler

    with dask.config.set(QUIET_WORKERS):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address=None)


class LocalDaskExecutor:
    """`--scheduler local`: the run starts its own LocalCluster (jobs workers) and stops it after."""

    kind = "dask"

    def __init__(self, jobs: int, notebook_dir: str):
        self.cluster = local_cluster(jobs)
        try:
            self.inner = DaskExecutor(self.cluster.scheduler_address, notebook_dir)
        except BaseException:
            self.cluster.close()
            raise
        self.jobs = self.inner.jobs

    def run(self, fn: Callable, argslist: Iterable[tuple],
            stopping: threading.Event | None = None) -> Iterator[tuple[int, object]]:
        return self.inner.run(fn, argslist, stopping)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.cluster.close()

    def abort(self, grace: float = 2.0) -> None:
        try:
            self.inner.abort(grace)
        finally:
            self.cluster.close()


def make(jobs: int, notebook_dir: str, scheduler=None):
    """The executor for a run: Dask when a scheduler is given (or in WIJKMONITOR_SCHEDULER), else local.

    `local` as scheduler: a LocalCluster of `jobs` workers, started for this run.
    """
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        try:
            if scheduler == LOCAL:
                return LocalDaskExecutor(jobs, notebook_dir)
            return DaskExecutor(scheduler, notebook_dir)
        except ImportError:
            raise RunError("--scheduler: dask.distributed is niet geïnstalleerd; pip install distributed") from None
        except OSError as exc:
            raise RunError(f"--scheduler {scheduler}: geen Dask-scheduler bereikbaar ({exc}); "
                           "controleer het adres (tcp://HOST:PORT)") from None
    return LocalExecutor(jobs, notebook_dir)
