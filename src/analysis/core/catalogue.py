"""The indicator catalogue: Dutch label, unit, precision, desired direction, provenance, and
which CBS key carries the indicator in which KWB edition (with the definitional breaks)."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import pandas as pd
import yaml

from analysis.core.errors import UnknownIndicatorError
from analysis.core.numbers import format_nl

FIELDS = ["label", "unit", "decimals", "direction", "opgave", "doel", "beleidskader", "bron", "cbs_key", "aliases",
          "note", "editions", "cbs_keys", "layout", "since", "until", "break", "replaced_by", "report_only",
          "peiljaar"]
LAYOUTS = ("old", "new")  # KWB income block before / after CBS's armoedegrens (re-published 85984NED)


def _edition_list(spec, ind: str) -> list[int]:
    """'2019-2025' -> [2019, ..., 2025]; also a single year or a list."""
    if spec is None:
        return []
    if isinstance(spec, int):
        return [spec]
    if isinstance(spec, list):
        return [int(y) for y in spec]
    m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", str(spec))
    if not m:
        raise ValueError(f"catalogue.yml: {ind}: editions must look like 2019-2025, not {spec!r}")
    return list(range(int(m.group(1)), int(m.group(2)) + 1))


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict]:
    data = yaml.safe_load(files("analysis.core").joinpath("catalogue.yml").read_text(encoding="utf-8"))
    for ind, entry in data.items():
        if entry.get("direction") not in ("higher", "lower", None):
            raise ValueError(f"catalogue.yml: {ind}: direction must be higher, lower or null")
        for key in ("label", "unit", "decimals"):
            if key not in entry:
                raise ValueError(f"catalogue.yml: {ind}: missing {key!r}")
        if entry.get("layout") not in (None, *LAYOUTS):
            raise ValueError(f"catalogue.yml: {ind}: layout must be one of {LAYOUTS}")
        _edition_list(entry.get("editions"), ind)
        rule = entry.get("peiljaar")
        if rule is not None and rule != "onbekend" and not (
                isinstance(rule, dict) and isinstance(rule.get("offset"), int) and isinstance(rule.get("peildatum"), str)):
            raise ValueError(f"catalogue.yml: {ind}: peiljaar must be 'onbekend' or {{offset: <int>, peildatum: <text>}}")
        for other in entry.get("replaced_by") or []:
            if other not in data:
                raise ValueError(f"catalogue.yml: {ind}: replaced_by names unknown indicator {other!r}")
    return data


def catalogue() -> pd.DataFrame:
    """All indicators as a table indexed by indicator id (FIELDS first, then any other keys)."""
    entries = _entries()
    extra = sorted({k for e in entries.values() for k in e} - set(FIELDS))
    df = pd.DataFrame.from_dict(entries, orient="index").reindex(columns=FIELDS + extra)
    df.index.name = "indicator"
    return df


def indicator(ind: str) -> dict:
    """One indicator's entry; unknown ids give an error listing close matches."""
    entries = _entries()
    if ind not in entries:
        import difflib

        close = difflib.get_close_matches(str(ind), list(entries), n=3, cutoff=0.5) or \
            [k for k in entries if str(ind).split("_")[0] in k][:3]
        hint = f"; bedoelt u: {', '.join(close)}?" if close else "; de indicatoren staan in catalogue.yml"
        raise UnknownIndicatorError(f"onbekende indicator {ind!r}{hint}")
    return {"id": ind, **{f: entries[ind].get(f) for f in FIELDS}, **{k: v for k, v in entries[ind].items()
                                                                     if k not in FIELDS}}


def label(ind: str) -> str:
    return indicator(ind)["label"]


def fmt(ind: str, value: float) -> str:
    """A value in Dutch notation at the indicator's published precision and unit."""
    e = indicator(ind)
    unit = e["unit"] if e["unit"] in ("%", "‰") else ""
    return format_nl(value, e["decimals"], unit)


# --- units as a reader sees them: once, on the values ---------------------------------------

def value_unit(ind: str) -> str:
    """The unit a value carries when shown ('%', 'per 1.000 geboortes', 'jaar'); '' for counts."""
    e = indicator(ind)
    if e.get("value_unit") is not None:
        return str(e["value_unit"])
    unit = e["unit"] or ""
    return {"aantal": "", "index": "", "jaren": "jaar", "per 1000": "per 1.000", "personen": "personen",
            "x 1.000 euro": "euro"}.get(unit, unit)


def value_text(ind: str, value: float) -> str:
    """A value in Dutch notation with its unit once: '25,0%', '142,0 per 1.000 geboortes', '€ 29.000'."""
    e = indicator(ind)
    unit = value_unit(ind)
    if e["unit"] == "x 1.000 euro":
        return "€ " + format_nl(float(value) * 1000, 0)
    if unit in ("%", "‰"):
        return fmt(ind, float(value))
    return format_nl(float(value), int(e["decimals"]), unit)


def reader_label(ind: str) -> str:
    """The label without the unit the values already carry (catalogue `short_label`, else `label`)."""
    e = indicator(ind)
    return str(e.get("short_label") or e["label"])


# --- editions, keys and breaks -----------------------------------------------------------

def editions(ind: str) -> list[int]:
    """KWB editions whose StatLine table carries the indicator (empty: not a KWB key)."""
    return _edition_list(indicator(ind)["editions"], ind)


def edition_key(ind: str, edition: int) -> str | None:
    """The CBS key (without numeric suffix) of `ind` in KWB `edition`, None if not published then."""
    e = indicator(ind)
    if not e["cbs_key"] or int(edition) not in editions(ind):
        return None
    return (e["cbs_keys"] or {}).get(int(edition), e["cbs_key"])


def keys_by_edition(edition: int) -> dict[str, str]:
    """Every key CBS uses for a catalogue indicator in `edition` -> indicator id."""
    out = {}
    for ind in _entries():
        key = edition_key(ind, edition)
        if key:
            out[key] = ind
    return out


def all_keys() -> dict[str, str]:
    """Every key of any edition (renamed keys included) -> indicator id."""
    out = {}
    for ind, e in _entries().items():
        for key in [e.get("cbs_key"), *(e.get("cbs_keys") or {}).values()]:
            if key:
                out[key] = ind
    return out


def detect_layout(keys) -> str:
    """'new' when a table carries a key of the armoedegrens block, else 'old'."""
    new = {_entries()[i]["cbs_key"] for i, e in _entries().items() if e.get("layout") == "new" and e.get("cbs_key")}
    return "new" if new & {re.sub(r"_\d+$", "", k) for k in keys} else "old"


def expected_indicators(edition: int, layout: str = "old") -> dict[str, str]:
    """Indicators a complete KWB table of `edition` in `layout` should carry: id -> key."""
    out = {}
    for ind, e in _entries().items():
        key = edition_key(ind, edition)
        if key and e.get("layout") in (None, layout):
            out[ind] = key
    return out


def breaks(ind: str) -> list[dict]:
    """Definitional breaks of an indicator: dicts with edition, kind ('ends'/'starts'), note, related."""
    e = indicator(ind)
    out = []
    if e.get("until") is not None:
        out.append({"edition": int(e["until"]), "kind": "ends", "note": e.get("break"),
                    "related": list(e.get("replaced_by") or [])})
    if e.get("since") is not None:
        replaces = [i for i, o in _entries().items() if ind in (o.get("replaced_by") or [])]
        out.append({"edition": int(e["since"]), "kind": "starts", "note": e.get("break"), "related": replaces})
    return out


def break_note(ind: str, years=None) -> str | None:
    """Dutch note for a chart or table whose series of `ind` (over `years`) meets a break, else None.

    A series that only starts at its break still gets the note: the reader must not read it as the
    continuation of the older measure.
    """
    bs = breaks(ind)
    if not bs:
        return None
    ys = sorted(int(y) for y in years) if years is not None else None
    notes = []
    for b in bs:
        if ys is not None:
            if b["kind"] == "ends" and ys[-1] < b["edition"]:
                continue
            if b["kind"] == "starts" and ys[-1] < b["edition"]:
                continue
        notes.append(b["note"] or f"Reeksbreuk in KWB {b['edition']}.")
    return " ".join(dict.fromkeys(notes)) or None


# --- the report's own inconsistencies ----------------------------------------------------

REPORT_NOTE_KEYS = ("topic", "text", "table", "data")


def report_notes(ind: str) -> list[dict]:
    """Inconsistencies of the printed report about `ind` (catalogue `report_notes:`): dicts with
    topic, text (what the running text says), table (what the annex table says) and data (which
    value the data use and why), all Dutch. Empty when the report is consistent."""
    notes = indicator(ind).get("report_notes") or []
    for i, n in enumerate(notes):
        missing = [k for k in REPORT_NOTE_KEYS if not (isinstance(n, dict) and n.get(k))]
        if missing:
            raise ValueError(f"catalogue.yml: {ind}: report_notes[{i}] mist {missing}")
    return [{k: str(n[k]) for k in REPORT_NOTE_KEYS} for n in notes]


def report_note_lines(ind: str) -> list[dict]:
    """Per report note the line numbers of the seed text extraction it rests on ({'text': [...],
    'table': [...]}); kept apart from the reader's text, which names section, table and a quote."""
    return [dict(n.get("lines") or {}) for n in (indicator(ind).get("report_notes") or [])]


def report_note_text(note: dict) -> str:
    """One report note as a Dutch paragraph: 'Rapport niet eenduidig (topic): text table data'."""
    return f"Rapport niet eenduidig ({note['topic']}): {note['text']} {note['table']} {note['data']}"
