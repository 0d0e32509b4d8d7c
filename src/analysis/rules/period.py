"""Which meting, which year, compared with what: the one answer; the rest of the library asks here.

- a gemeente's own KPIs are measured in metingen of a series (0-meting, 1-meting, ...); each
  meting has a year in the data (`year_of`);
- CBS figures have a year only; a KWB edition's figure describes the year its catalogue
  `peiljaar` says (population on 1 January of the edition year, WOZ the year before); where the
  CBS metadata in the mirror does not say it, the edition is named and the year called unknown
  (`described_year`, `cbs_label`);
- what is shown by default is the latest meting with a value at wijk level, else the latest
  year (`choose`, `of`);
- a value is compared with the reference's value for the same period; when the reference
  (Nederland by default) lacks it, with the reference's latest value and a Dutch phrase saying
  so, else with the gemeente (`reference`);
- over several areas (a region), the comparable year is the latest year all of them have
  (`common_year`); for one reference, its latest year (`reference_year`).
"""
from __future__ import annotations

import functools
import re

import pandas as pd

from analysis.build import gemeenten, monitors
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
    """Keep one row per `keys`: a valid value before a missing one, then `dataset_rank`.

    The rows in that order (a stable sort on (missing, rank), then the first row per key, missing
    keys equal to each other), as `sort_values` + `drop_duplicates` give them; done in plain Python
    because the frames are small and the wijk profile calls this some 30 times (a pandas sort and
    de-duplication cost ~1 ms each on a few dozen rows).
    """
    ranks = [dataset_rank(d) for d in sel["dataset"].tolist()]
    missing = (sel["status"] != "ok").tolist()
    order = sorted(range(len(ranks)), key=lambda i: (missing[i], ranks[i]))
    columns = [sel[k].tolist() for k in keys]
    seen, keep = set(), []
    for i in order:
        key = tuple(None if is_missing(c[i]) else c[i] for c in columns)
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return sel.iloc[keep]


def is_missing(v) -> bool:
    """A missing scalar (None, NaN, pd.NA, NaT), cheaply for the common str/int/float."""
    return v is None or (isinstance(v, float) and v != v) or (not isinstance(v, (str, int, float)) and bool(pd.isna(v)))


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
    """'1-meting' or '2024' (without the meting's year: for a reader, use `meting_label`)."""
    return f"{int(meting)}-meting" if meting is not None else str(year)


def _meting_rows(obs: pd.DataFrame, indicator: str, meting: int, series: str | None = ANY) -> pd.DataFrame:
    sel = obs[(obs["indicator"] == indicator) & (obs["meting"] == meting)]
    if series == ANY and sel["series"].nunique() > 1:  # two series hold this meting: the one per wijk
        series = default_series(obs, indicator)
    if series != ANY:
        sel = sel[sel["series"].fillna("") == (series or "")]
    return sel


def period_of(obs: pd.DataFrame, indicator: str, meting: int, series: str | None = ANY) -> str | None:
    """The period the data gives a meting: '2024', or '2023/2024' for a school year (the latest
    when its areas differ); None when the data gives none."""
    sel = _meting_rows(obs, indicator, meting, series)
    sel = sel[sel["year"].notna()]
    if sel.empty:
        return None
    last = sel[sel["year"] == sel["year"].max()]
    periods = last["period"].dropna().astype(str) if "period" in last else pd.Series(dtype=str)
    return str(periods.iloc[0]) if len(periods) else str(int(last["year"].iloc[0]))


def series_of(obs: pd.DataFrame, indicator: str) -> list[str]:
    """The metingen series an indicator has in the data, sorted."""
    s = obs.loc[(obs["indicator"] == indicator) & obs["meting"].notna(), "series"].dropna()
    return sorted(s.unique())


def series_name(obs: pd.DataFrame, series: str) -> str:
    """A series' short Dutch name: its title in the monitor of the gemeente whose rows carry it,
    without the years ('Kiezen voor Kansen'); else its id in words."""
    codes = obs.loc[(obs["series"] == series) & (obs["area_level"] == "gemeente"), "area_code"].dropna().unique()
    for code in sorted(codes):
        title = _series_titles(str(code)).get(series)
        if title:
            return title
    return str(series).replace("_", " ").capitalize()


@functools.lru_cache(maxsize=64)
def _series_titles(gemeentecode: str) -> dict[str, str]:
    try:
        spec = monitors.load(gemeentecode).series
    except WijkmonitorError:  # a monitor that cannot be read: the id in words
        return {}
    out = {}
    for sid, d in spec.items():
        title = str((d or {}).get("title") or "")
        title = re.sub(r"\s*\([^)]*\)\s*$", "", title)  # '(2023-2028)'
        title = re.sub(r"\s+\d{4}\s*-\s*\d{4}$", "", title).strip()  # '... 2020-2028'
        if title:
            out[sid] = title
    return out


def meting_label(obs: pd.DataFrame, indicator: str, meting: int, series: str | None = ANY,
                 with_series: bool | None = None) -> str:
    """'1-meting (2024)', '0-meting (2022/2023)' for a school year, '0-meting (jaar niet vermeld)'.

    The series' name is added ('1-meting (2022), Kiezen voor Kansen') when the indicator has more
    than one metingen series in the data, or always with `with_series=True` (never with False).
    `series` ANY: the series holding this meting (the one reported per wijk when two do)."""
    when = period_of(obs, indicator, int(meting), series)
    text = f"{int(meting)}-meting ({when or 'jaar niet vermeld'})"
    if with_series is False:
        return text
    known = series_of(obs, indicator)
    if with_series or len(known) > 1:
        sid = series if series not in (ANY, None) else (default_series(obs, indicator) if known else None)
        if sid:
            text += f", {series_name(obs, sid)}"
    return text


def metingen_label(obs: pd.DataFrame, indicators, meting: int, series: str | None = ANY) -> str:
    """A meting over several indicators (a table column): '0-meting (2020)', or the range of its
    years when they differ per indicator ('0-meting (2016-2023)')."""
    ids = [indicators] if isinstance(indicators, str) else list(indicators)
    years = sorted({y for i in ids for y in [year_of(obs, i, meting, series)] if y is not None})
    if not years:
        return f"{int(meting)}-meting (jaar niet vermeld)"
    if len(years) == 1:
        ps = {period_of(obs, i, meting, series) for i in ids if year_of(obs, i, meting, series) is not None}
        return f"{int(meting)}-meting ({ps.pop() if len(ps) == 1 else years[0]})"
    return f"{int(meting)}-meting ({years[0]}-{years[-1]})"


def kwb_edition(dataset: str, year) -> int | None:
    """The KWB edition of a CBS row: 'kwb_2024' -> 2024; the PDOK gemeente maps ('kwb_gemeenten')
    carry their edition as the row's year; None for other datasets."""
    d = str(dataset)
    if d.startswith("kwb_") and d[4:].isdigit():
        return int(d[4:])
    if d == "kwb_gemeenten" and year is not None and pd.notna(year):
        return int(year)
    return None


def peiljaar(indicator: str) -> dict | None:
    """The catalogue's reference-period rule of a KWB figure ({'offset': -1, 'peildatum': ...});
    None where the CBS metadata in the mirror does not say which year the figure describes."""
    rule = catalogue_entry(indicator).get("peiljaar")
    return rule if isinstance(rule, dict) else None


def described_year(indicator: str, dataset: str, year) -> int | None:
    """The year a CBS figure describes: for a KWB edition the edition's year plus the catalogue's
    offset (None: not known); for other tables (83841NED: the income year) the row's year."""
    edition = kwb_edition(dataset, year)
    if edition is None:
        return int(year) if year is not None and pd.notna(year) else None
    rule = peiljaar(indicator)
    return edition + int(rule["offset"]) if rule is not None else None


def cbs_label(indicator: str, dataset: str, year) -> str:
    """What a reader sees for the period of a CBS figure: '2023 (KWB 2024)' (the year described,
    the edition as the source), 'KWB 2023, peiljaar onbekend', or the year of another CBS table."""
    edition = kwb_edition(dataset, year)
    if edition is None:
        return str(int(year)) if year is not None and pd.notna(year) else "jaar niet vermeld"
    described = described_year(indicator, dataset, year)
    return f"{described} (KWB {edition})" if described is not None else f"KWB {edition}, peiljaar onbekend"


def period_label(obs: pd.DataFrame, indicator: str, meting: int | None = None, year: int | None = None,
                 series: str | None = ANY) -> str:
    """What a reader sees for a period: `meting_label` for a meting, else the year (`cbs_label`
    when the indicator's rows of that year come from one KWB edition)."""
    if meting is not None:
        return meting_label(obs, indicator, meting, series)
    return cbs_label(indicator, _area_dataset(obs, indicator, year), year)


def _area_dataset(obs: pd.DataFrame, indicator: str, year) -> str:
    """The dataset of an indicator's wijk and gemeente figures of a year (the label describes them, not
    Nederland's, which may come from another CBS table): the KWB edition when they are all KWB."""
    sel = obs[(obs["indicator"] == indicator) & (obs["year"] == year) & obs["meting"].isna()]
    local = sel[sel["area_level"].isin(["wijk", "gemeente"])]
    ds = (local if len(local) else sel)["dataset"].unique()
    kwb = [d for d in ds if kwb_edition(d, year) is not None]
    return str(kwb[0]) if kwb and len(kwb) == len(ds) else "-"


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
    period = meting_label(obs, indicator, meting, with_series=False) if meting is not None else str(year)
    rows = rows_at(obs, indicator, meting, year)
    same = rows[(rows["area_code"] == reference) & (rows["status"] == "ok")]
    if len(same):
        first = first_per_area(same).iloc[0]
        v = float(first["value"])
        # a CBS year figure of another table than the areas' KWB edition: say which period it is
        other = ""
        if meting is None and kwb_edition(first["dataset"], year) is None:
            own = _area_dataset(obs, indicator, year)
            if own != "-" and described_year(indicator, own, year) != int(year):
                other = f"{int(year)}, CBS StatLine {str(first['dataset'])[4:]}" \
                    if str(first["dataset"]).startswith("cbs_") else str(int(year))
        return {"value": v, "name": ref_name, "kind": "zelfde", "short": f"{ref_name} ({other})" if other else ref_name,
                "tekst": f"midden = {ref_name} ({fmt(indicator, v)}{'; ' + other if other else ''})"}
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
    year_txt = (str(r["period"]) if pd.notna(r.get("period")) else str(int(r["year"]))) if pd.notna(r["year"]) \
        else "jaar niet vermeld"
    when = f"{int(r['meting'])}-meting ({year_txt})" if pd.notna(r["meting"]) else year_txt
    v = float(r["value"])
    lacking = f"geen cijfer voor de {period}" if meting is not None else f"geen cijfer voor {period}"
    return {"value": v, "name": ref_name, "kind": "laatste", "short": f"{ref_name} {when}",
            "tekst": f"midden = {ref_name}, {when} ({fmt(indicator, v)}); {lacking}"}

