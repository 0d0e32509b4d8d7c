"""The observation schema, declared once in observations.yml (columns, dtypes, key), and its check.

`check` is what the build enforces: a missing column, a column of the wrong dtype, an empty
required cell or a duplicate key stops the build with one line naming the column or the key.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.core.errors import SourceError

SCHEMA_FILE = Path(__file__).with_name("observations.yml")
TYPES = {"string", "integer", "number"}


class ObservationSchemaError(SourceError):
    """The observation table differs from its declared schema."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Schema:
    name: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def check(self, df: pd.DataFrame) -> pd.DataFrame:
        """`df` if it follows the schema; else ObservationSchemaError naming the column or key."""
        for f in self.fields:
            if f.name not in df.columns:
                raise ObservationSchemaError(f"{self.name}: kolom {f.name!r} ontbreekt")
            problem = _dtype_problem(df[f.name], f.type)
            if problem:
                raise ObservationSchemaError(f"{self.name}: kolom {f.name!r} heeft niet het type {f.type}: {problem}")
            if f.required and df[f.name].isna().any():
                row = df[df[f.name].isna()].iloc[0]
                where = {k: _plain(row[k]) for k in self.primary_key if k in df.columns and k != f.name}
                raise ObservationSchemaError(f"{self.name}: kolom {f.name!r} is leeg bij {where}")
        extra = [c for c in df.columns if c not in self.columns]
        if extra:
            raise ObservationSchemaError(f"{self.name}: kolom(men) {extra} staan niet in het schema ({SCHEMA_FILE.name})")
        key = list(self.primary_key)
        dup = df.duplicated(key, keep=False)
        if dup.any():
            first = {k: _plain(v) for k, v in df.loc[dup, key].iloc[0].items()}
            raise ObservationSchemaError(f"{self.name}: sleutel {', '.join(key)} dubbel: {first} "
                                         f"({int(dup.sum())} rijen)")
        return df


def _plain(v):
    """A cell as a reader wants it in a message: None for missing, 1 not np.int64(1)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def _dtype_problem(col: pd.Series, kind: str) -> str | None:
    """Why `col` is not of the declared `kind` (None if it is)."""
    if kind == "integer":
        return None if isinstance(col.dtype, pd.Int64Dtype) else f"dtype {col.dtype}, verwacht Int64"
    if kind == "number":
        return None if col.dtype == "float64" else f"dtype {col.dtype}, verwacht float64"
    if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        return None
    if pd.api.types.is_object_dtype(col.dtype):
        bad = col[col.notna() & ~col.map(lambda v: isinstance(v, str))]
        return None if bad.empty else f"waarde {bad.iloc[0]!r} (rij {bad.index[0]}) is geen tekst"
    return f"dtype {col.dtype}, verwacht tekst"


@lru_cache(maxsize=1)
def observations() -> Schema:
    """The observation schema from observations.yml (checked: known types, key columns declared)."""
    spec = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    fields = tuple(Field(f["name"], f["type"], bool(f.get("required", False)), f.get("description", ""))
                   for f in spec["fields"])
    names = [f.name for f in fields]
    bad = [f"{f.name}: {f.type}" for f in fields if f.type not in TYPES]
    unknown_key = [k for k in spec["primary_key"] if k not in names]
    if bad or unknown_key or len(set(names)) != len(names):
        raise ObservationSchemaError(f"{SCHEMA_FILE}: onbekend type {bad}, sleutel buiten de kolommen "
                                     f"{unknown_key} of een kolom dubbel")
    return Schema(spec["name"], fields, tuple(spec["primary_key"]))
