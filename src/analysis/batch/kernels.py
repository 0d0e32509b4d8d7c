"""One kept Jupyter kernel per process (and kernel name and working directory).

The batch run's workers start their kernel as soon as they start (`start`), import the rest
while it boots, and execute notebook after notebook on it (`kernel`, used by the papermill
engine in analysis.batch.engine). Kernels are shut down when the process exits.
"""
from __future__ import annotations

import multiprocessing.util
import os
import signal
import tempfile
from dataclasses import dataclass

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from analysis.batch.startup import KERNEL_EXEC_LINES

# The papermill engine that runs notebooks on these kept kernels (analysis.batch.engine). Papermill
# imports that module itself, by its entry point (pyproject.toml); the library only needs the name.
# Importing analysis.batch.engine before papermill would be circular: papermill loads its entry
# points while it initialises, and would find the engine module half-imported.
ENGINE_NAME = "wijkmonitor-reuse"


@dataclass
class Kept:
    km: AsyncKernelManager
    kc: object  # AsyncKernelClient, open between notebooks: a new client waits ~0.2 s for IOPub
    ready: bool = False


_kept: dict[tuple[str, str], Kept] = {}


def _key(kernel_name: str, cwd: str | None) -> tuple[str, str]:
    return kernel_name, os.path.realpath(cwd or os.getcwd())


def start(kernel_name: str = "python3", cwd: str | None = None) -> Kept:
    """Launch this process's kernel for (kernel_name, cwd) without waiting for it to be ready."""
    key = _key(kernel_name, cwd)
    k = _kept.get(key)
    if k is not None and run_sync(k.km.is_alive)():
        return k
    if k is not None:
        discard(k)
    # IPC sockets: no TCP ports to race for, and no "running over TCP without encryption" warning.
    # Each kernel its own socket path prefix (the default, "kernel-ipc" in the cwd, is shared by all).
    ipc = os.path.join(tempfile.gettempdir(), f"wijkmonitor-kernel-{os.getpid()}-{os.urandom(4).hex()}")
    km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=ipc)
    # An in-memory history, as nbclient gives the kernels it starts: no sqlite file shared by workers.
    args = ["--HistoryManager.hist_file=:memory:", f"--IPKernelApp.exec_lines={KERNEL_EXEC_LINES!r}"]
    # The batch's pages draw charts with vega-embed, so the static SVG copy per chart (for plain
    # nbconvert, see analysis.pages.display) is left out of its kernels unless asked for.
    # Likewise the schema check of every chart (analysis.pages.display.VALIDATE_ENV).
    env = {**os.environ, "WIJKMONITOR_CHART_SVG": os.environ.get("WIJKMONITOR_CHART_SVG", "0"),
           "WIJKMONITOR_CHART_VALIDATE": os.environ.get("WIJKMONITOR_CHART_VALIDATE", "0")}
    run_sync(km.start_kernel)(extra_arguments=args, cwd=key[1], env=env)
    kc = km.client()
    kc.start_channels()
    kc.allow_stdin = False
    _kept[key] = k = Kept(km, kc)
    return k


def kernel(kernel_name: str = "python3", cwd: str | None = None, startup_timeout: float = 60) -> Kept:
    """This process's running kernel for (kernel_name, cwd), started if need be, ready to execute."""
    k = start(kernel_name, cwd)
    if not k.ready:
        try:
            run_sync(k.kc.wait_for_ready)(timeout=startup_timeout)
        except Exception:
            discard(k)
            raise
        k.ready = True
    return k


def discard(k: Kept) -> None:
    """Shut a kept kernel down and forget it (after a failure, or at exit)."""
    for key, value in list(_kept.items()):
        if value is k:
            del _kept[key]
    try:
        k.kc.stop_channels()
        if k.km.has_kernel:
            run_sync(k.km.shutdown_kernel)(now=True)
    except Exception:  # a kernel that is already gone needs no shutdown
        pass


def cpu_seconds() -> float:
    """CPU (user + system) of this process and the kernels it keeps, so far (Linux /proc; else this process)."""
    t = os.times()
    total = t.user + t.system
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for k in list(_kept.values()):
        try:
            pid = k.km.provisioner.pid if k.km.provisioner is not None else None
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, AttributeError, IndexError, ValueError, TypeError):
            pass
    return total


def kill_all() -> None:
    """SIGKILL every kernel this process started (from a signal handler: no messages, no waiting)."""
    for k in list(_kept.values()):
        try:
            pid = k.km.provisioner.pid if k.km.provisioner is not None else None
            if pid:
                os.kill(pid, signal.SIGKILL)
        except (OSError, AttributeError):
            pass


def shutdown_all() -> None:
    """Stop every kernel this process kept."""
    for k in list(_kept.values()):
        discard(k)


# multiprocessing runs its finalizers when a pool worker exits (atexit does not run there).
multiprocessing.util.Finalize(None, shutdown_all, exitpriority=10)
