"""One run at a time per folder: an advisory `fcntl` lock on `<folder>/.lock`.

The lock belongs to the open file, so it vanishes with the process, however that ends
(kill -9 included): there is never a stale lock to remove by hand. Within one process the
lock is re-entrant (a run that holds a folder may call a build that locks it again).
"""
from __future__ import annotations

import fcntl
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from analysis.core.errors import WijkmonitorError

LOCK_NAME = ".lock"
_held: dict[str, list] = {}  # realpath -> [file object, depth]


class BusyError(WijkmonitorError):
    """Another run holds the folder and we were told not to wait."""


def _holder(f) -> str:
    try:
        f.seek(0)
        pid = f.read().strip()
        return f" (pid {pid})" if pid else ""
    except OSError:
        return ""


@contextmanager
def hold(folder: Path, wait: bool = True, what: str = "run", timeout: float | None = None):
    """Hold `folder`'s lock for the block; wait (with one Dutch line) or refuse with BusyError."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = os.path.realpath(folder)
    if key in _held:
        _held[key][1] += 1
        try:
            yield folder
        finally:
            _held[key][1] -= 1
        return
    f = open(folder / LOCK_NAME, "a+")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = _holder(f)
            if not wait:
                raise BusyError(f"{folder}: een andere {what}{who} is hier bezig; probeer het later opnieuw") from None
            print(f"wachten: een andere {what}{who} gebruikt {folder} ...", file=sys.stderr, flush=True)
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise BusyError(f"{folder}: na {timeout:.0f} s nog steeds bezet door een andere {what}{who}") from None
                    time.sleep(0.2)
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        _held[key] = [f, 1]
        try:
            yield folder
        finally:
            del _held[key]
            f.seek(0)
            f.truncate()
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        f.close()


def is_held(folder: Path) -> bool:
    """Whether some process (this one included) holds `folder`'s lock right now."""
    path = Path(folder) / LOCK_NAME
    if os.path.realpath(folder) in _held:
        return True
    if not path.is_file():
        return False
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False
