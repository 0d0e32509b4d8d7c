"""The indicator catalogue: Dutch label, unit, precision, desired direction and provenance."""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import pandas as pd
import yaml

from analysis.errors import UnknownIndicatorError
from analysis.numbers import format_nl

FIELDS = ["label", "unit", "decimals", "direction", "opgave", "doel", "beleidskader", "bron", "cbs_key", "aliases", "note", "report_only"]


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict]:
    data = yaml.safe_load(files("analysis").joinpath("catalogue.yml").read_text(encoding="utf-8"))
    for ind, entry in data.items():
        if entry.get("direction") not in ("higher", "lower", None):
            raise ValueError(f"catalogue.yml: {ind}: direction must be higher, lower or null")
        for key in ("label", "unit", "decimals"):
            if key not in entry:
                raise ValueError(f"catalogue.yml: {ind}: missing {key!r}")
    return data


def catalogue() -> pd.DataFrame:
    """All indicators as a table indexed by indicator id."""
    df = pd.DataFrame.from_dict(_entries(), orient="index").reindex(columns=FIELDS)
    df.index.name = "indicator"
    return df


def indicator(ind: str) -> dict:
    """One indicator's entry; unknown ids give an error listing close matches."""
    entries = _entries()
    if ind not in entries:
        close = [k for k in entries if ind.split("_")[0] in k][:8]
        raise UnknownIndicatorError(f"unknown indicator {ind!r}; similar: {close or sorted(entries)[:8]}")
    return {"id": ind, **{f: entries[ind].get(f) for f in FIELDS}}


def label(ind: str) -> str:
    return indicator(ind)["label"]


def fmt(ind: str, value: float) -> str:
    """A value in Dutch notation at the indicator's published precision and unit."""
    e = indicator(ind)
    unit = e["unit"] if e["unit"] in ("%", "‰") else ""
    return format_nl(value, e["decimals"], unit)
