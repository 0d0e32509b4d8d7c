"""Source facts from sources.yml (tables, editions, mirror files, years), read once."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from analysis.core.errors import SourceError

FACTS_FILE = Path(__file__).with_name("sources.yml")


@lru_cache(maxsize=1)
def _all() -> dict:
    return yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))


def of(source: str) -> dict:
    """The facts of one source ('cbs_kwb', 'cbs_v4', 'pdok')."""
    facts = _all()
    if source not in facts:
        raise SourceError(f"{FACTS_FILE}: geen bron {source!r} (wel: {', '.join(sorted(facts))})")
    return facts[source]
