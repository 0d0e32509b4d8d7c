"""Generations: a folder's outputs replaced together, by switching one pointer.

    data/processed/<GM>/
        current -> gen-1764206400123456789-4242    (a relative symlink: the one pointer)
        gen-1764206400123456789-4242/              observations.parquet, observations.csv, ...
        gen-1764200000000000000-4100/              the previous generation (kept)
        .lock

`publish(folder, writers)` writes every file into a new hidden folder, fsyncs, renames it to
`gen-<time_ns>-<pid>`, then replaces `current` by `os.replace` of a new symlink: a reader that
resolves `current` sees the old generation or the new one, never a mix. A kill at any moment
leaves at worst a hidden `.gen-*` folder, removed at the next `publish` (or `clean`). Older
generations are pruned; the previous one is kept for readers that resolved `current` just
before the switch. Writers to one folder are serialised by `analysis.core.locks`.
"""
from __future__ import annotations

import errno
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from analysis.core import locks

POINTER = "current"
PREFIX = "gen-"
TMP_PREFIX = ".gen-"
KEEP = 2  # the current generation and the one before it


def current(folder: Path) -> Path | None:
    """The folder's current generation (an existing folder), or None when there is none yet."""
    link = Path(folder) / POINTER
    try:
        target = os.readlink(link)
    except OSError:
        return None
    gen = Path(folder) / target
    return gen if gen.is_dir() else None


def generations(folder: Path) -> list[Path]:
    """Every complete generation in the folder, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    gens = [p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.is_dir() and not p.is_symlink()]
    return sorted(gens, key=_age)


def _age(p: Path) -> tuple:
    try:
        return (p.stat().st_mtime_ns, p.name)
    except OSError:
        return (0, p.name)


def clean(folder: Path, keep: int = 1) -> list[Path]:
    """Remove leftovers of interrupted builds and generations older than the `keep` before current.

    Call with the folder's lock held (publish does). Returns what was removed.
    """
    folder = Path(folder)
    removed = []
    if not folder.is_dir():
        return removed
    for p in sorted(folder.iterdir()):
        leftover = (p.name.startswith(TMP_PREFIX) and p.is_dir() and not p.is_symlink()) \
            or (p.name.startswith(f".{POINTER}.") and p.is_symlink()) \
            or (p.name.startswith(".") and p.name.endswith(".tmp") and p.is_file())
        if leftover:
            _remove(p)
            removed.append(p)
    cur = current(folder)
    if cur is not None:
        gens = [g for g in generations(folder) if g.name != cur.name]
        older = [g for g in gens if _age(g) < _age(cur)]
        orphans = [g for g in gens if _age(g) > _age(cur)]  # renamed in, pointer never switched
        for g in older[:max(len(older) - keep, 0)] + orphans:
            _remove(g)
            removed.append(g)
    return removed


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(folder: Path, writers: dict[str, Callable[[Path], object]], keep: int = 1) -> Path:
    """Write a new generation (writers: file name -> callable(tmp_path)) and make it current.

    Every writer must succeed before anything changes for readers; on any failure (or
    KeyboardInterrupt) the new files are removed and `current` still names the old generation.
    Returns the new generation's folder. Raises OSError naming the file on a write error.
    """
    folder = Path(folder)
    with locks.hold(folder, what="build"):
        clean(folder, keep)
        name = f"{PREFIX}{time.time_ns()}-{os.getpid()}"
        tmp = folder / f".{name}.tmp"
        tmp.mkdir()
        try:
            for fname, writer in writers.items():
                target = tmp / fname
                try:
                    writer(target)
                except OSError as exc:
                    if exc.filename is None:  # e.g. "[Errno 28] No space left on device" from a library
                        raise OSError(exc.errno, exc.strerror or os.strerror(exc.errno or 0),
                                      str(folder / fname)) from exc
                    raise
                if not target.exists():
                    raise FileNotFoundError(errno.ENOENT, "writer produced no file", str(folder / fname))
                _fsync(target)
            _fsync(tmp)
            gen = folder / name
            os.rename(tmp, gen)
        except BaseException:
            _remove(tmp)
            raise
        link = folder / f".{POINTER}.{name}"
        os.symlink(name, link)
        os.replace(link, folder / POINTER)  # the switch: one atomic rename
        _fsync(folder)
        clean(folder, keep)
        return gen

