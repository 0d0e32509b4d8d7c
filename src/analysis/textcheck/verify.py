"""Verdicts: each statement against the observations, at the precision printed in the text.

A value agrees when the data value rounds to the printed value (at the coarser of the two
precisions). It disagrees only when indicator, area and period are unambiguous and the units
are compatible; every other mismatch is `not_checkable`, with the reason in Dutch.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from analysis.core.numbers import format_nl
from analysis.textcheck.extract import NL_CODE, Item, Period

DATASET_LABELS = {"bijlage_1": "Bijlage 1", "bijlage_2a": "Bijlage 2A", "bijlage_2b": "Bijlage 2B",
                  "bijlage_2c": "Bijlage 2C", "report_map": "kaart sociaal minimum"}
UNIT_GROUP = {"%": "pct", "per 100": "pct", "‰": "pml", "per 1000": "pml", "per 10000": "p10k",
              "aantal": "count", "jaren": "years"}
CLAIM_WORDS = {"up": "gestegen", "down": "gedaald", "same": "gelijk gebleven", "not_down": "geen daling",
               "not_up": "geen stijging", "above": "boven het landelijk gemiddelde",
               "below": "onder het landelijk gemiddelde"}


def ds_label(ds: str) -> str:
    if ds.startswith("kwb_"):
        return f"CBS Kerncijfers {ds[4:]}"
    return DATASET_LABELS.get(ds, ds)


def source_label(dataset: str, source: str | None) -> str:
    """'Bijlage 1', 'Bijlage 2A, Bijlage 2C' or 'kaart sociaal minimum' from the row's source; else the dataset."""
    src = source or ""
    tables = list(dict.fromkeys(re.findall(r"Bijlage \d+[A-Z]?", src)))
    if tables:
        return ", ".join(tables)
    if "kaart" in src.lower() and "sociaal minimum" in src.lower():
        return "kaart sociaal minimum"
    return ds_label(str(dataset))


def _decimals(v: float) -> int:
    for d in range(4):
        if abs(round(v, d) - v) < 1e-9:
            return d
    return 4


class Checker:
    def __init__(self, obs: pd.DataFrame, catalogue: dict[str, dict], area_names: dict[str, str]):
        ok = obs[obs["status"] == "ok"]
        self.obs = ok.assign(label=[source_label(d, src) for d, src in zip(ok["dataset"], ok["source"])])
        self.cat = catalogue
        self.area_names = area_names

    # --- helpers ---------------------------------------------------------------------------
    def label(self, ind: str | None) -> str:
        return self.cat.get(ind, {}).get("label", ind) if ind else ""

    def fmt(self, ind: str, v: float, decimals: int | None = None) -> str:
        e = self.cat.get(ind, {})
        d = e.get("decimals", 1) if decimals is None else decimals
        unit = e.get("unit", "")
        return format_nl(v, d, unit if unit in ("%", "‰") else "")

    def rows(self, ind: str, area: str) -> pd.DataFrame:
        return self.obs[(self.obs["indicator"] == ind) & (self.obs["area_code"] == area)]

    def at(self, ind: str, area: str, period: Period) -> tuple[pd.DataFrame, str]:
        """Rows for a period (by year; by meting only when it means one year), or why there are none."""
        r = self.rows(ind, area)
        if r.empty:
            return r, f"geen gegevens voor {self.label(ind)} in {self.area_names.get(area, area)}"
        if period.year is not None:
            sel = r[r["year"] == period.year]
            if sel.empty:
                years = sorted({int(y) for y in r["year"].dropna()})
                why = f"{period.label or period.year} staat niet in de data (wel: {', '.join(map(str, years)) or 'geen jaren'})"
                if period.meting is not None:
                    m = r[r["meting"] == period.meting]
                    if len(m) and m["year"].nunique() == 1 and m["value"].nunique() == 1:
                        why += (f"; de {period.meting}-meting is in de data {int(m['year'].iloc[0])} "
                                f"({self.fmt(ind, m['value'].iloc[0])}, {m['label'].iloc[0]}): "
                                "jaartal of meting in de tekst klopt niet")
                return sel, why
            return sel, ""
        if period.meting is not None:
            sel = r[r["meting"] == period.meting]
            if sel["year"].nunique() > 1:
                parts = "; ".join(f"{d}: {', '.join(str(int(y)) for y in sorted(g['year'].dropna().unique()))}"
                                  for d, g in sel.groupby("label"))
                return sel.iloc[0:0], f"de {period.meting}-meting is niet eenduidig zonder jaartal ({parts})"
            return sel, "" if len(sel) else f"geen {period.meting}-meting in de data"
        return r.iloc[0:0], "geen jaar of meting genoemd"

    @staticmethod
    def close(text_v: float, text_d: int, data_v: float, data_d: int) -> bool:
        d = min(text_d, data_d)
        return abs(text_v - data_v) <= 0.5 * 10 ** -d + 1e-9

    def data_decimals(self, ind: str, v: float) -> int:
        return max(_decimals(v), int(self.cat.get(ind, {}).get("decimals", 0) or 0))

    # --- verdicts ---------------------------------------------------------------------------
    def check(self, it: Item) -> dict:
        row = {"line": it.line, "kpi": it.indicator or "", "area": self.area_names.get(it.area, it.area or ""),
               "text_value": it.text if it.kind in ("value", "change") else CLAIM_WORDS.get(it.claim, it.text),
               "data_value": "", "verdict": "not_checkable", "explanation": ""}
        if it.indicator is None:
            row["explanation"] = "; ".join(it.notes) or "geen KPI uit de catalogus herkend"
            return row
        if it.area is None:
            row["explanation"] = "gebied niet eenduidig (meer gemeenten gegeven, geen genoemd)"
            return row
        fn = {"value": self._value, "change": self._change, "trend": self._trend, "versus_nl": self._versus}[it.kind]
        fn(it, row)
        return row

    def _value(self, it: Item, row: dict) -> None:
        ind = it.indicator
        notes = list(it.notes)
        cat_unit = self.cat.get(ind, {}).get("unit", "")
        tg, cg = UNIT_GROUP.get(it.unit or ""), UNIT_GROUP.get(cat_unit)
        unit_clash = tg is not None and cg is not None and tg != cg
        if unit_clash:
            notes.append(f"eenheid in de tekst ({it.unit}) wijkt af van de catalogus ({cat_unit})")
        period = it.period
        if period.year is None and period.meting is None:
            r = self.rows(ind, it.area)
            if len(r) and r["value"].round(6).nunique() == 1:
                sel, why = r, ""
                notes.append("geen jaar genoemd; de data hebben één waarde")
                period = Period(None, None, "", strong=False)
            else:
                sel, why = self.at(ind, it.area, period)
        else:
            sel, why = self.at(ind, it.area, period)
        if sel.empty:
            row["explanation"] = "; ".join([why] + notes)
            return
        row["data_value"] = "; ".join(
            f"{self.fmt(ind, v)} ({', '.join(sorted({x for lab in g['label'] for x in lab.split(', ')}))})"
            for v, g in sel.groupby("value"))
        matches = [r for r in sel.itertuples() if self.close(it.value, it.decimals, r.value, self.data_decimals(ind, r.value))]
        where = f"{self.area_names.get(it.area, it.area)}, {period.label or 'zonder jaar'}"
        if period.meting is not None and period.year is not None:
            ms = {int(m) for m in sel["meting"].dropna()}
            if ms and period.meting not in ms:
                notes.append(f"let op: {period.year} is in de data de {'/'.join(map(str, sorted(ms)))}-meting, "
                             f"de tekst zegt {period.meting}-meting")
        if matches:
            notes = [n for n in notes if not n.startswith(("deelgroep", "benadering", "KPI uit een eerdere"))]
            row["verdict"] = "agrees"
            row["explanation"] = "; ".join([f"{self.label(ind)} ({where}) klopt met "
                                            + ", ".join(sorted({x for r in matches for x in r.label.split(", ")}))] + notes)
            return
        weak = []
        if not it.ind_strong:
            weak.append("KPI niet eenduidig")
        if not it.area_strong:
            weak.append("gebied niet eenduidig")
        if not period.strong:
            weak.append("periode niet eenduidig")
        if unit_clash:
            weak.append("eenheid wijkt af")
        if weak:
            row["explanation"] = "; ".join([f"wijkt af van de data, maar {' en '.join(weak)}"] + notes)
            return
        row["verdict"] = "disagrees"
        row["explanation"] = "; ".join(
            [f"{self.label(ind)} ({where}): tekst {it.text}, data {row['data_value']}"] + notes)

    def _pair(self, ind: str, area: str, a: Period, b: Period) -> tuple[float, float, str, str]:
        """Values at two periods (one value each) or NaN with the reason."""
        vals = []
        for p in (a, b):
            sel, why = self.at(ind, area, p)
            if sel.empty or sel["value"].round(6).nunique() != 1:
                return math.nan, math.nan, "", why or f"meerdere waarden voor {p.label}"
            vals.append(float(sel["value"].iloc[0]))
        shown = f"{self.fmt(ind, vals[0])} ({a.label}) → {self.fmt(ind, vals[1])} ({b.label})"
        return vals[0], vals[1], shown, ""

    def _change(self, it: Item, row: dict) -> None:
        ind = it.indicator
        to = it.refs[-1].period if it.refs else None
        if it.since is None or to is None:
            row["explanation"] = "verandering zonder duidelijk begin- en eindjaar"
            return
        a, b, shown, why = self._pair(ind, it.area, it.since, to)
        if why:
            row["explanation"] = why
            return
        row["data_value"] = shown
        pp, rel = abs(b - a), abs(b - a) / abs(a) * 100 if a else math.nan
        ok_pp = self.close(it.value, it.decimals, pp, self.data_decimals(ind, pp))
        ok_rel = not math.isnan(rel) and abs(it.value - rel) <= 0.5 * 10 ** -it.decimals + 1e-9
        if ok_pp or (it.unit == "%" and ok_rel):
            row["verdict"] = "agrees"
            row["explanation"] = f"verschil {format_nl(pp, it.decimals)} procentpunt klopt" if ok_pp else \
                f"relatieve verandering {format_nl(rel, it.decimals)}% klopt"
        elif it.unit == "procentpunt" and it.ind_strong and it.area_strong:
            row["verdict"] = "disagrees"
            row["explanation"] = f"verschil in de data is {format_nl(pp, 1)} procentpunt, tekst {it.text}"
        else:
            row["explanation"] = (f"verschil in de data {format_nl(pp, 1)} procentpunt ({format_nl(rel, 1)}% relatief); "
                                  "'%' kan beide betekenen")

    def _trend(self, it: Item, row: dict) -> None:
        ind, notes = it.indicator, list(it.notes)
        if it.since is not None and it.refs:
            a, b = it.since, it.refs[-1].period
        elif len(it.refs) >= 2:
            a, b = it.refs[0].period, it.refs[-1].period
        else:
            row["explanation"] = "; ".join(["begin- en eindpunt van de ontwikkeling niet te bepalen"] + notes)
            return
        if a.year is None and a.meting is None or b.year is None and b.meting is None:
            row["explanation"] = "geen jaartallen bij de ontwikkeling"
            return
        x, y, shown, why = self._pair(ind, it.area, a, b)
        where = self.area_names.get(it.area, it.area)
        if why:
            row["explanation"] = f"{where}: {why}"
            return
        row["data_value"] = f"{where}: {shown}"
        d = int(self.cat.get(ind, {}).get("decimals", 1) or 0)
        d = max(d, _decimals(x), _decimals(y))
        diff = round(y, d) - round(x, d)
        actual = "up" if diff > 1e-9 else "down" if diff < -1e-9 else "same"
        ok = {"up": actual == "up", "down": actual == "down", "same": actual == "same",
              "not_down": actual != "down", "not_up": actual != "up"}[it.claim]
        strong = it.ind_strong and it.area_strong and all(r.period.strong for r in it.refs)
        actual_nl = CLAIM_WORDS[actual]
        if ok:
            row["verdict"] = "agrees"
            row["explanation"] = "; ".join([f"{self.label(ind)} in {where} is {actual_nl}"] + notes)
        elif actual == "same" and it.claim in ("up", "down"):
            row["explanation"] = "; ".join([f"op de gedrukte precisie gelijk gebleven; {CLAIM_WORDS[it.claim]} "
                                            "niet aantoonbaar"] + notes)
        elif strong:
            row["verdict"] = "disagrees"
            row["explanation"] = "; ".join([f"tekst: {CLAIM_WORDS[it.claim]}; data: {actual_nl} ({shown})"] + notes)
        else:
            row["explanation"] = "; ".join([f"data: {actual_nl}, maar de koppeling is niet eenduidig"] + notes)

    def _versus(self, it: Item, row: dict) -> None:
        ind, notes = it.indicator, list(it.notes)
        if not it.refs:
            row["explanation"] = "; ".join(["periode van de vergelijking niet te bepalen"] + notes)
            return
        p = it.refs[-1].period
        a, why_a = self.at(ind, it.area, p)
        n, why_n = self.at(ind, NL_CODE, p)
        if a.empty or n.empty or a["value"].nunique() != 1 or n["value"].nunique() != 1:
            row["explanation"] = "; ".join([why_a or why_n or "landelijk cijfer ontbreekt voor deze periode"] + notes)
            return
        x, y = float(a["value"].iloc[0]), float(n["value"].iloc[0])
        where = self.area_names.get(it.area, it.area)
        row["data_value"] = f"{where} {self.fmt(ind, x)}, Nederland {self.fmt(ind, y)} ({p.label})"
        d = max(int(self.cat.get(ind, {}).get("decimals", 1) or 0), _decimals(x), _decimals(y))
        diff = round(x, d) - round(y, d)
        if abs(diff) < 1e-9:
            row["explanation"] = "; ".join(["op de gedrukte precisie gelijk aan het landelijk cijfer"] + notes)
            return
        actual = "above" if diff > 0 else "below"
        if actual == it.claim:
            row["verdict"] = "agrees"
            row["explanation"] = "; ".join([f"{where} ligt {CLAIM_WORDS[actual]}"] + notes)
        elif it.ind_strong and it.area_strong and p.strong:
            row["verdict"] = "disagrees"
            row["explanation"] = "; ".join([f"tekst: {CLAIM_WORDS[it.claim]}; data: {where} ligt "
                                            f"{CLAIM_WORDS[actual]} ({row['data_value']})"] + notes)
        else:
            row["explanation"] = "; ".join([f"data: {CLAIM_WORDS[actual]}, maar de koppeling is niet eenduidig"] + notes)
