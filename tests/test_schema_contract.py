"""The schema contract per source: a table that is there but lacks a declared key is one error naming
file, table, edition and key (never a silent drop); an edition that is not there at all stays a warning.

Each case is a real mirror file with one key renamed, in a private mirror (WIJKMONITOR_MIRROR).
"""
import shutil
import warnings

import pytest
from test_sources_validation import _fresh_downloads, _table, mirror_copy  # noqa: F401 (fixtures)

from analysis.build import observations
from analysis.core import catalogue as cat
from analysis.core.errors import SourceWarning
from analysis.sources import cbs, cbs_v4
from analysis.sources.schema import SchemaError


def _rename_header(mirror_copy, rel, old, new):
    text = mirror_copy.read(rel)
    header, rest = text.split("\n", 1)
    cols = header.split(",")
    assert old in cols, (old, cols[:10])
    mirror_copy.put(rel, ",".join(new if c == old else c for c in cols) + "\n" + rest)


# --- KWB mirror extracts, one per edition ---------------------------------------------------------

@pytest.mark.parametrize("year, old, new, key, ind", [
    (2022, "mannen", "man", "mannen", "men"),
    (2023, "B2023_huishoudens_totaal", "B2023_huishoudens_tot", "huishoudens_totaal", "households"),
    (2025, "A2025_aantal_inwoners", "A2025_inwoners", "aantal_inwoners", "population"),
])
def test_kwb_csv_extract_with_a_renamed_column_is_an_error(mirror_copy, year, old, new, key, ind):
    rel = cbs.MIRROR_KWB[year].path
    _rename_header(mirror_copy, rel, old, new)
    table = cbs.KWB_TABLES[year]
    with pytest.raises(SchemaError, match=rf"{rel.split('/')[-1]}: CBS {table}, KWB {year}: sleutel {key} \({ind}\) "
                                          rf"ontbreekt; onbekende kolommen: {new[len(cbs.MIRROR_KWB[year].prefix):]}"):
        cbs.kwb_observations(year, "GM0957")


def test_kwb_2024_extract_with_renamed_key_is_an_error(mirror_copy):
    """The issue's case: AantalInwoners_5 -> Inwoners_5 used to drop 11 rows of Roermond with exit 0."""
    rel = cbs.MIRROR_KWB[2024].path
    mirror_copy.put(rel, mirror_copy.read(rel).replace('"AantalInwoners_5"', '"Inwoners_5"'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)  # the failed download of the full table (offline)
        with pytest.raises(SchemaError, match=r"niquedegraaff_85984NED_kwb2024_GM_WK_population_area\.json: CBS "
                                              r"85984NED, KWB 2024: sleutel AantalInwoners_5 \(population\) ontbreekt; "
                                              r"onbekende kolommen: Inwoners_5 \(hernoemd door CBS\?"):
            cbs.kwb_observations(2024, "GM0957")
        # strict or not: the contract is not a warning any more
        with pytest.raises(SchemaError):
            cbs.kwb_observations(2024, "GM0957", strict=False)


def test_build_refuses_a_renamed_key_and_keeps_the_previous_generation(mirror_copy, tmp_path):
    out = tmp_path / "processed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        first = observations.build("GM0957", out_dir=out)
    rel = cbs.MIRROR_KWB[2024].path
    mirror_copy.put(rel, mirror_copy.read(rel).replace('"Mannen_6"', '"Man_6"'))
    cbs._read_mirror_cached.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SourceWarning)
        with pytest.raises(SchemaError, match=r"KWB 2024: sleutel Mannen_6 \(men\) ontbreekt"):
            observations.build("GM0957", out_dir=out)
    kept = observations.load(out_dir=out)
    assert len(kept) == len(first["observations"])


# --- complete KWB tables (cache or download): the catalogue is the contract --------------------------

def test_complete_table_of_the_new_layout_needs_the_armoede_keys_not_the_social_minimum(tmp_path):
    new_keys = [f"{k}_{i}" for i, k in enumerate(cat.expected_indicators(2025, "new").values(), start=5)]
    path = tmp_path / "kwb_2025_GM0957.csv"
    _table(new_keys).to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SourceWarning)
        out = cbs._from_cache(path, 2025, "GM0957", strict=False)
    assert "households_social_minimum_pct" not in set(out.indicator)
    renamed = [k.replace("PersonenTot25BovenArmoedegrens", "PersonenTot25ProcentBovenArmoedegrens") for k in new_keys]
    _table(renamed).to_csv(path, index=False)
    with pytest.raises(SchemaError, match=r"kwb_2025_GM0957\.csv: CBS 86165NED, KWB 2025 \(nieuwe indeling\): sleutel "
                                          r"PersonenTot25BovenArmoedegrens \(persons_up_to_25pct_above_poverty_line_pct\) "
                                          r"ontbreekt; onbekende kolommen: PersonenTot25ProcentBovenArmoedegrens_"):
        cbs._from_cache(path, 2025, "GM0957", strict=False)


def test_complete_table_of_the_old_layout_lacking_social_minimum_is_an_error(tmp_path):
    keys = [f"{k}_{i}" for i, k in enumerate(cat.expected_indicators(2024, "old").values(), start=5)
            if not k.startswith("HuishOnderOfRond")]
    path = tmp_path / "kwb_2024_GM0957.csv"
    _table(keys).to_csv(path, index=False)
    with pytest.raises(SchemaError, match=r"kwb_2024_GM0957\.csv: CBS 85984NED, KWB 2024 \(oude indeling\): sleutel "
                                          r"HuishOnderOfRondSociaalMinimum \(households_social_minimum_pct\) ontbreekt"):
        cbs._from_cache(path, 2024, "GM0957", strict=False)


def test_an_edition_the_mirror_does_not_have_stays_a_warning():
    """GM1711: the mirror has KWB 2024 (all NL), not 2022/2023/2025 (Roermond's extracts): warnings only."""
    with pytest.warns(SourceWarning, match=r"kwb_2025_GM1711\.csv' not in cache or mirror"):
        out = cbs.observations("GM1711")
    assert set(out["dataset"]) == {"kwb_2024"}


# --- CBS 83841NED (OData v4) -------------------------------------------------------------------------

def _v4_copy(mirror_copy):
    folder = mirror_copy.path / "cbs" / "odata4_83841NED"
    real = folder.resolve()
    folder.unlink()
    shutil.copytree(real, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    return folder


def test_v4_83841NED_with_a_renamed_code_is_an_error(mirror_copy):
    folder = _v4_copy(mirror_copy)
    for name in ("InkomensgrensHuishoudenCodes.csv", "Observations.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("A043008", "A043099"), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"odata4_83841NED: CBS 83841NED, editie 2025-10-08, "
                                          r"InkomensgrensHuishoudenCodes\.csv: sleutel A043008 "
                                          r"\(households_below_120pct_social_minimum_pct\) ontbreekt"):
        cbs_v4.national_low_income()


def test_v4_83841NED_with_a_renamed_measure_is_an_error(mirror_copy):
    folder = _v4_copy(mirror_copy)
    for name in ("MeasureCodes.csv", "Observations.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("1050010_2", "1050010_9"), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"CBS 83841NED, editie 2025-10-08, MeasureCodes\.csv: "
                                          r"sleutel 1050010_2 \(Measure\) ontbreekt"):
        cbs_v4.national_low_income()


# --- PDOK attributes ------------------------------------------------------------------------------------

def test_pdok_wijk_attributes_with_a_renamed_field_are_an_error(mirror_copy):
    rel = cbs.NL_WIJKEN_2024
    mirror_copy.put(rel, mirror_copy.read(rel).replace('"bevolkingsdichtheid":', '"dichtheid":'))
    with pytest.raises(SchemaError, match=r"nl_wijken_2024_wgs84_simplified\.geojson: PDOK wijk- en buurtkaart 2024 "
                                          r"\(KWB 2024\), wijkattributen: sleutel bevolkingsdichtheid "
                                          r"\(population_density\) ontbreekt"):
        cbs.nl_wijken_2024()


def test_gemeente_series_with_a_renamed_field_is_an_error(mirror_copy):
    rel = cbs.GEMEENTE_ATTRIBUTES
    _rename_header(mirror_copy, rel, "koopwoningen", "koopwoning")
    with pytest.raises(SchemaError, match=r"gemeenten_2012-2024_attributes\.csv: PDOK/CBS wijk- en buurtkaart, "
                                          r"gemeenteattributen kaartjaar 2012-2024: sleutel koopwoningen "
                                          r"\(owner_occupied_pct\) ontbreekt"):
        cbs.gemeente_series(["GM0957"])
