"""Errors inside notebooks as one Dutch line, not a Python traceback.

`install(ip)` (called by `analysis.pages.display.setup()`) registers an IPython custom exception
handler for the suite's own errors (`WijkmonitorError`: an unknown wijkcode, indicator or meting,
bad input data). The cell's error output is then the message alone, e.g.
`WK095799 is geen wijk van Roermond; kies uit WK095700 … WK095709`, in JupyterLab and in a
notebook executed by papermill (whose PapermillExecutionError carries it as `evalue` and as the
last line). Other exceptions keep IPython's full traceback (they are bugs, not bad input);
`WIJKMONITOR_DEBUG=1` shows the traceback for ours too.
"""
from __future__ import annotations

import os
import sys

from analysis.core.errors import WijkmonitorError

DEBUG_ENV = "WIJKMONITOR_DEBUG"


def one_line(exc: BaseException) -> str:
    """The message of a suite error on one line (its first line if it ever has more)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _handler(shell, etype, value, tb, tb_offset=None):
    if os.environ.get(DEBUG_ENV):
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    else:
        stb = [one_line(value)]
    # IPython's run_code calls a custom handler and ignores what it returns; showtraceback (the
    # other caller) shows the returned lines itself. Show them here only in the first case.
    try:
        caller = sys._getframe(2).f_code.co_name
    except ValueError:  # pragma: no cover
        caller = ""
    if caller == "showtraceback":
        return stb
    shell._showtraceback(etype, value, stb)  # ipykernel: the cell's error output (ename, evalue, these lines)
    return None


def install(ip=None) -> None:
    """Show the suite's errors in `ip` (default: the running IPython, if any) as one Dutch line."""
    if ip is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with the notebooks' kernel
            return
        ip = get_ipython()
    if ip is None or not hasattr(ip, "set_custom_exc"):
        return
    ip.set_custom_exc((WijkmonitorError,), _handler)
