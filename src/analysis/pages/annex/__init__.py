"""The annex tables of the next Voortgangsrapportage in the printed report's layout.

`layout` reads `data/raw/<GM>/bijlagen.yml` (or makes one table per KPI set), `model` builds the
rows and cells from the observations, `workbook` writes `bijlagen.xlsx`, `word` `bijlagen.docx`.
Called by `python -m analysis tabellen` (see `analysis.pages.tables`).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.pages.annex import layout as layout_mod
from analysis.pages.annex import model, word, workbook

WORKBOOK = "bijlagen.xlsx"
WORD = "bijlagen.docx"


def build(monitor, obs: pd.DataFrame, judgements: pd.DataFrame | None) -> list[model.Table]:
    return model.tables(obs, judgements, monitor, layout_mod.load(monitor))


def write(monitor, obs: pd.DataFrame, judgements: pd.DataFrame | None, out_dir: Path) -> dict[str, Path]:
    """Write bijlagen.xlsx and bijlagen.docx into `out_dir`; returns {'workbook': …, 'word': …}."""
    tables = build(monitor, obs, judgements)
    title = f"Bijlagen: overzicht metingen KPI's ({monitor.name})"
    return {"workbook": workbook.write(tables, Path(out_dir) / WORKBOOK),
            "word": word.write(tables, Path(out_dir) / WORD, title)}
