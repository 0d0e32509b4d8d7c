"""Build outputs as one generation: written into a new folder, then switched in by one rename.

`folder/current` is a symlink to `folder/gen-<stamp>`; `publish` writes every file of a new
generation first and only then replaces the link (os.replace of a new link is atomic), so a
reader sees the old generation or the new one, never a mix. Leftovers of an interrupted
build (`.gen-*` folders that never got the pointer) are removed at the next publish.
"""
from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

POINTER = "current"
KEEP = 2  # the current generation and the one before it


def current(folder: Path) -> Path | None:
    """The folder of the current generation, or None when nothing was published yet."""
    link = Path(folder) / POINTER
    if link.is_symlink() or link.is_dir():
        target = link.resolve()
        return target if target.is_dir() else None
    return None


def publish(folder: Path, writers: dict[str, Callable[[Path], None]]) -> Path:
    """Write a new generation (`writers`: file name -> callable(path)) and make it current."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    clean(folder)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = folder / f".{name}"
    tmp.mkdir()
    try:
        for fname, writer in writers.items():
            writer(tmp / fname)
            with open(tmp / fname, "rb") as fh:
                os.fsync(fh.fileno())
        final = folder / name
        os.rename(tmp, final)
        link_tmp = folder / f".{POINTER}.{uuid.uuid4().hex[:8]}"
        os.symlink(name, link_tmp)
        os.replace(link_tmp, folder / POINTER)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    prune(folder)
    return final


def clean(folder: Path) -> None:
    """Remove what interrupted builds left: unfinished generations and stray pointer links."""
    for p in Path(folder).glob(".gen-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in Path(folder).glob(f".{POINTER}.*"):
        p.unlink(missing_ok=True)
    for p in Path(folder).glob(".*.tmp"):
        p.unlink(missing_ok=True)


def prune(folder: Path, keep: int = KEEP) -> None:
    """Keep the current generation and the newest older ones (`keep` in all)."""
    cur = current(folder)
    gens = sorted((p for p in Path(folder).glob("gen-*") if p.is_dir()), key=lambda p: p.name, reverse=True)
    kept = [cur] if cur else []
    for g in gens:
        if len(kept) >= keep:
            if g != cur:
                shutil.rmtree(g, ignore_errors=True)
        elif g != cur:
            kept.append(g)
