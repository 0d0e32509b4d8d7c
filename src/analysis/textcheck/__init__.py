"""Check a report's running text against the data: `python -m analysis check-text FILE`.

Finds every KPI value, trend ('gestegen', 'gedaald', 'gelijk gebleven') and comparison with
Nederland ('boven/onder het landelijk gemiddelde') in the prose of a report (.txt extracted
from a PDF, .pdf, or .docx), links it to a catalogue indicator (the `phrases:` of catalogue.yml),
an area and a meting/year, and compares it with the observations at the printed precision.
Annexes and table regions are skipped (see `textcheck.document`). Verdicts: agrees,
disagrees (only when indicator, area and period are unambiguous), not_checkable.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pandas as pd
import yaml

from analysis.build import gemeenten as gm_mod  # (callers' lists of codes are called gemeenten)
from analysis.build import observations
from analysis.core.areas import NL_CODE, check_gemeentecode
from analysis.core.atomic import write_atomic
from analysis.core.errors import UnknownAreaError, WijkmonitorError
from analysis.textcheck import kinds
from analysis.textcheck.document import Document, TextCheckError, from_lines, read
from analysis.textcheck.extract import Linker
from analysis.textcheck.verify import Checker

COLUMNS = ["line", "kpi", "area", "text_value", "data_value", "verdict", "explanation"]
VERDICTS = ("agrees", "disagrees", "not_checkable")

__all__ = ["COLUMNS", "Result", "check", "check_document", "cli", "load_observations", "read", "from_lines"]


@dataclass
class Result:
    document: Document
    table: pd.DataFrame  # COLUMNS
    gemeenten: list[str]

    def counts(self) -> dict[str, int]:
        c = self.table["verdict"].value_counts()
        return {"found": len(self.table), **{v: int(c.get(v, 0)) for v in VERDICTS}}


def catalogue_entries() -> dict[str, dict]:
    return yaml.safe_load(files("analysis.core").joinpath("catalogue.yml").read_text(encoding="utf-8"))


def load_observations(gemeentecode: str) -> pd.DataFrame:
    """The gemeente's observations (its current processed generation)."""
    return observations.load(gemeentecode)


def _names(obs: pd.DataFrame, gemeenten: list[str]) -> dict[str, str]:
    """area code -> name for the gemeenten, their wijken and Nederland."""
    names = {NL_CODE: "Nederland"}
    for gm in gemeenten:
        names[gm] = gm_mod.name(gm)
        w = gm_mod.wijken(gm)
        names.update(dict(zip(w["wijkcode"], w["wijknaam"])))
    prefixes = tuple("WK" + gm[2:] for gm in gemeenten)
    known = obs.dropna(subset=["area_name"]).drop_duplicates("area_code")
    for code, name in zip(known["area_code"], known["area_name"]):
        if code in gemeenten or str(code).startswith(prefixes):
            names.setdefault(code, name)
    return names


def _known_gemeenten(obs: pd.DataFrame) -> dict[str, str]:
    """Every gemeente of the boundary data, by code."""
    return {c: gm_mod.name(c) for c in gm_mod.codes()}


def detect_gemeente(doc: Document, obs: pd.DataFrame | None = None) -> str:
    """The gemeente named most often in the running text (at least three times), among every
    gemeente of the boundary data (or of `obs`)."""
    text = " ".join(s.text for s in doc.sentences)
    known = _known_gemeenten(obs) if obs is not None else {c: gm_mod.name(c) for c in gm_mod.codes()}
    counts = {c: len(re.findall(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text))
              for c, n in known.items() if n}
    best = max(counts, key=counts.get, default=None)
    if best is None or counts[best] < 3:
        raise UnknownAreaError(f"{doc.path}: geen gemeente herkend in de tekst; geef --gemeente GM0000")
    return best


def check_document(doc: Document, gemeenten: list[str] | None = None, obs: pd.DataFrame | None = None) -> Result:
    """Check a read document; `obs` defaults to the observations of the (first) gemeente."""
    if obs is None:
        if not gemeenten:
            raise UnknownAreaError(f"{doc.path}: geef --gemeente GM0000")
        obs = pd.concat([load_observations(g) for g in gemeenten], ignore_index=True).drop_duplicates()
    if not gemeenten:
        gemeenten = [detect_gemeente(doc, obs)]
    known = _known_gemeenten(obs)
    for gm in gemeenten:
        if gm not in known and gm not in set(obs["area_code"]):
            raise UnknownAreaError(f"onbekende gemeente {gm}: niet in de gegevens")
    names = _names(obs, gemeenten)
    prefixes = tuple("WK" + gm[2:] for gm in gemeenten)
    obs = obs[obs["area_code"].isin(set(gemeenten) | {NL_CODE}) | obs["area_code"].astype(str).str.startswith(prefixes)]
    entries = catalogue_entries()
    phrases = {ind: [str(p) for p in (e.get("phrases") or [])] for ind, e in entries.items()}
    units = {ind: e.get("unit", "") for ind, e in entries.items()}
    area_lookup = {name: code for code, name in names.items() if code != NL_CODE and name}
    labels = {ind: e.get("label", "") for ind, e in entries.items()}
    others = [n for c, n in known.items() if c not in gemeenten]
    linker = Linker(phrases, units, area_lookup, gemeenten[0] if len(gemeenten) == 1 else None, labels, others)
    checker = Checker(obs, entries, names)
    items = linker.items(doc.sentences)
    rows = kinds.refine(items, [checker.check(it) for it in items], doc.sentences, linker, checker)
    table = pd.DataFrame(rows, columns=COLUMNS).sort_values("line", kind="stable").reset_index(drop=True)
    return Result(doc, table, gemeenten)


def check(path: str | Path, gemeenten: list[str] | None = None, obs: pd.DataFrame | None = None) -> Result:
    return check_document(read(path), gemeenten, obs)


def summary(res: Result, csv_path: Path | None) -> str:
    c = res.counts()
    doc = res.document
    unit = "alinea" if doc.unit == "alinea" else "regel"
    out = [f"{doc.path.name}: {c['found']} uitspraken over KPI-waarden gevonden "
           f"(gemeente {', '.join(res.gemeenten)}): {c['agrees']} kloppen, {c['disagrees']} wijken af, "
           f"{c['not_checkable']} niet te controleren."]
    out += [f"  overgeslagen: {s}" for s in doc.skipped]
    dis = res.table[res.table["verdict"] == "disagrees"]
    if len(dis):
        out.append("Afwijkingen:")
        out += [f"  {unit} {r.line}: {r.explanation}" for r in dis.itertuples()]
    if csv_path:
        out.append(f"Alle uitspraken: {csv_path}")
    return "\n".join(out)


def cli(argv: list[str] | None = None) -> int:
    """`check-text FILE [--gemeente GM…] [--csv OUT]`: 0 after reporting, 2 on bad input."""
    p = argparse.ArgumentParser(prog="python -m analysis check-text",
                                description="Controleer de cijfers in de lopende tekst van een rapport tegen de data.")
    p.add_argument("file", help="rapporttekst: .txt (uit een PDF), .docx of .pdf")
    p.add_argument("--gemeente", nargs="+", default=None, help="gemeentecode(s), bv. GM0000 (standaard: herkend in de tekst)")
    p.add_argument("--csv", default=None, help="CSV met alle uitspraken (standaard: <bestand>.check-text.csv hier)")
    args = p.parse_args(argv)
    try:
        gms = [check_gemeentecode(g) for g in args.gemeente] if args.gemeente else None
        doc = read(args.file)
        obs = None
        if gms is None:
            gms = [detect_gemeente(doc)]
        res = check_document(doc, gms, obs)
        csv_path = Path(args.csv) if args.csv else Path.cwd() / f"{Path(args.file).stem}.check-text.csv"
        write_atomic(csv_path, lambda t: res.table.to_csv(t, index=False))
        print(summary(res, csv_path))
        return 0
    except (WijkmonitorError, TextCheckError) as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 2
