"""The next report's annex tables: `python -m analysis tabellen [--gemeente GM…]`.

Writes `reports/<GM>/tabellen/bijlagen.xlsx` and `bijlagen.docx` in the printed report's layout
(`analysis.pages.annex`, driven by `data/raw/<GM>/bijlagen.yml`) and a CSV per KPI set
(`bijlage_<set>.csv`: KPI rows, a column per area and meting present, beweging, unit and bron).
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from analysis.build import monitors, observations
from analysis.core import paths
from analysis.core.atomic import write_text_atomic
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import SourceError
from analysis.pages import annex
from analysis.rules import trends

WORKBOOK = "bijlagen.xlsx"  # written by analysis.pages.annex


def _sheet_name(kpi_set) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", kpi_set.table)[:31]


def sheets(gemeentecode: str, obs: pd.DataFrame | None = None, judgements: pd.DataFrame | None = None) -> dict:
    """KPI set id -> (kpi_set, numeric table, indicator per row) for every KPI set of the monitor."""
    monitor = monitors.load(gemeentecode)
    obs = observations.load(gemeentecode) if obs is None else obs
    if judgements is None:
        judgements = observations.load_judgements(gemeentecode)
    out = {}
    for k in monitor.kpi_sets:
        t = trends.kpi_table(obs, judgements, monitor, k.id, numeric=True)
        labels = {catalogue_entry(i)["label"]: i for i in k.indicators}
        inds = [labels[idx[0] if isinstance(idx, tuple) else idx] for idx in t.index]
        out[k.id] = (k, t.reset_index(), inds)
    return out


def write_workbook(gemeentecode: str, out_dir: Path | None = None, **kw) -> dict[str, Path]:
    """Write the annex in the report's layout (bijlagen.xlsx, bijlagen.docx, see `analysis.pages.annex`)
    and a CSV per KPI set; returns the paths written ('workbook', 'word', and one per KPI set)."""
    monitor = monitors.load(gemeentecode)
    if monitor.is_cbs_only:
        raise SourceError(f"{gemeentecode}: geen monitor.yml met KPI-sets in {paths.gemeente_raw_dir(gemeentecode)}; "
                          "er zijn geen bijlagetabellen te maken")
    out_dir = Path(out_dir or paths.reports_dir(gemeentecode) / "tabellen")
    obs = kw.get("obs")
    obs = observations.load(gemeentecode) if obs is None else obs
    judgements = kw.get("judgements")
    judgements = observations.load_judgements(gemeentecode) if judgements is None else judgements
    written = {}
    for set_id, (k, t, inds) in sheets(gemeentecode, obs, judgements).items():
        text = t.to_csv(index=False, sep=";", decimal=",", float_format="%.10g")
        written[set_id] = write_text_atomic(out_dir / f"bijlage_{set_id}.csv", text)
    written.update(annex.write(monitor, obs, judgements, out_dir))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis tabellen",
                                     description="Bijlagetabellen (Excel, Word en CSV) voor de volgende voortgangsrapportage")
    parser.add_argument("--gemeente", default=None, help="CBS-gemeentecode, bijv. GM0000 (standaard: elke gemeente met een monitor.yml)")
    parser.add_argument("--out", default=None, help="map voor de tabellen (standaard reports/<GM>/tabellen)")
    args = parser.parse_args(argv)
    codes = [args.gemeente] if args.gemeente else sorted(
        p.name for p in paths.RAW_DIR.glob("GM*") if (p / monitors.MONITOR_FILE).is_file())
    for code in codes:
        for path in write_workbook(code, args.out).values():
            print(f"geschreven: {path}")
    return 0
