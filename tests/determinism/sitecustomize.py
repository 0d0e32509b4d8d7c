"""Determinism-test hook (tests/test_determinism.py only): every directory listing comes back in
REVERSE name order, in this process and in the kernels it starts (they inherit PYTHONPATH).

Active only when this folder is on PYTHONPATH; the library itself has no switch for it.
Output that still matches the normal run proves each listing that feeds data is sorted.
"""
import glob as _glob
import os as _os
import pathlib as _pathlib

_iterdir, _glob_path, _rglob = _pathlib.Path.iterdir, _pathlib.Path.glob, _pathlib.Path.rglob
_listdir, _glob_glob = _os.listdir, _glob.glob


def _rev(items):
    return sorted(items, key=str, reverse=True)


_pathlib.Path.iterdir = lambda self: iter(_rev(_iterdir(self)))
_pathlib.Path.glob = lambda self, pattern, **kw: iter(_rev(_glob_path(self, pattern, **kw)))
_pathlib.Path.rglob = lambda self, pattern, **kw: iter(_rev(_rglob(self, pattern, **kw)))
_os.listdir = lambda path=".": _rev(_listdir(path))
_glob.glob = lambda *a, **kw: _rev(_glob_glob(*a, **kw))
_os.environ["WIJKMONITOR_REVERSED_LISTINGS"] = "active"  # proof for the test that the hook ran
