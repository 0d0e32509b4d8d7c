"""Running text of a report (plain text from a PDF, a .pdf itself, or .docx) as sentences that know their lines.

What is skipped, and how:
- the annexes: everything from the first heading 'Bijlage <n> <Titel>' (capital after the
  number, at the start of a line/paragraph) to the end; the annex tables are the data the
  text is checked against, so checking them would be circular;
- table and chart regions inside the body: runs of two or more consecutive lines that hold
  no word of three letters or more (cells such as '7,10%', '2020', '04 05 06', '-');
- in a .docx, tables (`document.tables`) are never read: only paragraphs are.
Line numbers are those of the text file (1-based); for a .docx they are paragraph numbers.
A line ending in '-' followed by a line starting in lower case is joined without the hyphen.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx

from analysis.core.errors import WijkmonitorError


class TextCheckError(WijkmonitorError):
    """A file that cannot be read as a report text."""


ANNEX_HEAD = re.compile(r"^\s*(?:Bijlage|BIJLAGE)\s+\d+[A-Z]?\b[\s:.]+[A-Z]")
_WORD3 = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
_SPLIT = re.compile(
    r"\n\n+"                                    # hard break (skipped region, paragraph, heading)
    r"|(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9•‘'\"(])"     # sentence end
    r"|\s*•\s*"                                 # bullet
    r"|(?<=[%‰])\s+(?=(?:Het|De|Dit|Deze|Ook|Daarnaast|Dat)\s)"  # a missing full stop after a value
)


@dataclass
class Sentence:
    text: str
    lines: list[int]  # the source line of every character of `text`

    def line_at(self, pos: int) -> int:
        return self.lines[min(max(pos, 0), len(self.lines) - 1)]


@dataclass
class Document:
    path: Path
    sentences: list[Sentence]
    skipped: list[str] = field(default_factory=list)  # Dutch notes on what was left out
    unit: str = "regel"  # 'regel' (text line) or 'alinea' (.docx paragraph)
    n_lines: int = 0


def is_cell(line: str) -> bool:
    """A line that holds only values or codes, like a table cell or chart label."""
    s = line.strip()
    return bool(s) and not _WORD3.search(s)


def _select(lines: list[str], hard_every_line: bool) -> tuple[list[tuple[int, str] | None], list[str]]:
    """(line number, text) of the running text, None for a hard break; plus notes on skipped parts."""
    notes: list[str] = []
    end = len(lines)
    for i, line in enumerate(lines):
        if ANNEX_HEAD.match(line) and len(line.strip()) < 120:
            end = i
            last = max((j + 1 for j, x in enumerate(lines) if x.strip()), default=i + 1)
            notes.append(f"regels {i + 1}-{last}: bijlagen vanaf '{line.strip()[:60]}'")
            break
    nonempty = [i for i in range(end) if lines[i].strip()]
    skip: set[int] = set()
    run: list[int] = []
    n_regions = 0
    for i in nonempty + [None]:
        if i is not None and is_cell(lines[i]):
            run.append(i)
            continue
        if len(run) >= 2:
            skip.update(run)
            n_regions += 1
        run = []
    if n_regions:
        notes.append(f"{n_regions} tabel- of grafiekblokken in de tekst ({len(skip)} regels met alleen cijfers)")
    out: list[tuple[int, str] | None] = []
    for i in range(end):
        if i in skip:
            if out and out[-1] is not None:
                out.append(None)
            continue
        out.append((i + 1, lines[i]))
        if hard_every_line:
            out.append(None)
    return out, notes


def _stream(items: list[tuple[int, str] | None]) -> tuple[str, list[int]]:
    """Join the kept lines into one text with a line number per character."""
    chars: list[str] = []
    where: list[int] = []
    last = 1
    for item in items:
        if item is None:
            if chars and chars[-1] != "\n":
                chars += ["\n", "\n"]
                where += [last, last]
            continue
        ln, s = item
        s = s.strip()
        if not s:
            continue
        if (len(chars) >= 2 and chars[-1] == "-" and chars[-2].isalpha() and s[0].islower()):
            chars.pop()
            where.pop()
        elif chars and chars[-1] != "\n":
            chars.append(" ")
            where.append(ln)
        chars += list(s)
        where += [ln] * len(s)
        last = ln
    return "".join(chars), where


def _sentences(text: str, where: list[int]) -> list[Sentence]:
    out, start = [], 0
    for m in list(_SPLIT.finditer(text)) + [None]:
        stop = m.start() if m else len(text)
        chunk = text[start:stop]
        lead = len(chunk) - len(chunk.lstrip())
        chunk = chunk.strip()
        if chunk:
            out.append(Sentence(" ".join(chunk.split("\n")), where[start + lead: start + lead + len(chunk)]))
        if m:
            start = m.end()
    return out


def from_lines(lines: list[str], path: Path = Path("<tekst>"), paragraphs: bool = False) -> Document:
    items, notes = _select(lines, hard_every_line=paragraphs)
    text, where = _stream(items)
    return Document(path, _sentences(text, where), notes, "alinea" if paragraphs else "regel", len(lines))


def read(path: str | Path) -> Document:
    """Read a .txt (UTF-8), .docx or .pdf file; raise TextCheckError with one line on bad input."""
    path = Path(path)
    if not path.is_file():
        raise TextCheckError(f"{path}: bestand bestaat niet")
    if path.suffix.lower() == ".docx":
        try:
            d = docx.Document(str(path))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise TextCheckError(f"{path}: geen leesbaar .docx-bestand ({type(exc).__name__}: {exc})") from None
        except Exception as exc:  # python-docx raises its own PackageNotFoundError etc.
            raise TextCheckError(f"{path}: geen leesbaar .docx-bestand ({type(exc).__name__}: {exc})") from None
        paras = [p.text for p in d.paragraphs]
        doc = from_lines(paras, path, paragraphs=True)
        if d.tables:
            doc.skipped.append(f"{len(d.tables)} Word-tabel(len) niet gelezen (alleen alinea's worden gecontroleerd)")
        return doc
    if path.suffix.lower() == ".pdf":
        from analysis.textcheck.pdf import lines  # pypdf only when a PDF is read

        text_lines, n_pages = lines(path, TextCheckError)
        doc = from_lines(text_lines, path)
        doc.skipped.append(f"PDF: {n_pages} pagina's als tekst gelezen (pypdf); regelnummers zijn regels van die tekst")
        return doc
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TextCheckError(f"{path}: geen UTF-8-tekst (byte {exc.start}); geef een .txt in UTF-8, een .docx of een .pdf") from None
    if "\x00" in text[:4096]:
        raise TextCheckError(f"{path}: binair bestand; geef een .txt in UTF-8, een .docx of een .pdf")
    return from_lines(text.split("\n"), path)
