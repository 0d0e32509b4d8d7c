"""Fingerprints per layer: what a notebook run and a processed-data build depend on.

- a notebook's output depends on the layers the notebooks use (core, sources, build, rules,
  charts, pages: NOTEBOOK_LAYERS), the notebook, its parameters and title, and the gemeente's
  processed data and boundary files; not on textcheck/, the command line or the batch runner;
- a gemeente's processed data depends on core, sources and build (DATA_LAYERS) and its raw
  inputs; a chart or page change re-runs notebooks but rebuilds no data.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from analysis.batch.plan import Task
from analysis.build import generations
from analysis.core import paths
from analysis.core.atomic import write_text_atomic
from analysis.core.settings import BOUNDARY_YEAR
from analysis.sources import pdok

PACKAGE = Path(__file__).resolve().parents[1]
NOTEBOOK_LAYERS = ("core", "sources", "build", "rules", "charts", "pages")
DATA_LAYERS = ("core", "sources", "build")
CODE_SUFFIXES = (".py", ".yml", ".j2")
BUILD_STAMP = ".built-from.json"


@functools.cache
def layers_digest(layers: tuple[str, ...]) -> str:
    """Digest of the code (names and bytes) in the given layer folders of the package."""
    h = hashlib.sha256()
    for layer in layers:
        for p in sorted((PACKAGE / layer).rglob("*")):
            if p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts and p.is_file():
                h.update(p.relative_to(PACKAGE).as_posix().encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def processed_files(gm: str) -> list[Path]:
    """The gemeente's processed files: those of its current generation."""
    gen = generations.current(paths.processed_dir(gm))
    if gen is not None:
        return sorted(p for p in gen.iterdir() if p.is_file())
    return []


def _boundary_files(gm: str) -> list[Path]:
    """The boundary files the gemeente's notebooks read (wijk and gemeente layer, BOUNDARY_YEAR)."""
    out = []
    for level in ("wijk", "gemeente"):
        try:
            out.append(Path(pdok.boundary_path(level, BOUNDARY_YEAR, gm)))
        except Exception:  # a missing boundary file fails the notebook, which reports it
            pass
    return out


def processed_digest(files: list[Path]) -> str:
    """Content digest of a generation's files (names and bytes)."""
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _recorded_processed_digest(gm: str, files: list[Path]) -> str | None:
    """The content digest the build stamp recorded for exactly these files of this generation.

    A generation is never changed after it is published (analysis.build.generations), so the digest
    taken at build time holds; an unchanged national re-run then reads 342 stamps, not ~0.5 GB.
    """
    try:
        stamp = json.loads(_stamp_path(gm).read_text())
    except (OSError, ValueError):
        return None
    if files and stamp.get("generation") == str(files[0].parent) and stamp.get("files") == [p.name for p in files]:
        return stamp.get("content")
    return None


def gemeente_digest(gm: str) -> str:
    """What a gemeente's notebooks share beyond the code: processed data and boundary files."""
    h = hashlib.sha256()
    files = processed_files(gm)
    h.update((_recorded_processed_digest(gm, files) or processed_digest(files)).encode())
    for p in _boundary_files(gm):
        st = p.stat()
        h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def shared_digest(gm: str) -> str:
    """What all of a gemeente's notebooks depend on: the notebook layers' code and the gemeente's data."""
    return hashlib.sha256((layers_digest(NOTEBOOK_LAYERS) + gemeente_digest(gm)).encode()).hexdigest()


def fingerprint(task: Task, shared: str, notebook_dir: Path) -> str:
    """A notebook run's fingerprint: `shared_digest`, the notebook, its parameters and its page title."""
    h = hashlib.sha256(shared.encode())
    h.update((Path(notebook_dir) / task.notebook).read_bytes())
    h.update(json.dumps(task.parameters, sort_keys=True).encode())
    h.update(task.title.encode())
    return h.hexdigest()


# --- processed data --------------------------------------------------------------------------------

def _raw_inputs(gm: str) -> list[Path]:
    """The gemeente's own files (monitor.yml, measurements) and the region definitions."""
    own = paths.gemeente_raw_dir(gm)
    files = [paths.RAW_DIR / "regions.yml"] + (sorted(p for p in own.rglob("*") if p.is_file()) if own.is_dir() else [])
    return [p for p in files if p.is_file()]


def build_digest(gm: str) -> str:
    """What a gemeente's processed data is built from: the data layers' code and its raw inputs."""
    h = hashlib.sha256(layers_digest(DATA_LAYERS).encode())
    for p in _raw_inputs(gm):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _stamp_path(gm: str) -> Path:
    return paths.processed_dir(gm) / BUILD_STAMP


def processed_fresh(gm: str, digest: str) -> bool:
    files = processed_files(gm)
    if not any(p.suffix == ".parquet" for p in files):
        return False
    try:
        stamp = json.loads(_stamp_path(gm).read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("inputs") == digest and stamp.get("files") == [p.name for p in files] \
        and stamp.get("generation") == str(files[0].parent)


def write_stamp(gm: str, digest: str | None = None) -> None:
    """Record which inputs the gemeente's current generation was built from (the run's staleness check)."""
    files = processed_files(gm)
    write_text_atomic(_stamp_path(gm), json.dumps({"inputs": digest or build_digest(gm), "files": [p.name for p in files],
                                                   "generation": str(files[0].parent) if files else None,
                                                   "content": processed_digest(files)}))
