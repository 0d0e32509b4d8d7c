"""The KPI tables as the report prints them, and the summary sentence of their judgements.

The judgements themselves are made at build time (analysis.build.judgements)."""
from __future__ import annotations

import math
import re

import pandas as pd

from analysis.build.judgements import series_rows, set_areas
from analysis.core import catalogue
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.rules import compare, period


def kpi_table(obs: pd.DataFrame, judgements: pd.DataFrame, monitor, set_id: str, numeric: bool = False,
              readers: bool = False) -> pd.DataFrame:
    """A KPI set as the report prints it: KPI rows, a column per area and meting present, judgements.

    `numeric=True` keeps numbers (for Excel); otherwise Dutch text at the published precision.
    For a set reported per wijk, the rows are KPI x wijk. `readers=True` leaves out rows that
    only the reproduction needs (catalogue `report_only`, e.g. the report's nameless row); as text
    it is the table a reader sees (`reader_table`).
    """
    if readers and not numeric:
        return reader_table(obs, judgements, monitor, set_id)
    k = monitor.kpi_set(set_id)
    sel = series_rows(obs, k.series)
    sel = sel[sel["indicator"].isin(k.indicators)]
    metingen = period.metingen(obs, k.indicators, series=k.series)
    j = judgements[judgements["kpi_set"] == set_id] if judgements is not None else pd.DataFrame(
        columns=["indicator", "area_code", "computed", "reported"])
    per_wijk = "wijk" in k.areas
    areas = [(c, n) for c, n in _area_names(obs, set_areas(obs, monitor, k))]
    rows = []
    for ind in k.indicators:
        e = catalogue_entry(ind)
        if readers and e.get("report_only"):
            continue
        for code, name in (areas if per_wijk else [(None, None)]):
            row = {"KPI": e["label"]}
            if per_wijk:
                row["Wijk"] = name
            for c, n in ([(code, "")] if per_wijk else areas):
                for m in metingen:
                    v = sel[(sel["indicator"] == ind) & (sel["area_code"] == c) & (sel["meting"] == m)]["value"]
                    val = v.iloc[0] if len(v) else math.nan
                    col = f"{n} {m}-meting".strip()
                    row[col] = (None if pd.isna(val) else float(val)) if numeric else (fmt(ind, val) if pd.notna(val) else "-")
            jj = j[(j["indicator"] == ind) & (j["area_code"] == (code or monitor.code))]
            computed = jj["computed"].iloc[0] if len(jj) else None
            reported = jj["reported"].iloc[0] if len(jj) else None
            row["Beweging"] = computed if isinstance(computed, str) else ""
            if not per_wijk:
                row["Beweging (rapport)"] = reported if isinstance(reported, str) else ""
            row["Eenheid"] = e["unit"] or ""
            row["Bron"] = e["bron"] or ""
            rows.append(row)
    out = pd.DataFrame(rows)
    return out.set_index(["KPI", "Wijk"] if per_wijk else "KPI")


def _area_names(obs: pd.DataFrame, codes: list[str]) -> list[tuple[str, str]]:
    names = obs.drop_duplicates("area_code").set_index("area_code")["area_name"]
    return [(c, names.get(c, c)) for c in codes]


def summary_sentence(judgements: pd.DataFrame, set_id: str, area_code: str) -> str:
    """'Van de 23 KPI's met ten minste twee metingen zijn er 12 gunstig veranderd, ...'."""
    j = judgements[(judgements["kpi_set"] == set_id) & (judgements["area_code"] == area_code)]["computed"].dropna()
    n = j.value_counts()
    if not len(j):
        return "Nog geen KPI met twee metingen: er is nog geen verandering te beoordelen."
    return (f"Van de {len(j)} KPI's met ten minste twee metingen veranderden er {n.get('+', 0)} gunstig "
            f"(in de gewenste richting), bleven er {n.get('+/-', 0)} gelijk en veranderden er {n.get('-', 0)} "
            f"ongunstig, telkens de laatste meting tegenover de vorige.")


# --- what a reader sees: direction, judgement, units, missing, notes, sources -----------------------

ARROWS = {"up": "↑", "down": "↓", "same": "="}
OORDEEL = {"+": "gunstig", "+/-": "gelijk", "-": "ongunstig"}
# One notation for a missing value, with its reason as a footnote mark.
MISSING = "geen gegevens"
MISSING_MARKS = {"not_published": "¹", "empty_cell": "²", "suppressed": "³", "no_data": "⁴", "not_in_data": "⁵"}
MISSING_REASONS = {"not_published": "niet gepubliceerd in het rapport (daar '-')",
                   "empty_cell": "lege cel in het rapport", "suppressed": "geheimhouding CBS (te weinig waarnemingen)",
                   "no_data": "geen meting in die periode", "not_in_data": "geen cijfer in de gebruikte CBS-gegevens"}
UNIT_WORDS = {"per 100": "per 100", "per 1000": "per 1.000", "jaren": "jaar", "x 1.000 euro": "× € 1.000"}


def direction_arrow(previous, latest, decimals: int) -> str:
    """'↑', '↓' or '=' (equal at the published precision: the report's rule); '' without two values."""
    if previous is None or latest is None or pd.isna(previous) or pd.isna(latest):
        return ""
    if round(latest - previous, decimals + 2) == 0 or abs(latest - previous) < 0.5 * 10 ** -decimals:
        return ARROWS["same"]
    return ARROWS["up"] if latest > previous else ARROWS["down"]


def value_text(ind: str, value) -> str:
    """A value in Dutch notation with its unit on it, once ('25,4%', '929 per 1.000 jongeren', '80,7 jaar')."""
    return catalogue.value_text(ind, value)


def missing_text(status) -> str:
    """'geen gegevens' with the footnote mark of its reason."""
    key = status if isinstance(status, str) and status in MISSING_MARKS else "no_data"
    return MISSING + MISSING_MARKS[key]


def missing_note(statuses) -> str:
    """The footnote line for the missing marks used in a table ('' when none)."""
    used = [k for k in MISSING_MARKS if k in set(statuses)]
    return " · ".join(f"{MISSING_MARKS[k]} {MISSING_REASONS[k]}" for k in used)


def judgement_legend(report_column: bool = False) -> str:
    """The short legend under every table or chart that shows a judgement (Dutch Markdown)."""
    text = ("**Verandering** sinds de vorige meting: eerst de richting van het getal, ↑ hoger, ↓ lager, "
            "= gelijk (op de gepubliceerde precisie); dan het oordeel: <span class=\"wm-oordeel-gunstig\">gunstig</span> "
            "= in de gewenste richting, <span class=\"wm-oordeel-ongunstig\">ongunstig</span> = de andere kant op, "
            "gelijk = geen verandering. Zo is ↓ gunstig: het cijfer daalde, en dat is goed.")
    if report_column:
        text += (" **Rapport**: het oordeel zoals de voortgangsrapportage het drukt: + gunstig, +/- gelijk, "
                 "- ongunstig (dezelfde regel).")
    return text


def report_notes_markdown(indicators) -> str:
    """'Let op' lines for the report inconsistencies (catalogue report_notes) of these indicators."""
    lines = []
    for ind in dict.fromkeys(indicators):
        for n in catalogue.report_notes(ind):
            lines.append(f"Let op, {catalogue.reader_label(ind)[:1].lower() + catalogue.reader_label(ind)[1:]}. {catalogue.report_note_text(n)}")
    return "\n\n".join(lines)


def reader_table(obs: pd.DataFrame, judgements: pd.DataFrame, monitor, set_id: str) -> pd.DataFrame:
    """A KPI set as a reader reads it: per meting a column with its year(s) (`period.metingen_label`),
    the years of each row, values with their unit, 'geen gegevens' with a footnote mark, the
    direction (↑ ↓ =) apart from the judgement (gunstig / gelijk / ongunstig) and the report's own
    sign. `attrs['download']` holds the same table with numbers (and a unit column) for Excel;
    `attrs['notes']` the footnote line for missing values."""
    k = monitor.kpi_set(set_id)
    sel = series_rows(obs, k.series)
    sel = sel[sel["indicator"].isin(k.indicators)]
    inds = [i for i in k.indicators if not catalogue_entry(i).get("report_only")]
    mets = period.metingen(obs, inds, series=k.series)
    heads = {m: period.metingen_label(obs, inds, m, series=k.series) for m in mets}
    j = judgements[judgements["kpi_set"] == set_id] if judgements is not None else pd.DataFrame(
        columns=["indicator", "area_code", "computed", "reported", "value_previous", "value_latest"])
    per_wijk = "wijk" in k.areas
    areas = _area_names(obs, set_areas(obs, monitor, k))
    rows, nums, used = [], [], []
    for ind in inds:
        e = catalogue_entry(ind)
        years = [period.period_of(obs, ind, m, k.series) for m in mets]
        # after each arrow a zero-width space: a long row of school years may wrap there, not elsewhere
        jaren = "→\u200b".join(y for y in years if y) or "niet vermeld"
        for code, name in (areas if per_wijk else [(None, None)]):
            label = catalogue.reader_label(ind)  # the unit is on the values, not in the label too
            row, num = {"KPI": label}, {"KPI": label}
            if per_wijk:
                row["Wijk"] = num["Wijk"] = name
            row["Jaren"], num["Jaren"] = jaren, jaren.replace("\u200b", "")
            for c, n in ([(code, "")] if per_wijk else areas):
                for m in mets:
                    r = sel[(sel["indicator"] == ind) & (sel["area_code"] == c) & (sel["meting"] == m)]
                    val = r["value"].iloc[0] if len(r) else math.nan
                    col = f"{n} {heads[m]}".strip()
                    if pd.notna(val):
                        row[col], num[col] = value_text(ind, val), float(val)
                    else:
                        status = r["status"].iloc[0] if len(r) else "no_data"
                        row[col] = num[col] = missing_text(status)
                        used.append(status if status in MISSING_MARKS else "no_data")
            jj = j[(j["indicator"] == ind) & (j["area_code"] == (code or monitor.code))]
            computed = jj["computed"].iloc[0] if len(jj) else None
            reported = jj["reported"].iloc[0] if len(jj) else None
            prev = jj["value_previous"].iloc[0] if len(jj) and "value_previous" in jj else None
            last = jj["value_latest"].iloc[0] if len(jj) and "value_latest" in jj else None
            arrow = direction_arrow(prev, last, e["decimals"])
            oordeel = OORDEEL.get(computed, "") if isinstance(computed, str) else (
                "geen oordeel" if arrow and not e["direction"] else "")
            row["Verandering"] = f"{arrow} {oordeel}".strip()
            num["Richting"], num["Oordeel"] = arrow, oordeel
            if not per_wijk:
                row["Rapport"] = num["Rapport"] = reported if isinstance(reported, str) else ""
            num["Eenheid"] = catalogue.value_unit(ind)
            row["Bron"] = num["Bron"] = e["bron"] or ""
            rows.append(row)
            nums.append(num)
    index = ["KPI", "Wijk"] if per_wijk else "KPI"
    out = pd.DataFrame(rows).set_index(index)
    out.attrs["download"] = pd.DataFrame(nums).set_index(index)
    out.attrs["notes"] = missing_note(used)
    out.attrs["indicators"] = inds
    return out


def change_table(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Per wijk the change between the latest two metingen: both values under their meting and year,
    the difference, the direction and the judgement; missing values as 'geen gegevens' with a mark."""
    e = catalogue_entry(indicator)
    ch = compare.change(obs, indicator)
    frm, to = ch.attrs["from"], ch.attrs["to"]
    head_from, head_to = period.meting_label(obs, indicator, frm), period.meting_label(obs, indicator, to)
    sel = obs[(obs["indicator"] == indicator)]
    status = {m: period.first_per_area(sel[sel["meting"] == m]).set_index("area_code")["status"] for m in (frm, to)}
    pp = "procentpunt" if e["unit"] == "%" else UNIT_WORDS.get(e["unit"] or "", "")

    def cell(code, v, m):
        return value_text(indicator, v) if pd.notna(v) else missing_text(status[m].get(code, "no_data"))

    out = pd.DataFrame({
        "Wijk": ch["area_name"],
        head_from: [cell(c, v, frm) for c, v in zip(ch["area_code"], ch["value_from"])],
        head_to: [cell(c, v, to) for c, v in zip(ch["area_code"], ch["value_to"])],
        "Verschil": [(("+" if d > 0 else "") + fmt(indicator, d).rstrip("%‰") + (f" {pp}" if pp else ""))
                     if pd.notna(d) else MISSING for d in ch["change"]],
        "Verandering": [f"{direction_arrow(a, b, e['decimals'])} {OORDEEL.get(j, '') if isinstance(j, str) else ''}".strip()
                        for a, b, j in zip(ch["value_from"], ch["value_to"], ch["judgement"])],
    })
    out.attrs["download"] = pd.DataFrame({"Wijk": ch["area_name"], head_from: ch["value_from"],
                                          head_to: ch["value_to"], "Verschil": ch["change"],
                                          "Eenheid": e["unit"] or ""})
    stat = [status[m].get(c, "no_data") for m, col in ((frm, "value_from"), (to, "value_to"))
            for c, v in zip(ch["area_code"], ch[col]) if pd.isna(v)]
    out.attrs["notes"] = missing_note([s if s in MISSING_MARKS else "no_data" for s in stat])
    return out.set_index("Wijk")


def sources(obs: pd.DataFrame, monitor, set_ids=None) -> list[dict]:
    """The report's source numbers of the KPIs shown ('[11]'), each with its KPIs and what the data's
    `source` column says the figures were taken from. The report's own list of sources is not in
    the text it was transcribed from; this list is what resolves a 'Bron [n]' on a page."""
    out: dict[str, dict] = {}
    for k in monitor.kpi_sets:
        if set_ids is not None and k.id not in set_ids:
            continue
        for ind in k.indicators:
            e = catalogue_entry(ind)
            if e.get("report_only"):
                continue
            for n in re.findall(r"\[(\d+)\]", str(e["bron"] or "")):
                d = out.setdefault(n, {"nummer": int(n), "kpis": [], "herkomst": []})
                if e["label"] not in d["kpis"]:
                    d["kpis"].append(e["label"])
                src = obs.loc[(obs["indicator"] == ind) & obs["meting"].notna(), "source"].dropna()
                for t in sorted(set(src)):
                    t = re.sub(r"\s*\(tekstregels?[^)]*\)", "", re.sub(r";\s*jaren:.*$", "", str(t))).strip()
                    t = re.sub(r",\s*(cellen)?rij \d+.*$", "", t)
                    if t not in d["herkomst"]:
                        d["herkomst"].append(t)
    return [out[n] for n in sorted(out, key=int)]


def sources_markdown(obs: pd.DataFrame, monitor, set_ids=None) -> str:
    """The numbered source list (Markdown with an anchor per number, `#bron-11`)."""
    items = sources(obs, monitor, set_ids)
    if not items:
        return ""
    lines = ["### Bronnen van de KPI's", "",
             "De nummers in de kolom *Bron* zijn de bronvermeldingen van de voortgangsrapportage. De bronnenlijst "
             "van het rapport zelf staat niet in de tekst waaruit de cijfers zijn overgenomen; per nummer staat hier "
             "welke KPI's het betreft en waar de cijfers in het rapport staan.", ""]
    for d in items:
        docs: dict[str, list[str]] = {}
        for t in d["herkomst"]:  # 'Voortgangsrapportage ..., mei 2025, Bijlage 2A, blok X' -> per document
            doc, _, part = t.partition(", Bijlage")
            docs.setdefault(doc, [])
            if part and f"Bijlage{part}" not in docs[doc]:
                docs[doc].append(f"Bijlage{part}")
        where = "; ".join(f"{doc}: {', '.join(sorted(parts))}" if parts else doc for doc, parts in docs.items())
        lines.append(f"- <span id=\"bron-{d['nummer']}\"></span>**[{d['nummer']}]** {'; '.join(d['kpis'])}. "
                     f"Cijfers uit: {where or 'het rapport'}.")
    return "\n".join(lines)


def table_notes(table: pd.DataFrame, judgement: bool = True, report_column: bool = False) -> str:
    """What goes under a table a reader sees: its missing-value footnotes, the legend of its
    judgements and the report's notes on its indicators (Markdown)."""
    parts = [table.attrs.get("notes") or ""]
    if judgement:
        parts.append(judgement_legend(report_column))
    parts.append(report_notes_markdown(table.attrs.get("indicators") or []))
    return "\n\n".join(p for p in parts if p)


def annex_link_markdown(monitor) -> str:
    """The link to the annex workbook (`python -m analysis tabellen`, beside the pages), '' for a
    gemeente without KPI tables of its own."""
    if monitor.is_cbs_only or not monitor.kpi_sets:
        return ""
    return ("Alle bijlagetabellen van het rapport staan met hun cijfers als getallen in één Excel-werkmap: "
            "[bijlagetabellen (Excel)](tabellen/bijlagen.xlsx).")


def ranking_table(obs: pd.DataFrame, indicator: str, gemeentecode: str, meting=None, year=None) -> pd.DataFrame:
    """Every wijk of the gemeente ranked (1 = most favourable): its value, the difference with the
    reference (Nederland, or its fall-back) and the judgement; for a page that charts only the top
    and bottom ten. A reader sorts it by any column (the page's sort script)."""
    e = catalogue_entry(indicator)
    c, ref = compare.wijken(obs, indicator, gemeentecode, meting, year)
    sign = compare.direction_sign(indicator)
    if sign:  # rank 1 = most favourable
        c = compare.rank(c, indicator)
    else:  # no desired direction: rank 1 = highest, as the chart shows it
        c = c.assign(rank=c["value"].rank(ascending=False, method="min").astype("Int64"))
    c = c.sort_values(["rank", "area_name"], na_position="last", kind="stable")
    pp = "procentpunt" if e["unit"] == "%" else UNIT_WORDS.get(e["unit"] or "", "")
    judged = {True: "gunstig", False: "ongunstig"}
    out = pd.DataFrame({
        "Rang (1 = gunstigst)" if sign else "Rang (1 = hoogste)": [str(int(r)) if pd.notna(r) else "-"
                                                                  for r in c["rank"]],
        "Wijk": c["area_name"],
        f"Waarde, {ref['period']}": [value_text(indicator, v) if pd.notna(v) else missing_text(s)
                                     for v, s in zip(c["value"], c["status"])],
        f"Verschil met {ref['short']}": [(("+" if d > 0 else "") + fmt(indicator, d).rstrip("%‰")
                                          + (f" {pp}" if pp else "")) if pd.notna(d) else MISSING
                                         for d in c["difference"]],
        (f"Oordeel t.o.v. {ref['short']}" if sign else f"T.o.v. {ref['short']}"):
            [judged.get(b, "gelijk" if k == "about_equal" else "") for b, k in zip(c["better"], c["klasse"])] if sign
            else [{"above": "hoger", "below": "lager", "about_equal": "ongeveer gelijk"}.get(k, "") for k in c["klasse"]],
    })
    out.attrs["notes"] = missing_note([s if s in MISSING_MARKS else "no_data" for s in c.loc[c["value"].isna(), "status"]])
    out = out.set_index(out.columns[0])
    out.attrs["sortable"] = True
    return out
