"""Papermill engine that runs notebooks one after another in a single kernel per process.

Starting a kernel and importing pandas, altair and the library costs more than executing a
wijk profile, so each worker of the batch run keeps one kernel (papermill's maintainers point
to a custom engine for this: nteract/papermill#326, #616). Between notebooks the kernel's
namespace and execution counter are reset, so every notebook starts from the state a fresh
kernel gives it; after a failed notebook the kernel is shut down and the next one gets a new
kernel. Imported modules and the library's caches survive: they are what is reused.
"""
from __future__ import annotations

import os

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from analysis.batch.kernels import Kept, discard, kernel

# Registered with papermill by entry point (pyproject.toml) under kernels.ENGINE_NAME; only papermill
# imports this module (see kernels.ENGINE_NAME).
# Silent and without history, so nothing shows in the next notebook. A new history session lets
# the execution counter restart at 1 (setting the counter alone clashes with the history's
# line numbers: "Session/line number was not unique in database").
# The reset's full collection stays short because the kernel froze what it imported at start-up
# (analysis.batch.startup); what notebooks leave behind is not frozen, so it can still be collected.
RESET_CODE = "get_ipython().reset(new_session=True)"


class _ReusingClient(PapermillNotebookClient):
    """Executes on a kept kernel; resets it afterwards, or discards it if the notebook failed."""

    def __init__(self, nb_man, kept: Kept, **kw):
        super().__init__(nb_man, km=kept.km, **kw)
        self.kept = kept
        self.kc = kept.kc

    def execute(self, **kwargs):
        ok = False
        try:
            nb = super().execute(**kwargs)
            ok = not any(c.get("metadata", {}).get("papermill", {}).get("exception") for c in nb.cells)
            return nb
        finally:
            try:
                if ok:
                    reply = self.wait_for_reply(self.kc.execute(RESET_CODE, silent=True, store_history=False))
                    ok = bool(reply) and reply["content"].get("status") == "ok"
            except Exception:
                ok = False
            if not ok:
                discard(self.kept)


class ReusedKernelEngine(NBClientEngine):
    """NBClientEngine whose kernel outlives the notebook (one per process, kernel name and cwd)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        # Metadata for the output notebook (the run's fingerprint), set before papermill writes it:
        # one serialisation per notebook instead of papermill's plus ours.
        nb_man.nb.metadata.update(kwargs.pop("notebook_metadata", None) or {})
        kwargs = remove_args(["input_path", "km"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout or kwargs.get("timeout"),
                                    startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                    log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        # papermill has already changed into the notebook's working directory
        kept = kernel(kernel_name, os.getcwd(), start_timeout)
        return _ReusingClient(nb_man, kept, **final_kwargs).execute()

