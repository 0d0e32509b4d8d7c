"""The schema contract of the CBS and PDOK sources: which measure keys a table must carry.

What is declared (and so required once the table is there):
- a complete KWB table of an edition (cache, download): every key the catalogue gives for that
  edition and income layout (`catalogue.expected_indicators`);
- a mirror extract (a column cut of a KWB table): the columns its loader reads
  (`cbs.MIRROR_KWB[...].columns`);
- the PDOK wijk- en buurtkaart attributes (wijken 2024, gemeenten 2012-2024): the fields the
  loaders map (`cbs.PDOK_WIJK_FIELDS`, `cbs.GEMEENTE_FIELDS`);
- CBS 83841NED (OData v4): the measure and dimension codes of the national low-income series.

A table that is there but lacks a declared key is an error naming file, table, edition and key:
CBS renames keys from edition to edition, and a silently dropped column is a wrong report. An
edition that is not there at all (not cached, not in the mirror, not downloadable) is another
matter: `cbs.observations` warns about it and goes on with the other editions.
"""
from __future__ import annotations

from analysis.core.errors import SourceError


class SchemaError(SourceError):
    """A source table lacks a key that its contract declares (renamed or dropped by CBS)."""


def missing_keys(present, expected: dict[str, str]) -> dict[str, str]:
    """The declared keys (key -> what it carries) that `present` lacks, in declaration order."""
    have = set(present)
    return {key: what for key, what in expected.items() if key not in have}


def message(where: str, missing: dict[str, str], unmatched=()) -> str:
    """One Dutch line: where (file: table, edition), the missing keys, and what else is there."""
    keys = ", ".join(f"{key} ({what})" if what and what != key else key for key, what in missing.items())
    noun = "sleutel" if len(missing) == 1 else "sleutels"
    verb = "ontbreekt" if len(missing) == 1 else "ontbreken"
    hint = ""
    if unmatched:
        hint = (f"; onbekende kolommen: {', '.join(list(unmatched)[:8])} (hernoemd door CBS? zet de nieuwe "
                "sleutel bij deze editie in catalogue.yml)")
    return f"{where}: {noun} {keys} {verb}{hint}"


def require(present, expected: dict[str, str], where: str, unmatched=()) -> None:
    """Raise SchemaError when a declared key (key -> indicator or meaning) is not in `present`."""
    missing = missing_keys(present, expected)
    if missing:
        raise SchemaError(message(where, missing, unmatched))
