"""More kinds of statement, judged after the first pass (`extract` + `verify`):

- fractions in words ("1 op de 4", "een derde", "de helft", "een kwart") against the data, or
  against a percentage printed in the same sentence when no KPI is named;
- trend claims against printed values: "gestegen"/"licht dalend" where the printed values are
  equal or move the other way;
- back-references ("de eerste twee percentages", "deze percentages", "deze cijfers", "beide"):
  resolved to the KPIs of the passage just before, and each judged;
- "respectievelijk" lists whose values are groups (2e- en 4e-klassers), where the data hold the
  same numbers as metingen of one KPI;
- comparisons with "het landelijk gemiddelde" where Nederland has no value for the year of the
  gemeente's value, only for another year.

Every row explains itself with the data value, its year or meting and its source; a
`not_checkable` says why.
"""
from __future__ import annotations

import copy
import re

import pandas as pd

from analysis.core.catalogue import report_notes
from analysis.core.numbers import format_nl
from analysis.textcheck.document import Sentence
from analysis.textcheck.extract import NL_CODE, Item, Linker
from analysis.textcheck.verify import CLAIM_WORDS, Checker

# --- fractions in words -------------------------------------------------------------------
_WORDS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
          "negen": 9, "tien": 10}
_N = r"(\d{1,2}|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien)"
FRACTION = re.compile(
    rf"\b(?P<a>{_N})\s+op\s+(?:de|elke|iedere)\s+(?P<b>{_N})\b"
    r"|\b(?P<word>(?:een|één|twee)\s*derde|(?:een|één|drie)\s*kwart|driekwart|de\s+helft|een\s+vijfde)\b"
    r"(?!\s+(?:van\s+)?(?:(?:19|20)\d{2}|jaar|eeuw))", re.I)
_WORD_VALUES = {"eenderde": 100 / 3, "éénderde": 100 / 3, "tweederde": 200 / 3, "eenkwart": 25.0, "éénkwart": 25.0,
                "driekwart": 75.0, "dehelft": 50.0, "eenvijfde": 20.0}
_TIME_HALF = re.compile(r"\b(?:eerste|tweede)\s+$", re.I)  # 'de eerste helft van 2025' is a period
_APPROX = re.compile(r"\b(?:ongeveer|circa|ruim|bijna|zo'n|rond|nagenoeg)\s+$", re.I)
TOLERANCE_PP = 3.0  # a fraction in words is a rounding: '1 op de 4' stands for roughly 22-28%
# 'De helft van de huishoudens met bijstand heeft kinderen' is a share within the KPI's group,
# not the KPI's value: the KPI must follow the fraction, with a verb between them or no 'van'.
_VERB = re.compile(r"\b(?:is|zijn|was|waren|heeft|hebben|had|doet|doen|deed|geeft|geven|ervaart|ervaren|voelt|"
                   r"voelen|leeft|leven|ontvangt|ontvangen|woont|wonen|werkt|werken|kampt|kampen)\b", re.I)

# --- back-references, groups ----------------------------------------------------------------
BACKREF = re.compile(r"\b(?:de\s+(?P<pos>eerste|laatste)\s+(?P<n>twee|drie)(?:\s+(?P<what>percentages|cijfers))?"
                     r"|deze\s+(?P<what2>percentages|cijfers)|beide\s+(?:percentages|cijfers))\b", re.I)
_GROUPS = re.compile(r"\b((?:[\w-]+\s+en\s+)?[\w-]*(?:klassers|jarigen|jongens|meisjes|mannen|vrouwen))\b", re.I)
_LIGHT = re.compile(r"\blicht(?:e)?\s+$", re.I)


def _fraction_value(m: re.Match) -> float | None:
    if m.group("word"):
        return _WORD_VALUES.get(re.sub(r"\s+", "", m.group("word").lower()))
    a, b = (int(_WORDS.get(x.lower(), x)) for x in (m.group("a"), m.group("b")))
    return 100.0 * a / b if b and a < b else None


def _pct(v: float) -> str:
    return format_nl(v, 1 if abs(v - round(v)) > 0.05 else 0, "%")


class Kinds:
    def __init__(self, checker: Checker, linker: Linker, sentences: list[Sentence]):
        self.c, self.linker, self.sentences = checker, linker, sentences

    # --- helpers -----------------------------------------------------------------------------
    def where(self, area: str | None) -> str:
        return self.c.area_names.get(area, area or "")

    def shown(self, ind: str, rows) -> str:
        """'17% (0-meting 2022, Bijlage 2A)' for every value in `rows`."""
        out = []
        for r in rows.itertuples():
            when = " ".join(x for x in (f"{int(r.meting)}-meting" if not pd.isna(r.meting) else "",
                                        str(int(r.year)) if not pd.isna(r.year) else "") if x)
            out.append(f"{self.c.fmt(ind, r.value)} ({', '.join(x for x in (when or 'zonder jaar', r.label) if x)})")
        return "; ".join(dict.fromkeys(out))

    @staticmethod
    def row(it_line: int, kpi: str, area: str, text: str, data: str, verdict: str, why: str) -> dict:
        return {"line": it_line, "kpi": kpi or "", "area": area, "text_value": text, "data_value": data,
                "verdict": verdict, "explanation": why}

    # --- fractions ---------------------------------------------------------------------------
    def fractions(self) -> list[dict]:
        rows = []
        for k, s in enumerate(self.sentences):
            for m in FRACTION.finditer(s.text):
                if m.group("word") and _TIME_HALF.search(s.text[:m.start()]):
                    continue
                v = _fraction_value(m)
                if v is None:
                    continue
                rows.append(self.fraction(s, m, v))
        return rows

    def fraction(self, s: Sentence, m: re.Match, v: float) -> dict:
        line, text = s.line_at(m.start()), m.group(0)
        approx = _APPROX.search(s.text[:m.start()])
        phrases = self.linker._phrases(s)
        inds = {p[2] for p in phrases}
        area = self.linker.default_area
        # A percentage printed in the same sentence ('een kwart … (25,6%, gemeten in 2024)').
        pct = re.search(r"(\d+(?:,\d+)?)\s*%", s.text)
        lead = f"'{text}' ≈ {_pct(v)}"
        if len(inds) != 1:
            why = "geen KPI uit de catalogus in de zin" if not inds else "meer dan één KPI in de zin"
            if pct:
                p = float(pct.group(1).replace(",", "."))
                ok = abs(p - v) <= TOLERANCE_PP
                why += (f"; {lead} {'past bij' if ok else 'past niet bij'} {pct.group(0)} in dezelfde zin "
                        f"(regel {s.line_at(pct.start())})")
            return self.row(line, "", self.where(area), text, "", "not_checkable", f"{lead}: {why}")
        ind = next(iter(inds))
        start = min(p[0] for p in phrases)
        between = s.text[m.end():start]
        if start < m.end() or (re.search(r"\bvan\b", between, re.I) and not _VERB.search(between)):
            return self.row(line, ind, self.where(area), text, "", "not_checkable",
                            f"{lead}: een aandeel binnen de groep van {self.c.label(ind)}, niet de waarde van de KPI")
        data = self.c.rows(ind, area)
        if data.empty:
            return self.row(line, ind, self.where(area), text, "", "not_checkable",
                            f"{lead}: geen gegevens voor {self.c.label(ind)} in {self.where(area)}")
        shown = self.shown(ind, data)
        close = [r for r in data.itertuples() if abs(float(r.value) - v) <= TOLERANCE_PP]
        head = f"{self.c.label(ind)} ({self.where(area)}): {lead}{' (benadering)' if approx else ''}"
        if close:
            return self.row(line, ind, self.where(area), text, shown, "agrees",
                            f"{head} klopt met {self.shown(ind, data[data['value'].isin([r.value for r in close])])}")
        if self.c.cat.get(ind, {}).get("unit") not in ("%", "per 100"):
            return self.row(line, ind, self.where(area), text, shown, "not_checkable",
                            f"{head}: de KPI is geen percentage ({self.c.cat.get(ind, {}).get('unit')})")
        # No value of any year is near: whatever period the text means, it disagrees.
        return self.row(line, ind, self.where(area), text, shown, "disagrees",
                        f"{head}; data: {shown} (geen enkel jaar binnen {format_nl(TOLERANCE_PP, 0)} procentpunt)")

    # --- back-references ---------------------------------------------------------------------
    def passage(self, items: list[Item], k: int) -> list[Item]:
        """Values of the run of sentences with values just before sentence `k` (at most 10)."""
        by_sentence: dict[int, list[Item]] = {}
        for it in items:
            if it.kind == "value" and it.indicator:
                by_sentence.setdefault(it.sentence, []).append(it)
        out: list[Item] = []
        j = k - 1
        while j >= 0 and k - j <= 10 and j in by_sentence:
            out = by_sentence[j] + out
            j -= 1
        return out

    def referenced(self, s: Sentence, items: list[Item], k: int) -> tuple[list[str], list[Item], str] | None:
        m = BACKREF.search(s.text)
        if not m:
            return None
        values = self.passage(items, k)
        what = (m.group("what") or m.group("what2") or "").lower()
        if what == "percentages" or (m.group("n") and not what):
            values = [v for v in values if v.unit == "%"]
        inds = list(dict.fromkeys(v.indicator for v in values))
        if m.group("n"):
            n = {"twee": 2, "drie": 3}[m.group("n").lower()]
            inds = inds[:n] if m.group("pos").lower() == "eerste" else inds[-n:]
        elif m.group(0).lower().startswith("beide") and len(inds) != 2:
            return [], values, m.group(0)
        return inds, values, m.group(0)

    def backref(self, it: Item, items: list[Item]) -> list[dict] | None:
        s = self.sentences[it.sentence]
        ref = self.referenced(s, items, it.sentence)
        if ref is None:
            return None
        inds, values, phrase = ref
        if not inds:
            return [self.row(it.line, "", self.where(it.area), self._claim_text(it), "", "not_checkable",
                             f"'{phrase}' verwijst naar eerdere cijfers, maar de vorige zinnen noemen geen passende KPI's")]
        names = ", ".join(self.c.label(i) for i in inds)
        out = []
        for ind in inds:
            own = [v for v in values if v.indicator == ind]
            new = copy.copy(it)
            new.indicator, new.ind_strong = ind, True
            new.area = own[-1].area
            new.area_strong = own[-1].area_strong
            new.notes = [n for n in it.notes if "meerdere eerdere" not in n]
            new.refs = [own[0], own[-1]] if it.kind == "trend" else [own[-1]]
            if it.kind == "trend" and len({(v.period.year, v.period.meting) for v in own}) < 2:
                out.append(self.row(it.line, ind, self.where(new.area), self._claim_text(it), "", "not_checkable",
                                    f"'{phrase}' = {names}: voor {self.c.label(ind)} noemt de tekst maar één periode"))
                continue
            r = self.c.check(new)
            if it.kind == "trend":
                r = self.flat(new, r)
            claim = self._claim_text(it)
            r["text_value"] = claim
            expl = r["explanation"].replace(f"tekst: {CLAIM_WORDS.get(it.claim)};", f"tekst: {claim};")
            if r["data_value"]:
                expl += f"; bron: {self.source(ind, new.area)}"
            r["explanation"] = f"'{phrase}' = {names}: " + expl
            out.append(r)
        return out

    def _claim_text(self, it: Item) -> str:
        s = self.sentences[it.sentence].text
        word = CLAIM_WORDS.get(it.claim, it.text)
        if it.kind == "trend" and _LIGHT.search(s[:it.pos]):
            return f"licht {word}" if it.claim in ("up", "down") else word
        return word

    # --- trend against equal printed values --------------------------------------------------
    def flat(self, it: Item, row: dict) -> dict:
        """'gestegen'/'gedaald' where the printed values are equal: a disagreement when linked firmly."""
        if row["verdict"] != "not_checkable" or not row["explanation"].startswith("op de gedrukte precisie gelijk"):
            return row
        strong = it.ind_strong and it.area_strong and all(r.period.strong for r in it.refs)
        if not strong:
            return row
        claim = self._claim_text(it)
        row = dict(row)
        row["verdict"] = "disagrees"
        row["explanation"] = (f"tekst: {claim}; data: op de gedrukte precisie gelijk gebleven "
                              f"({row['data_value']}, {self.source(it.indicator, it.area)})")
        return row

    def source(self, ind: str, area: str) -> str:
        r = self.c.rows(ind, area)
        return ", ".join(sorted({x for lab in r["label"] for x in lab.split(", ")})) or "data"

    # --- 'respectievelijk' lists of groups ---------------------------------------------------
    def groups(self, its: list[Item]) -> dict | None:
        """One row for a 'respectievelijk' list of values for groups of one KPI, without a year."""
        s = self.sentences[its[0].sentence]
        g = _GROUPS.findall(s.text)
        ind = its[0].indicator
        if "respectievelijk" not in s.text.lower() or not ind or any(i.indicator != ind for i in its):
            return None
        if any(i.period.year is not None or i.period.meting is not None for i in its):
            return None
        text = " en ".join(i.text for i in its)
        groups = " en ".join(dict.fromkeys(" ".join(x.split()) for x in g)) or "verschillende groepen"
        data = self.c.rows(ind, its[0].area)
        hits = []
        for i in its:
            sel = data[[self.c.close(i.value, i.decimals, v, self.c.data_decimals(ind, v)) for v in data["value"]]]
            hits.append(sel)
        shown = "; ".join(self.shown(ind, h) for h in hits if len(h))
        metingen = [set(h["meting"].dropna().astype(int)) for h in hits]
        head = f"{self.c.label(ind)} ({self.where(its[0].area)}): tekst {text} 'respectievelijk' voor {groups}, op één moment"
        if all(len(h) for h in hits) and all(len(m) == 1 for m in metingen) and len(set.union(*metingen)) == len(hits):
            notes = [n["topic"] for n in report_notes(ind)]
            return self.row(its[0].line, ind, self.where(its[0].area), text, shown, "disagrees",
                            f"{head}; data: dezelfde getallen als verschillende metingen van één KPI ({shown}): "
                            "de tabel leest groepen als metingen"
                            + (f" (catalogus: rapport niet eenduidig, {notes[0]})" if notes else ""))
        return self.row(its[0].line, ind, self.where(its[0].area), text, shown, "not_checkable",
                        f"{head}; de data hebben geen cijfers per groep" + (f" (wel: {shown})" if shown else ""))

    # --- the national value of another year --------------------------------------------------
    def other_year(self, it: Item, row: dict) -> dict:
        if row["verdict"] != "not_checkable" or not it.refs or not it.indicator or it.area in (None, NL_CODE):
            return row
        p = it.refs[-1].period
        a, _ = self.c.at(it.indicator, it.area, p)
        n, _ = self.c.at(it.indicator, NL_CODE, p)
        if a.empty or a["value"].nunique() != 1 or not n.empty:
            return row
        nl = self.c.rows(it.indicator, NL_CODE).dropna(subset=["year"])
        if nl.empty:
            return row
        year = int(a["year"].dropna().iloc[0]) if a["year"].notna().any() else p.year
        if year is None:
            return row
        earlier = nl[nl["year"] <= year]
        pick = earlier[earlier["year"] == earlier["year"].max()] if len(earlier) else nl[nl["year"] == nl["year"].min()]
        if pick["value"].nunique() != 1:
            return row
        ind, x, y, ny = it.indicator, float(a["value"].iloc[0]), float(pick["value"].iloc[0]), int(pick["year"].iloc[0])
        where = self.where(it.area)
        data = (f"{where} {self.c.fmt(ind, x)} ({p.label or year}, {a['label'].iloc[0]}), "
                f"Nederland {self.c.fmt(ind, y)} ({ny}, {pick['label'].iloc[0]})")
        d = max(int(self.c.cat.get(ind, {}).get("decimals", 1) or 0), 1)
        diff = round(x, d) - round(y, d)
        row = dict(row, data_value=data)
        note = f"het landelijk cijfer is van {ny}, niet van {p.label or year}: Nederland heeft voor dat jaar geen cijfer"
        if abs(diff) < 1e-9:
            row["explanation"] = f"{note}; gelijk aan dat landelijk cijfer ({data})"
            return row
        actual = "above" if diff > 0 else "below"
        if actual == it.claim:
            row.update(verdict="agrees", explanation=f"{where} ligt {CLAIM_WORDS[actual]} van {ny} ({data}); let op: {note}")
        elif it.ind_strong and it.area_strong:
            row.update(verdict="disagrees", explanation=f"tekst: {CLAIM_WORDS[it.claim]}; data: {where} ligt "
                                                        f"{CLAIM_WORDS[actual]} van {ny} ({data}); {note}")
        else:
            row["explanation"] = f"data: {CLAIM_WORDS[actual]} van {ny}, maar de koppeling is niet eenduidig ({data}); {note}"
        return row


def refine(items: list[Item], rows: list[dict], sentences: list[Sentence], linker: Linker, checker: Checker) -> list[dict]:
    """The first pass's rows with the new kinds judged; fraction rows added."""
    k = Kinds(checker, linker, sentences)
    out: list[dict] = []
    lists: dict[int, list[int]] = {}
    for i, it in enumerate(items):
        if it.kind == "value" and any("respectievelijk" in n for n in it.notes):
            lists.setdefault(it.sentence, []).append(i)
    merged: dict[int, dict] = {}
    for idx in lists.values():
        r = k.groups([items[i] for i in idx])
        if r is not None:
            merged.update({i: None for i in idx[1:]})
            merged[idx[0]] = r
    for i, (it, row) in enumerate(zip(items, rows)):
        if i in merged:
            if merged[i] is not None:
                out.append(merged[i])
            continue
        if it.kind in ("trend", "versus_nl") and it.indicator is None:
            resolved = k.backref(it, items)
            if resolved is not None:
                out += resolved
                continue
        if it.kind == "trend":
            row = k.flat(it, row)
        elif it.kind == "versus_nl":
            row = k.other_year(it, row)
        out.append(row)
    for r in out:
        if r["verdict"] == "not_checkable" and not r["explanation"]:
            r["explanation"] = "niet te controleren zonder KPI, gebied en periode"
        if r["verdict"] != "agrees" and r["kpi"] and "rapport niet eenduidig" not in r["explanation"]:
            topics = [n["topic"] for n in report_notes(r["kpi"])] if r["kpi"] in checker.cat else []
            if topics:  # the catalogue knows the report contradicts itself here
                r["explanation"] += f" (catalogus: rapport niet eenduidig, {'; '.join(topics)})"
    return out + k.fractions()
