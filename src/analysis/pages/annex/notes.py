"""Numbered notes of a table: every distinct comment once, in reading order (Word footnote
numbers and the note list under an Excel sheet use the same numbers)."""
from __future__ import annotations

from analysis.pages.annex.model import Table


def numbered(t: Table) -> list[tuple[int, str]]:
    """[(number, text)] for the distinct comments of `t`, first appearance first."""
    seen: dict[str, int] = {}
    for row in t.rows:
        for c in row.cells:
            for text in c.comments:
                seen.setdefault(text, len(seen) + 1)
    return [(n, text) for text, n in seen.items()]


def numbers_of(t: Table) -> dict[str, int]:
    return {text: n for n, text in numbered(t)}
