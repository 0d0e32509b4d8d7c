"""The May 2025 report's own inconsistencies in the catalogue, each verified against the seed text."""
from __future__ import annotations

import re

import pytest

from analysis.core import catalogue, paths

SEED = paths.ROOT.parent / "shared" / "seeds" / "002_f4522cab5a867525.txt"

# indicator -> (text line, what it says), (table line, what the table says)
PLACES = {
    "volunteers_pct": ((966, "25,5%"), (3862, "24,5%")),
    "youth_care_pct": ((1097, "2023 (1-meting)"), (1605, "in 2024 (1-meting)")),
    "high_stress_pct": ((3584, "huishoudens dat"), (4142, "% inwoners dat (heel) veel stress ervaart")),
    "self_direction_pct": ((860, "18 jaar en ouder"), (3775, "19 jaar en ouder")),
    "loneliness_adults_pct": ((3231, "matig tot zeer ernstig"), (3777, "enigszins tot ernstig")),
    "loneliness_secondary_pupils_pct": ((3565, "respectievelijk"), (5984, "31,4% (10,8%")),
    "youth_neet_rate": ((2708, "per 10.000"), (4129, "per 1000")),
    "vulnerability_index": ((4123, "Kwetsbaarheidsindex"), (4569, "% kwetsbaarheidsindex")),
}


def quotes(text: str) -> list[str]:
    """The report's words a note quotes ('...'), split at an ellipsis."""
    return [p.strip() for q in re.findall(r"'([^']{12,})'", text) for p in q.split("...") if len(p.strip()) >= 8]


def flat(lines: list[str]) -> str:
    """Seed lines as running text: hyphenated line ends joined ('vrij- / willigers'), spaces single."""
    return re.sub(r"\s+", " ", re.sub(r"-\s*\n\s*(?=[a-z])", "", "\n".join(lines)))


@pytest.fixture(scope="module")
def seed_lines():
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("ind", sorted(PLACES))
def test_note_names_text_table_and_data_and_the_seed_agrees(ind, seed_lines):
    notes = catalogue.report_notes(ind)
    assert len(notes) == 1 and set(notes[0]) == {"topic", "text", "table", "data"}
    (tl, tw), (bl, bw) = PLACES[ind]
    assert tw in seed_lines[tl - 1] and bw in seed_lines[bl - 1]
    n = notes[0]
    lines = catalogue.report_note_lines(ind)[0]
    assert tl in lines["text"] and bl in lines["table"]
    # a reader finds the place by section, table and quote, never by a line of a text extraction
    assert not re.search(r"\bregels?\s+\d", catalogue.report_note_text(n)), n
    assert re.search(r"§\d\.\d|Bijlage \d", n["text"] + n["table"])
    found = quotes(n["text"] + " " + n["table"])
    assert found, n
    near = flat(seed_lines[min(lines["text"] + lines["table"]) - 4:max(lines["text"] + lines["table"]) + 3])
    everywhere = flat(seed_lines)
    for q in found:
        assert q in near or q in everywhere, q
    assert n["data"].startswith("De data ")
    assert catalogue.report_note_text(n).startswith(f"Rapport niet eenduidig ({n['topic']})")


def test_consistent_kpis_have_no_notes():
    assert catalogue.report_notes("debt_signals_count") == []
