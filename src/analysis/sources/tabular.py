"""Delimited text read strictly: every record as wide as the header, or one line naming the record."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from analysis.core.errors import SourceError


def strict_table(text: str, path: Path, delimiter: str = ",", record: str = "line", dtype=object) -> pd.DataFrame:
    """Header + records as strings; a record with another number of fields (a file cut off) is an error."""
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
    if len(rows) < 2:
        raise SourceError(f"{path}: no data rows")
    width = len(rows[0])
    for n, r in enumerate(rows[1:], start=2):
        if len(r) != width:
            raise SourceError(f"{path}: {record} {n} has {len(r)} fields, the header {width} (file cut off?)")
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=dtype)
