"""Where the project's data, cache, mirror and outputs live.

Sources resolve in a fixed order: the local cache (`data/raw`, `geo`), then the offline
mirror (env `WIJKMONITOR_MIRROR`, default `../shared/data` beside the checkout), then a
download that fills the cache. `WIJKMONITOR_PROCESSED` and `WIJKMONITOR_REPORTS` move the
outputs (the tests point them at temporary folders).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from analysis.core.errors import SourceError

ROOT = Path(os.environ.get("WIJKMONITOR_ROOT", Path(__file__).resolve().parents[3]))
RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = Path(os.environ.get("WIJKMONITOR_PROCESSED", ROOT / "data" / "processed"))
GEO_DIR = ROOT / "geo"
NOTEBOOK_DIR = ROOT / "notebooks"
REPORTS_DIR = Path(os.environ.get("WIJKMONITOR_REPORTS", ROOT / "reports"))
MIRROR_ENV = "WIJKMONITOR_MIRROR"


def gemeente_raw_dir(gemeentecode: str) -> Path:
    """A gemeente's own files: monitor.yml and its measurements (`data/raw/<GM>/`)."""
    return RAW_DIR / gemeentecode


def processed_dir(gemeentecode: str) -> Path:
    """Processed data of one gemeente (`data/processed/<GM>/`, a generation behind a pointer)."""
    return PROCESSED_DIR / gemeentecode


def reports_dir(gemeentecode: str, root: Path | None = None) -> Path:
    """Reports of one gemeente (`reports/<GM>/`)."""
    return Path(root or REPORTS_DIR) / gemeentecode


def mirror_dir(required: bool = False) -> Path | None:
    """The offline mirror folder, or None when there is none (an error if `required`)."""
    env = os.environ.get(MIRROR_ENV)
    if env:
        path = Path(env)
        if not path.is_dir():
            raise SourceError(f"{MIRROR_ENV}={env!r} is not a folder")
        return path
    default = ROOT.parent / "shared" / "data"
    if default.is_dir():
        return default
    if required:
        raise SourceError(
            f"no data mirror: {default} does not exist and {MIRROR_ENV} is not set; "
            "point it at a copy of the CBS/PDOK mirror or allow downloads"
        )
    return None


def resolve(
    name: str,
    cache_dir: Path,
    mirror_names: list[str] = (),
    download: Callable[[Path], None] | None = None,
) -> Path:
    """Find a source file: `cache_dir/name`, else a mirror file, else download into the cache.

    `mirror_names` are paths relative to the mirror root, tried in order.
    """
    cached = cache_dir / name
    if cached.is_file():
        return cached
    mirror = mirror_dir()
    tried = [str(cached)]
    if mirror is not None:
        for rel in mirror_names:
            candidate = mirror / rel
            if candidate.is_file():
                return candidate
            tried.append(str(candidate))
    else:
        tried.append(f"(no mirror: set {MIRROR_ENV})")
    if download is None:
        raise SourceError(f"source {name!r} not found; looked in: " + ", ".join(tried))
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        download(cached)
    except Exception as exc:  # network errors come in many types; name the source either way
        raise SourceError(f"source {name!r} not in cache or mirror and download failed: {exc}") from exc
    return cached
