"""Which meting, which year, compared with what: the one answer; the rest of the library asks here.

- a gemeente's own KPIs are measured in metingen of a series (0-meting, 1-meting, ...); each
  meting has a year in the data (`year_of`);
- CBS figures have a year only;
- what is shown by default is the latest meting with a value at wijk level, else the latest
  year (`choose`, `of`);
- a value is compared with the reference's value for the same period; when the reference
  (Nederland by default) lacks it, with the reference's latest value and a Dutch phrase saying
  so, else with the gemeente (`reference`);
- over several areas (a region), the comparable year is the latest year all of them have
  (`common_year`); for one reference, its latest year (`reference_year`).
"""
from __future__ import annotations

import pandas as pd

from analysis.build import gemeenten
from analysis.core.areas import NL_CODE
from analysis.core.catalogue import fmt
from analysis.core.catalogue import indicator as catalogue_entry
from analysis.core.errors import NoDataError, ParameterError, WijkmonitorError

ANY = "*"  # any metingen series (None means: rows without a series)


# --- rows of a period ---------------------------------------------------------------------------

def dataset_rank(dataset: str) -> tuple[int, int]:
    """Preference when one area has a value in several datasets for the same period: the
    gemeente's own measurements first, then the newest KWB edition, then other CBS tables."""
    if dataset.startswith("kwb_") and dataset[4:].isdigit():
        return 1, -int(dataset[4:])
    if dataset.startswith(("kwb_", "cbs_")):
        return 2, 0
    return 0, 0


def first_per_area(sel: pd.DataFrame, keys: list[str] = ("area_code",)) -> pd.DataFrame:
    """Keep one row per `keys`: a valid value before a missing one, then `dataset_rank`."""
    sel = sel.assign(_o=sel["dataset"].map(dataset_rank), _ok=sel["status"] != "ok")
    return sel.sort_values(["_ok", "_o"], kind="stable").drop_duplicates(list(keys)).drop(columns=["_o", "_ok"])


def rows_at(obs: pd.DataFrame, indicator: str, meting=None, year=None) -> pd.DataFrame:
    """An indicator's rows of one meting, or of one year among the rows without a meting."""
    sel = obs[obs["indicator"] == indicator]
    return sel[sel["meting"] == meting] if meting is not None else sel[(sel["year"] == year) & sel["meting"].isna()]


def _ok(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return obs[(obs["indicator"] == indicator) & (obs["status"] == "ok")]


# --- metingen and years --------------------------------------------------------------------------

def default_series(obs: pd.DataFrame, indicator: str) -> str | None:
    """The metingen series of an indicator: the one with the most rows (the one reported per wijk)."""
    s = obs.loc[(obs["indicator"] == indicator) & obs["meting"].notna(), "series"].dropna()
    return s.value_counts().index[0] if len(s) else None


def metingen(obs: pd.DataFrame, indicators, series: str | None = ANY, level: str | None = None,
             measured: bool = False) -> list[int]:
    """The metingen in the data of `indicators` (one id or several), ascending.

    `series`: ANY, a series name, or None for rows without a series; `level`: only areas of that
    level; `measured`: only rows with a value (status ok)."""
    ids = [indicators] if isinstance(indicators, str) else list(indicators)
    sel = obs[obs["meting"].notna() & obs["indicator"].isin(ids)]
    if series != ANY:
        sel = sel[sel["series"].fillna("") == (series or "")]
    if level:
        sel = sel[sel["area_level"] == level]
    if measured:
        sel = sel[sel["status"] == "ok"]
    return sorted(int(m) for m in sel["meting"].unique())


def latest_meting(obs: pd.DataFrame, indicator: str, level: str = "wijk") -> int | None:
    """The latest meting of the indicator's series with at least one value at `level` (None: none)."""
    found = metingen(obs, indicator, default_series(obs, indicator), level, measured=True)
    return found[-1] if found else None


def latest_year(obs: pd.DataFrame, indicator: str, level: str | None = "wijk") -> int | None:
    """The latest year with a value at `level` (None: any) among rows without a meting (CBS figures)."""
    sel = _ok(obs, indicator)
    sel = sel[sel["meting"].isna() & ((sel["area_level"] == level) if level else True)]
    return int(sel["year"].max()) if sel["year"].notna().any() else None


def year_of(obs: pd.DataFrame, indicator: str, meting: int, series: str | None = ANY) -> int | None:
    """The year the data gives a meting of an indicator (the latest when its areas differ)."""
    sel = obs[(obs["indicator"] == indicator) & (obs["meting"] == meting)]
    if series != ANY:
        sel = sel[sel["series"].fillna("") == (series or "")]
    years = sel["year"].dropna()
    return int(years.max()) if len(years) else None


def choose(obs: pd.DataFrame, indicator: str, meting=None, year=None,
           level: str | None = "wijk") -> tuple[int | None, int | None]:
    """(meting, year) as given, else the latest meting with a `level` value, else the latest year."""
    if meting is not None or year is not None:
        return meting, year
    sel = _ok(obs, indicator)
    sel = sel[sel["area_level"] == level] if level else sel
    if sel["meting"].notna().any():
        return int(sel["meting"].max()), None
    years = sel.loc[sel["meting"].isna(), "year"].dropna()
    if len(years):
        return None, int(years.max())
    raise NoDataError(f"{catalogue_entry(indicator)['label']}: geen cijfers in de gegevens")


def of(obs: pd.DataFrame, indicator: str, meting: int | None = None) -> dict:
    """The period to show an indicator for: {'meting': m} (default the latest with wijk values)
    for a gemeente's own KPIs, {'year': y} (the latest) for CBS figures."""
    label = catalogue_entry(indicator)["label"]  # an unknown indicator: one Dutch line with close ids
    if meting is not None:
        return {"meting": check_meting(obs, indicator, meting, label)}
    m = latest_meting(obs, indicator)
    if m is not None:
        return {"meting": m}
    y = latest_year(obs, indicator)
    if y is None:
        raise NoDataError(f"{catalogue_entry(indicator)['label']}: geen wijkcijfers in de data")
    return {"year": y}


def check_meting(obs: pd.DataFrame, indicator: str, meting, label: str | None = None) -> int:
    """A meting parameter ('2', 2) as a meting of the indicator's series in the data, else one Dutch line
    (meting 'abc', or one the data does not have) naming the metingen there are."""
    label = label or catalogue_entry(indicator)["label"]
    known = metingen(obs, indicator, default_series(obs, indicator))
    choice = f"kies uit {', '.join(map(str, known))}" if known else "laat meting leeg (None): dit zijn jaarcijfers"
    text = str(meting).strip()
    if isinstance(meting, bool) or not text.isdigit():
        raise ParameterError(f"meting {meting!r} is geen metingnummer; {choice} ({label})")
    if int(text) not in known:
        raise ParameterError(f"meting {int(text)} bestaat niet voor {label}; {choice}")
    return int(text)


def label(meting: int | None = None, year: int | None = None) -> str:
    """'1-meting' or '2024'."""
    return f"{int(meting)}-meting" if meting is not None else str(year)


# --- the reference --------------------------------------------------------------------------------

def area_name(obs: pd.DataFrame, code: str) -> str:
    """The name the data gives an area ('Nederland' for NL00); the code itself as last resort."""
    if code == NL_CODE:
        return "Nederland"
    names = obs.loc[obs["area_code"] == code, "area_name"].dropna()
    if len(names):
        return str(names.iloc[0])
    try:  # not in the data: the gemeente register (boundary data)
        return gemeenten.name(code)
    except WijkmonitorError:  # not a gemeente of the boundary year, or no boundary file
        return code


def reference_year(obs: pd.DataFrame, indicator: str, reference: str = NL_CODE) -> int | None:
    """The latest year the reference (Nederland, a gemeente) has a value of the indicator."""
    sel = _ok(obs, indicator)
    years = sel.loc[sel["area_code"] == reference, "year"].dropna()
    return int(years.max()) if len(years) else None


def common_year(obs: pd.DataFrame, indicator: str, codes, level: str | None = None) -> int | None:
    """The latest year (rows without a meting) in which every one of `codes` that has the indicator
    has a value: the year a table over several areas (a region) can compare them on."""
    sel = _ok(obs, indicator)
    sel = sel[sel["meting"].isna() & sel["area_code"].isin(list(codes))]
    if level:
        sel = sel[sel["area_level"] == level]
    present = sel.groupby("year")["area_code"].nunique()
    full = present[present == sel["area_code"].nunique()]
    return int(full.index.max()) if len(full) else None


def reference(obs: pd.DataFrame, indicator: str, gemeentecode: str, meting=None, year=None,
              reference: str = NL_CODE) -> dict:
    """The value to compare with: the reference's own for this period, else its latest, else the gemeente's.

    Returns value, name, `kind` ('zelfde', 'laatste', 'gemeente'), `short` and `tekst`: a Dutch
    legend line that says which value it is when it is not the same period's.
    """
    ref_name = area_name(obs, reference)
    period = label(meting, year)
    rows = rows_at(obs, indicator, meting, year)
    same = rows[(rows["area_code"] == reference) & (rows["status"] == "ok")]
    if len(same):
        v = float(first_per_area(same)["value"].iloc[0])
        return {"value": v, "name": ref_name, "kind": "zelfde", "short": ref_name,
                "tekst": f"midden = {ref_name} ({fmt(indicator, v)})"}
    alls = _ok(obs, indicator)
    alls = alls[alls["area_code"] == reference].sort_values(["year", "meting"], na_position="first", kind="stable")
    if len(alls):
        return _latest_of_reference(indicator, alls.iloc[-1], ref_name, meting, period)
    gem = rows[(rows["area_code"] == gemeentecode) & (rows["status"] == "ok")]
    if reference != gemeentecode and len(gem):
        v = float(first_per_area(gem)["value"].iloc[0])
        g = area_name(obs, gemeentecode)
        return {"value": v, "name": g, "kind": "gemeente", "short": g,
                "tekst": f"midden = {g} ({fmt(indicator, v)}); geen cijfer van {ref_name}"}
    raise NoDataError(f"{catalogue_entry(indicator)['label']}, {period}: geen cijfer van {ref_name} of "
                      f"{area_name(obs, gemeentecode)} om mee te vergelijken")


def _latest_of_reference(indicator: str, r, ref_name: str, meting, period: str) -> dict:
    """The fall-back: the reference's latest value, named with its meting and year."""
    year_txt = str(int(r["year"])) if pd.notna(r["year"]) else "jaar onbekend"
    when = f"{int(r['meting'])}-meting ({year_txt})" if pd.notna(r["meting"]) else year_txt
    v = float(r["value"])
    lacking = f"geen cijfer voor de {period}" if meting is not None else f"geen cijfer voor {period}"
    return {"value": v, "name": ref_name, "kind": "laatste", "short": f"{ref_name} {when}",
            "tekst": f"midden = {ref_name}, {when} ({fmt(indicator, v)}); {lacking}"}


# --- labels a reader sees -------------------------------------------------------------------------

def series_of(obs: pd.DataFrame, indicator: str) -> list[str]:
    """The metingen series an indicator is measured in (sorted)."""
    s = obs.loc[(obs["indicator"] == indicator) & obs["meting"].notna(), "series"].dropna()
    return sorted(str(x) for x in s.unique())


def series_name(obs: pd.DataFrame, series: str) -> str:
    """A series' short Dutch name from its monitor ('Kiezen voor Kansen'), else its id in words."""
    import re

    codes = obs.loc[(obs["series"] == series) & (obs["area_level"] == "gemeente"), "area_code"].dropna().unique()
    for code in sorted(codes):
        try:
            from analysis.build import monitors  # noqa: PLC0415 (only when a series is named)

            title = (monitors.load(str(code)).series.get(series) or {}).get("title")
        except Exception:
            title = None
        if title:
            return re.sub(r"\s*\(?\d{4}\s*-\s*\d{4}\)?\s*$", "", str(title).split(" (")[0]).strip()
    return str(series).replace("_", " ").capitalize()


def period_text(obs: pd.DataFrame, indicator: str, meting: int, series: str | None = ANY) -> str | None:
    """The period the data gives a meting ('2024', or a school year '2022/2023'); None: none."""
    sel = obs[(obs["indicator"] == indicator) & (obs["meting"] == meting)]
    if series != ANY:
        sel = sel[sel["series"].fillna("") == (series or "")]
    if "period" in sel:
        texts = sel.loc[sel["period"].notna(), ["year", "period"]].astype({"period": str})
        texts = texts[texts["period"].str.strip() != ""]
        if len(texts):  # the latest when its areas differ (as year_of)
            return str(texts.sort_values("year", kind="stable")["period"].iloc[-1])
    y = year_of(obs, indicator, meting, series)
    return str(y) if y is not None else None


def meting_label(obs: pd.DataFrame, indicator: str, meting: int, series: str | None = ANY,
                 with_series: bool | None = None) -> str:
    """'1-meting (2024)', '0-meting (2022/2023)' (a school year), '1-meting (jaar onbekend)'.

    The series' name is added ('1-meting (2023), Kiezen voor Kansen') when the indicator is
    measured in more than one series (`with_series=None`) or when `with_series` is True.
    """
    known = series_of(obs, indicator)
    if series == ANY and len(known) > 1:  # the series reported per wijk, not a mix of two series' years
        series = default_series(obs, indicator)
    when = period_text(obs, indicator, meting, series)
    text = f"{int(meting)}-meting ({when or 'jaar onbekend'})"
    if with_series is None:
        with_series = len(known) > 1
    if with_series:
        name = series if series not in (ANY, None) else (known[0] if len(known) == 1 else None)
        if name:
            text += f", {series_name(obs, name)}"
    return text
