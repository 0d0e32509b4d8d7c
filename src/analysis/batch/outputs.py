"""A page's files on disk, recorded when written and checked at every run (outputs verified, not trusted).

The run records, per page, each file it wrote (executed notebook, page, table downloads) with its
size, SHA-256 and modification time in the gemeente's manifest. The next run checks them with one
stat per file; the digest is compared only when the modification time differs from the record, so
an unchanged national run stays cheap while a truncated or replaced file is still found.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def record(folder: Path, names: Iterable[str], written: dict[str, bytes] | None = None) -> dict[str, list]:
    """{file name: [size, sha256, mtime_ns]} of files in `folder`, sorted by name.

    `written`: the bytes just written, by name, so they are not read back to take their digest.
    """
    out = {}
    for name in sorted(names):
        path = Path(folder) / name
        st = path.stat()
        data = (written or {}).get(name)
        sha = hashlib.sha256(data).hexdigest() if data is not None else digest(path)
        out[name] = [st.st_size, sha, st.st_mtime_ns]
    return out


def page_files(folder: Path, name: str) -> list[str]:
    """What is on disk of page `name`: its notebook, page and table downloads (`<name>_tabel<n>.csv/.xlsx`)."""
    folder = Path(folder)
    found = [f"{name}.ipynb", f"{name}.html"] + [p.name for p in folder.glob(f"{name}_tabel*")
                                                   if p.suffix in (".csv", ".xlsx") and p.is_file()]
    return sorted(n for n in found if (folder / n).is_file())


def damaged(folder: Path, recorded: dict[str, list]) -> tuple[list[str], bool]:
    """The recorded files that are missing or not what was written (size, else digest when touched).

    A file whose time changed but whose digest did not (a copied tree) gets its new time in the
    record, so it is not read again next run; the second value says whether the record changed.
    """
    bad, touched = [], False
    for name, (size, sha, mtime) in sorted(recorded.items()):
        try:
            st = (Path(folder) / name).stat()
        except OSError:
            bad.append(name)
            continue
        if st.st_size != size:
            bad.append(name)
        elif st.st_mtime_ns != mtime:
            if digest(Path(folder) / name) != sha:
                bad.append(name)
            else:
                recorded[name] = [size, sha, st.st_mtime_ns]
                touched = True
    return bad, touched


def state(folder: Path, name: str, recorded: dict[str, list] | None) -> tuple[str, bool]:
    """What page `name` needs: "ok", "render" (page or downloads damaged, notebook intact) or
    "execute"; and whether `recorded` was updated (see damaged).

    `recorded` None (a manifest from before files were recorded): trusted when notebook and page exist.
    """
    folder = Path(folder)
    if recorded is None:
        if not (folder / f"{name}.ipynb").is_file():
            return "execute", False
        return ("ok" if (folder / f"{name}.html").is_file() else "render"), False
    if f"{name}.ipynb" not in recorded:
        return "execute", False
    bad, touched = damaged(folder, recorded)
    if not bad:
        return "ok", touched
    return ("execute" if f"{name}.ipynb" in bad else "render"), touched
