"""Text lines of a PDF report (pypdf), for `check-text RAPPORT.pdf`.

Pages are read in order and their text lines joined; the line numbers in the verdicts count
these lines (1-based) over the whole document. A PDF without a text layer (a scan) is refused:
there is nothing to check.
"""
from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from analysis.core.errors import WijkmonitorError


def lines(path: Path, error: type[WijkmonitorError]) -> tuple[list[str], int]:
    """(text lines, number of pages); `error` with one Dutch line when the file is no readable PDF."""
    try:
        reader = PdfReader(str(path))
        pages = [p.extract_text() or "" for p in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise error(f"{path}: geen leesbaar PDF-bestand ({type(exc).__name__}: {exc})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise error(f"{path}: de PDF heeft geen tekstlaag (een scan?); geef de .docx of een .txt")
    return text.split("\n"), len(pages)
