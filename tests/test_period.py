"""rules/period: which meting, which year, compared with what (Roermond's data, the May 2025 report)."""
import pytest

from analysis.build import monitors
from analysis.rules import period, region

TOT120 = "households_below_120pct_social_minimum_pct"


def _kpis(kpi_set: str) -> list[str]:
    return next(k.indicators for k in monitors.load("GM0957").kpi_sets if k.id == kpi_set)


def test_latest_meting(obs):
    """Bijlage 2C per wijk has a 0- and a 1-meting; shown by default: the 1-meting."""
    assert period.metingen(obs, _kpis("kpis_per_wijk"), level="wijk", measured=True) == [0, 1]
    assert period.latest_meting(obs, TOT120) == 1
    assert period.choose(obs, TOT120) == (1, None)
    assert period.of(obs, TOT120) == {"meting": 1}
    # Bijlage 1 (beleidskader) has a 2-meting, for the gemeente only
    assert period.metingen(obs, "self_rated_health_pct", series="beleidskader") == [0, 1, 2]
    # CBS figures have years only: the latest year with wijk values
    assert period.of(obs, "population") == {"year": 2025}


def test_year_of_a_meting(obs):
    """Bijlage 2C: 120% sociaal minimum 0-meting 2022, 1-meting 2023; Bijlage 1: vrijwilligers 0-meting 2016."""
    assert period.year_of(obs, TOT120, 0) == 2022
    assert period.year_of(obs, TOT120, 1) == 2023
    assert period.year_of(obs, "volunteers_pct", 0, series="beleidskader") == 2016
    assert period.year_of(obs, "volunteers_pct", 0, series="kiezen_voor_kansen") == 2020
    assert period.year_of(obs, TOT120, 7) is None


def test_comparable_reference_year(obs):
    """Nederland's latest 120% figure is 2024 (CBS 83841NED, 11,8%); the region's gemeenten all have
    2024 inhabitants although Roermond alone has 2025 (61.210), so the region table shows 2024."""
    assert period.reference_year(obs, TOT120, "NL00") == 2024
    gemeenten = monitors.load("GM0957").regions[0].gemeenten
    assert period.common_year(obs, "population", gemeenten, level="gemeente") == 2024
    assert period.latest_year(obs, "population", level="gemeente") == 2025
    t = region.table(obs, monitors.load("GM0957").regions[0])
    assert t.loc["Aantal inwoners, 2024 (KWB 2024)", "Roermond"] == "60.743"
    assert t.loc["Aantal inwoners, 2024 (KWB 2024)", "Echt-Susteren"] == "32.041"
    # the gemeenten's PDOK 2022 figure has no known income year; Nederland's 6,3% is 83841NED's income year 2022
    assert t.loc["Huishoudens onder of rond het sociaal minimum, KWB 2022, peiljaar onbekend", "Nederland"] == \
        "6,3% (2022, CBS StatLine 83841NED)"


def test_fall_back_when_nederland_lacks_the_meting(obs):
    """Report 2C: Nederland 12,2% in the 1-meting; vrijwilligers has no national 0-meting ('-'),
    so the 1-meting of 2022 (23,8%) is the reference and the legend says so; overgewicht groep 7 has
    no national figure at all, so Roermond's own (23%) is."""
    same = period.reference(obs, TOT120, "GM0957", meting=1)
    assert (same["kind"], same["value"], same["tekst"]) == ("zelfde", 12.2, "midden = Nederland (12,2%)")
    latest = period.reference(obs, "volunteers_pct", "GM0957", meting=0)
    assert latest["kind"] == "laatste" and latest["value"] == 23.8
    assert latest["tekst"] == "midden = Nederland, 1-meting (2022) (23,8%); geen cijfer voor de 0-meting (2020)"
    gem = period.reference(obs, "overweight_group7_pct", "GM0957", meting=1)
    assert gem["kind"] == "gemeente" and gem["value"] == 23.0
    assert gem["tekst"] == "midden = Roermond (23%); geen cijfer van Nederland"


def test_no_period_at_all_is_a_dutch_error(obs):
    from analysis.core.errors import NoDataError

    with pytest.raises(NoDataError, match="geen wijkcijfers in de data"):
        period.of(obs[obs.indicator != TOT120], TOT120)


# --- CBS figures: the year they describe, the KWB edition as the source (issue 20 item 1) ---------

def _data_properties() -> dict:
    import csv

    from analysis.core import paths
    path = paths.mirror_dir(required=True) / "cbs" / "niquedegraaff_85984NED_kwb2024_DataProperties_topics.csv"
    with open(path, encoding="utf-8") as f:
        return {r["Key"].rsplit("_", 1)[0]: r["Description"] for r in csv.DictReader(f)}


def test_catalogue_peiljaar_rests_on_the_cbs_metadata_in_the_mirror():
    """Every KWB indicator says which year it describes, or that the metadata does not tell it; the
    rules agree with 85984NED's own definitions (KWB 2024)."""
    from analysis.core import catalogue
    cat = catalogue.catalogue()
    kwb = cat[cat["bron"].astype(str).str.startswith("CBS Kerncijfers")]
    assert kwb["peiljaar"].notna().all(), list(kwb.index[kwb["peiljaar"].isna()])
    props = _data_properties()
    assert "waardepeildatum van voorgaand jaar, bijv: - 2024: waardepeildatum 1 januari 2023" in props[
        "GemiddeldeWOZWaardeVanWoningen"]
    assert period.peiljaar("avg_woz_keur")["offset"] == -1
    for key, ind in (("k_0Tot15Jaar", "age_0_14"), ("Bevolkingsdichtheid", "population_density"),
                     ("Woningvoorraad", "dwellings"), ("Koopwoningen", "owner_occupied_pct")):
        assert "1 januari" in props[key] and period.peiljaar(ind) == {"offset": 0, "peildatum": "1 januari"}
    # income: only "voorlopige cijfers", no year: the catalogue does not guess one
    for key, ind in (("GemiddeldInkomenPerInwoner", "avg_income_per_resident_keur"),
                     ("HuishOnderOfRondSociaalMinimum", "households_social_minimum_pct"),
                     ("Nettoarbeidsparticipatie", "net_labour_participation_pct")):
        assert "voorlopige cijfers" in props[key] and not __import__("re").search(r"\b20\d\d\b", props[key])
        assert period.peiljaar(ind) is None and cat.loc[ind, "peiljaar"] == "onbekend"


def test_cbs_figures_are_labelled_by_the_year_they_describe(obs):
    """Donderberg (WK095704) in the mirror: 7.210 inwoners in KWB 2024 (1 January 2024); WOZ
    € 222.000 in KWB 2023 (waardepeildatum 1 January 2022); income per inwoner 20 (x 1.000 euro)
    in KWB 2022 (PDOK 2022 map), whose income year the mirror does not give."""
    from analysis.rules import scorecard
    assert period.cbs_label("population", "kwb_2024", 2024) == "2024 (KWB 2024)"
    assert period.cbs_label("avg_woz_keur", "kwb_2024", 2024) == "2023 (KWB 2024)"
    assert period.described_year("avg_woz_keur", "kwb_gemeenten", 2023) == 2022
    assert period.cbs_label("avg_income_per_resident_keur", "kwb_2022", 2022) == "KWB 2022, peiljaar onbekend"
    assert period.cbs_label("households_social_minimum_pct", "cbs_83841NED", 2023) == "2023"  # an income year
    pop = obs[(obs["indicator"] == "population") & (obs["area_code"] == "WK095704") & (obs["dataset"] == "kwb_2024")]
    assert pop["value"].tolist() == [7210.0]
    card = scorecard.cbs_figures(obs, "WK095704", "GM0957").set_index("indicator")
    woz, inc = card.loc["avg_woz_keur"], card.loc["avg_income_per_resident_keur"]
    assert (woz.value, woz.period, woz.source) == (222.0, "2022 (KWB 2023)", "CBS Kerncijfers wijken en buurten 2023")
    assert (inc.value, inc.period) == (20.0, "KWB 2022, peiljaar onbekend")
    t = scorecard.table(card.reset_index(), "Roermond")
    assert t.loc["Gemiddelde WOZ-waarde van woningen", "Jaar"] == "2022 (KWB 2023)"
    assert t.loc["Gemiddelde WOZ-waarde van woningen", "Verandering"] == "↑ van € 169.000 in 2021 (KWB 2022)"
    # Nederland's income-year figure beside a KWB figure of unknown peiljaar: its year and table named
    assert t.loc["Huishoudens onder of rond het sociaal minimum", "Nederland"] == "6,3% in 2023 (CBS StatLine 83841NED)"
    # the report's 13,8% ('meetjaar 2022') before a KWB 2023 figure of unknown peiljaar: no change claimed
    assert t.loc["Huishoudens onder of rond het sociaal minimum", "Verandering"] == "-"
    assert "peiljaar onbekend" in scorecard.legend(card.reset_index(), "Roermond", short=True).lower()


def test_country_page_and_region_name_the_period_of_each_cbs_figure(obs):
    """The national index compares the gemeente's KWB figure with Nederland: both periods named
    (Roermond 7,8% in KWB 2023 block B, Nederland 6,3% in 83841NED income year 2023)."""
    from analysis.pages import landing
    figs = {(f["indicator"], f["year"]): f for f in landing.country_figures(obs, "GM0957")}
    f = figs[("households_social_minimum_pct", 2023)]
    assert (f["value"], f["nl"]) == (7.8, 6.3)
    assert (f["when"], f["nl_when"]) == ("KWB 2023, peiljaar onbekend", "2023, CBS StatLine 83841NED")


def test_a_kwb_year_label_names_nederlands_other_table(obs):
    """The overzicht's sociaal-minimum map: the wijken's KWB 2023 figures (peiljaar unknown) against
    Nederland's 6,3% of 83841NED (income year 2023): the period of each is named, not 'same year'."""
    assert period.period_label(obs, "households_social_minimum_pct", year=2023) == "KWB 2023, peiljaar onbekend"
    ref = period.reference(obs, "households_social_minimum_pct", "GM0957", year=2023)
    assert ref["value"] == 6.3 and ref["tekst"] == "midden = Nederland (6,3%; 2023, CBS StatLine 83841NED)"
    assert period.reference(obs, "population", "GM0957", year=2024)["tekst"] == "midden = Nederland (17.942.942)"


def test_first_per_area_is_sort_then_first_row(obs):
    """first_per_area (plain Python, for speed) keeps what a stable sort on (missing, dataset rank)
    followed by the first row per key keeps, in that order, missing keys equal: on Roermond's
    observations with every key set the library uses."""
    import pandas as pd

    def reference(sel, keys):
        sel = sel.assign(_o=sel["dataset"].map(period.dataset_rank), _ok=sel["status"] != "ok")
        return sel.sort_values(["_ok", "_o"], kind="stable").drop_duplicates(list(keys)).drop(columns=["_o", "_ok"])

    for keys in (["area_code"], ["area_code", "meting"], ["area_code", "year"], ["indicator", "area_code", "year"],
                 ["indicator", "area_code", "meting", "series"]):
        for sel in (obs, obs[obs["indicator"] == TOT120], obs.iloc[:0]):
            pd.testing.assert_frame_equal(period.first_per_area(sel, keys), reference(sel, keys), check_exact=True)
    # Roermond's 120% figure: the KPI table's own 1-meting value (13,7% in Centrum) before any CBS row
    kept = period.first_per_area(period.rows_at(obs, TOT120, meting=1), ["area_code"])
    assert kept["area_code"].is_unique
    assert kept.set_index("area_code")["value"]["WK095700"] == pytest.approx(13.7)
