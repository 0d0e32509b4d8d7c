"""Charts of the wijk profile: the scorecard as dots (gemeente = 100) and a trend per KPI.

Colours mean what they mean everywhere (charts.maps): green = gunstiger, pink = ongunstiger than
the gemeente, grey = about equal; the wijk is dark blue, the gemeente grey, Nederland black.
"""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from analysis.charts import labels as lab
from analysis.charts.maps import GELIJK
from analysis.charts.maps import GEMEENTE_COLOUR
from analysis.charts.maps import GUNSTIG
from analysis.charts.maps import NATIONAL_SERIES
from analysis.charts.maps import NL_COLOUR
from analysis.charts.maps import ONGUNSTIG
from analysis.charts.maps import WIJK_COLOUR
from analysis.charts.maps import _legend_format
from analysis.charts.maps import _note_chart
from analysis.charts.maps import _with_source
from analysis.core.areas import NL_CODE
from analysis.core import catalogue
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import NoDataError
from analysis.rules import period
from analysis.rules import scorecard

OORDEEL = {"gunstiger": GUNSTIG, "ongeveer gelijk": GELIJK, "ongunstiger": ONGUNSTIG}


def scorecard_dots(card: pd.DataFrame, wijknaam: str, gemeentenaam: str, width: int = 340) -> alt.LayerChart:
    """Per KPI the wijk as an index of the gemeente (= 100), coloured as the scorecard's rows, and
    Nederland (black ring); rows in the scorecard's order."""
    sel = card[card["value"].notna() & card["gemeente"].notna() & (card["gemeente"] != 0)
               & card["vs_gemeente"].isin(list(OORDEEL))]
    if sel.empty:
        raise NoDataError(f"{wijknaam}: geen cijfer met een gewenste richting en een cijfer van de gemeente")
    rows = []
    for r in sel.to_dict("records"):
        what = r["label"]
        rows.append({"periode": r["period"], "kpi": what, "wie": wijknaam, "index": round(r["value"] / r["gemeente"] * 100, 1),
                     "waarde": scorecard.value_text(r["indicator"], r["value"]), "oordeel": r["vs_gemeente"],
                     "gemeente": scorecard.value_text(r["indicator"], r["gemeente"])})
        if pd.notna(r["nederland"]):
            rows.append({"periode": r["period"], "kpi": what, "wie": "Nederland", "index": round(r["nederland"] / r["gemeente"] * 100, 1),
                         "waarde": scorecard.value_text(r["indicator"], r["nederland"]), "oordeel": "Nederland",
                         "gemeente": scorecard.value_text(r["indicator"], r["gemeente"])})
    df = pd.DataFrame(rows)
    order = list(dict.fromkeys(df["kpi"]))
    used = [k for k in OORDEEL if k in set(df["oordeel"])]
    y = alt.Y("kpi:N", title=None, sort=order, axis=alt.Axis(labelLimit=260, labelFontSize=11))
    x = alt.X("index:Q", title=f"{gemeentenaam} = 100", scale=alt.Scale(zero=False),
              axis=alt.Axis(tickCount=6, labelOverlap=True))
    tooltip = [alt.Tooltip("kpi:N", title="KPI"), alt.Tooltip("periode:N", title="Periode"),
               alt.Tooltip("wie:N", title="Gebied"),
               alt.Tooltip("waarde:N", title="Waarde"), alt.Tooltip("gemeente:N", title=gemeentenaam)]
    base = alt.Chart(df)
    wijk = base.transform_filter(alt.datum.wie != "Nederland").mark_circle(size=120, opacity=1).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("oordeel:N", title=f"{wijknaam} t.o.v. {gemeentenaam}",
                        scale=alt.Scale(domain=used, range=[OORDEEL[k] for k in used]),
                        legend=alt.Legend(orient="bottom", direction="horizontal")))
    nl = base.transform_filter(alt.datum.wie == "Nederland").mark_point(
        shape="diamond", size=70, filled=False, color=NL_COLOUR, strokeWidth=1.5).encode(x=x, y=y, tooltip=tooltip)
    rule = base.mark_rule(color=GEMEENTE_COLOUR, strokeDash=[4, 3]).encode(x=alt.datum(100))
    head = lab.wrap(f"{wijknaam} tegenover {gemeentenaam} (= 100)", width + 200, 13, bold=True)
    chart = alt.layer(rule, wijk, nl).properties(width=width, title=alt.Title(
        head, subtitle=lab.wrap("stip = de wijk (groen gunstiger, roze ongunstiger, grijs ongeveer "
                                                "gelijk); ruit = Nederland; elk cijfer in de periode en volgorde van de tabel", width + 200, 11)))
    return _with_source(chart, "Bron: " + "; ".join(_sources(card)))


def _sources(card: pd.DataFrame) -> list[str]:
    src = [s for s in card["source"].dropna().unique()] if "source" in card else []
    return src or ["metingen van de gemeente (wijk, gemeente, Nederland)"]


# --- trends ---------------------------------------------------------------------------------------

def trend_frame(obs: pd.DataFrame, indicator: str, wijkcode: str, gemeentecode: str,
                series: str | None = period.ANY, *, rows: pd.DataFrame | None = None,
                names: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The wijk, gemeente and Nederland over the metingen of one series (x = the meting's year), as
    the scorecard shows them; plus notes where CBS's yearly national series gives Nederland another
    value for the same year (the table's value is kept and the other named).

    For a figure without metingen (CBS): its years; counts only for the wijk itself.
    `rows` (the indicator's rows with status ok) and `names` (_area_names): what a caller drawing
    many indicators has computed once.
    """
    sel = obs[(obs["indicator"] == indicator) & (obs["status"] == "ok")] if rows is None else rows
    names = names or _area_names(obs, wijkcode, gemeentecode)
    codes, metingen = sel["area_code"].tolist(), sel["meting"].tolist()
    in_series = sel["series"].tolist() if series not in (period.ANY,) else None
    if not any(c == wijkcode and not period.is_missing(m)
               and (in_series is None or (in_series[i] if isinstance(in_series[i], str) else "") == (series or ""))
               for i, (c, m) in enumerate(zip(codes, metingen))):
        return _yearly_frame(sel, indicator, wijkcode, names, codes, metingen), []
    met = sel[sel["meting"].notna() & sel["area_code"].isin(list(names))]
    if series not in (period.ANY,):
        met = met[met["series"].fillna("") == (series or "")]
    notes = []
    met = period.first_per_area(met, keys=["area_code", "meting"])
    met = met[met["year"].notna()]
    when = [period.meting_label(obs, indicator, int(m), series, with_series=False) for m in met["meting"]]
    nat = sel[(sel["dataset"] == NATIONAL_SERIES) & (sel["area_code"] == NL_CODE)].set_index("year")["value"]
    for y, v in met.loc[met["area_code"] == NL_CODE, ["year", "value"]].itertuples(index=False):
        other = nat.get(y)
        if other is not None and pd.notna(other) and round(float(other), 3) != round(float(v), 3):
            notes.append(f"Nederland {int(y)}: {scorecard.value_text(indicator, v)} zoals in het rapport en de "
                         f"tabel; CBS StatLine {NATIONAL_SERIES[4:]} geeft {scorecard.value_text(indicator, other)}.")
    df = pd.DataFrame({"gebied": met["area_code"].map(names).to_numpy(), "jaar": met["year"].astype(int).to_numpy(),
                       "waarde": met["value"].astype(float).to_numpy(), "wanneer": when})
    df["tekst"] = [scorecard.value_text(indicator, v) for v in df["waarde"]]
    return df.sort_values(["gebied", "jaar"], kind="stable").reset_index(drop=True), notes


_TREND_COLUMNS = ["indicator", "area_code", "dataset", "series", "meting", "year", "value", "status"]


def _yearly_frame(sel: pd.DataFrame, indicator: str, wijkcode: str, names: dict[str, str],
                  codes: list, metingen: list) -> pd.DataFrame:
    """trend_frame of a figure without metingen for the wijk (CBS): the rows without a meting, per
    area and year the preferred one; counts for the wijk alone. In plain Python over the few rows
    of one indicator (a national run draws some 45,000 of these)."""
    years = sel["year"].tolist()
    counts = catalogue.value_unit(indicator) == "" and not indicator.endswith(("_index",))  # no shared axis
    keep = [i for i, c in enumerate(codes) if period.is_missing(metingen[i]) and not period.is_missing(years[i])
            and (c == wijkcode if counts else c in names)]
    met = period.first_per_area(sel.iloc[keep], keys=["area_code", "year"])
    rows = []
    for c, d, y, v in zip(met["area_code"].tolist(), met["dataset"].tolist(), met["year"].tolist(),
                          met["value"].tolist()):
        # x = the year a figure describes (WOZ of KWB 2024: 2023); where CBS does not say, the edition's
        described = period.described_year(indicator, d, y)
        rows.append((names[c], int(y) if described is None else described, float(v), period.cbs_label(indicator, d, y)))
    rows.sort(key=lambda r: (r[0], r[1]))  # stable, as the frame's sort on (gebied, jaar)
    return pd.DataFrame({"gebied": np.array([r[0] for r in rows], dtype=object), "jaar": np.array([r[1] for r in rows], dtype="int64"),
                         "waarde": np.array([r[2] for r in rows], dtype=float), "wanneer": [r[3] for r in rows],
                         "tekst": [scorecard.value_text(indicator, r[2]) for r in rows]})


def _area_names(obs: pd.DataFrame, wijkcode: str, gemeentecode: str) -> dict[str, str]:
    return {wijkcode: period.area_name(obs, wijkcode), gemeentecode: period.area_name(obs, gemeentecode),
            NL_CODE: "Nederland"}


def trend_indicators(obs: pd.DataFrame, card: pd.DataFrame, wijkcode: str, gemeentecode: str,
                     series: str | None = period.ANY, frames: dict | None = None) -> list[str]:
    """The scorecard's indicators with a trend to draw: two or more measurements of the wijk, or
    (CBS figures) several years of the gemeente around the wijk's figure.

    `frames`: a dict that keeps each indicator's trend_frame for the caller (trends draws them)."""
    frames = {} if frames is None else frames
    names = _area_names(obs, wijkcode, gemeentecode)
    wname = names[wijkcode]
    ok = obs.loc[obs["status"] == "ok", _TREND_COLUMNS]  # what trend_frame reads: fewer (arrow) columns to take
    by_indicator = {ind: rows for ind, rows in ok.groupby("indicator", sort=False)}  # one split, not a filter per KPI
    out = []
    for ind in card["indicator"]:
        if ind not in frames:
            frames[ind] = trend_frame(obs, ind, wijkcode, gemeentecode, series,
                                      rows=by_indicator.get(ind, ok.iloc[:0]), names=names)
        df, _ = frames[ind]
        wijk = df[df["gebied"] == wname]
        if len(wijk) >= 2 or (len(wijk) and df.groupby("gebied")["jaar"].nunique().max() >= 2
                              and (card.loc[card["indicator"] == ind, "kind"] == "jaar").all()):
            out.append(ind)
    return out


def trends(obs: pd.DataFrame, card: pd.DataFrame, wijkcode: str, gemeentecode: str,
           series: str | None = period.ANY, columns: int = 3, width: int = 190, height: int = 120):
    """Small multiples: per KPI with a trend the wijk, the gemeente and Nederland on the same years,
    each with its own scale; notes under the charts say which Nederland value is drawn where two
    sources differ."""
    frames: dict = {}  # each trend_frame once (1-2 ms of pandas each): drawn as trend_indicators chose
    inds = trend_indicators(obs, card, wijkcode, gemeentecode, series, frames)
    wname, gname = period.area_name(obs, wijkcode), period.area_name(obs, gemeentecode)
    if not inds:
        raise NoDataError(f"{wname}: geen KPI met twee of meer metingen")
    charts, notes, unknown = [], [], []
    domain = [wname, gname, "Nederland"]
    colour = alt.Color("gebied:N", title=None, sort=domain,
                       scale=alt.Scale(domain=domain, range=[WIJK_COLOUR, GEMEENTE_COLOUR, NL_COLOUR]),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    for ind in inds:
        df, n = frames[ind]
        notes += n
        if df["wanneer"].str.contains("peiljaar onbekend", regex=False).any():
            unknown.append(catalogue.reader_label(ind))
        unit = catalogue.value_unit(ind)
        unit = "× 1.000 euro" if catalogue_entry(ind)["unit"] == "x 1.000 euro" else unit  # the axis is in thousands
        title = lab.wrap(catalogue.reader_label(ind) + (f" ({unit})" if unit and unit not in ("%", "‰") else ""),
                         width, 10, bold=True)
        base = alt.Chart(df).encode(
            x=alt.X("jaar:Q", title=None, scale=alt.Scale(zero=False, nice=False, padding=10),
                    axis=alt.Axis(format="d", labelAngle=0, labelOverlap=True, **_year_ticks(df["jaar"]))),
            y=alt.Y("waarde:Q", title=None, scale=alt.Scale(zero=False),
                    axis=alt.Axis(format=_legend_format(ind), **_ticks(df["waarde"], ind))),
            color=colour,
            tooltip=[alt.Tooltip("gebied:N", title="Gebied"), alt.Tooltip("wanneer:N", title="Periode"),
                     alt.Tooltip("tekst:N", title="Waarde")])
        lines = base.mark_line(strokeWidth=2)
        points = base.mark_point(filled=True, size=40)
        # sizes and titles given to the constructors, not by .properties(): altair deep-copies the
        # whole chart at each step (most of the time this chart takes to build)
        charts.append(alt.layer(lines, points, width=width, height=height, title=alt.Title(title, fontSize=10)))
    if unknown:
        notes.append(f"CBS noemt niet welk jaar {'dit cijfer beschrijft' if len(unknown) == 1 else 'deze cijfers beschrijven'} "
                     f"({', '.join(unknown)}); {'het staat' if len(unknown) == 1 else 'ze staan'} bij het jaar van de KWB-editie.")
    kind = "metingen" if (card["kind"] == "meting").any() else "jaren"
    sub = [f"per cijfer een eigen schaal; de punten zijn de {kind} met een cijfer (wijs een punt aan voor periode en waarde)"]
    for note in notes:
        sub += lab.wrap("Let op: " + note, columns * (width + 20), 11)
    chart = alt.concat(*charts, columns=columns, spacing=16, title=alt.Title(
        f"Verloop: {wname}, {gname} en Nederland", subtitle=sub))
    return _with_source(chart, "Bron: " + "; ".join(_sources(card)))


def _ticks(values: pd.Series, ind: str, most: int = 5) -> dict:
    """Axis ticks no closer than the published precision (else labels repeat: 13, 13, 14): explicit
    values over a narrow range, vega's own choice otherwise."""
    step = 10 ** -int(catalogue_entry(ind)["decimals"])
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 0.0)
    n = int(round((hi - lo) / step))
    if n > 4 * most:
        return {"tickCount": 4}
    k = max(1, -(-n // (most - 1)))  # every k-th step, at most `most` ticks
    first = math.floor(lo / step + 1e-9)
    ticks = [round((first + i) * step, 6) for i in range(0, n + 2, k) if (first + i) * step <= hi + step * 1e-6]
    return {"values": ticks or [round(lo, 6)]}


def _year_ticks(years: pd.Series) -> dict:
    """Whole years only (vega would put 2022,5 between two years, printed as a second 2023)."""
    ys = sorted({int(y) for y in years})
    if len(ys) <= 5:
        return {"values": ys}
    return {"values": list(range(ys[0], ys[-1] + 1, max(1, -(-(ys[-1] - ys[0]) // 4))))}
