"""Every failure as one Dutch line naming the file or parameter and what to do."""
from __future__ import annotations

import errno
from pathlib import Path

import yaml

from analysis.core import paths
from analysis.core.errors import WijkmonitorError


class RunError(WijkmonitorError):
    """A run cannot start or go on (bad option, unwritable folder, full disk, broken input)."""


class Interrupted(WijkmonitorError):
    """Ctrl-C or SIGTERM: the run stopped; the manifest holds what was finished."""


def _rel(p) -> str:
    try:
        return str(Path(p).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(p)


def empty_files(folder: Path | None = None) -> list[Path]:
    """Data files under data/raw with no content (what pandas reports as EmptyDataError)."""
    folder = Path(folder or paths.RAW_DIR)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".csv", ".xlsx", ".yml")
                  and not p.read_bytes().strip())


def describe(exc: BaseException) -> str:
    """One line for `exc`, in Dutch, naming the file or parameter and the remedy."""
    if isinstance(exc, WijkmonitorError):
        return str(exc)
    if isinstance(exc, OSError):
        where = _rel(exc.filename) if exc.filename else "(onbekend bestand)"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{where}: geen schrijfrechten (alleen-lezen); geef schrijfrechten of kies een andere map"
        if exc.errno == errno.ENOSPC:
            return f"{where}: schijf vol; maak ruimte vrij en start opnieuw (eerdere rapporten zijn intact)"
        if exc.errno == errno.EDQUOT:
            return f"{where}: schijfquotum bereikt; maak ruimte vrij en start opnieuw"
        return f"{where}: {exc.strerror or exc}"
    try:
        if isinstance(exc, yaml.YAMLError):
            mark = getattr(exc, "problem_mark", None)
            name = mark.name if mark is not None and not mark.name.startswith("<") else "YAML-bestand"
            line = f":{mark.line + 1}" if mark is not None else ""
            return f"{name}{line}: YAML-syntaxfout ({getattr(exc, 'problem', None) or exc}); herstel het bestand"
    except ImportError:
        pass
    if type(exc).__name__ == "EmptyDataError":
        empty = empty_files()
        if empty:
            return f"{_rel(empty[0])}: leeg bestand; zet de inhoud terug (bijv. git checkout -- {_rel(empty[0])})"
        return f"een bronbestand is leeg ({exc}); controleer data/raw"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[-1] if text else ''}".rstrip(": ")
