"""The observation schema, declared once (build/observations.yml), enforced at build on Roermond's table."""
import pandas as pd
import pytest

from analysis.build import observations, schema
from analysis.build.schema import ObservationSchemaError

TOT120 = "households_below_120pct_social_minimum_pct"


def _fresh(obs) -> pd.DataFrame:
    """The built table as the build validates it (reset index, the build's dtypes)."""
    df = obs.reset_index(drop=True).copy()
    df["meting"] = df["meting"].astype("Int64")
    df["year"] = df["year"].astype("Int64")
    return df


def test_declared_once():
    s = schema.observations()
    assert observations.COLUMNS == s.columns == [
        "area_code", "area_name", "area_level", "indicator", "dataset", "series", "meting", "year", "period",
        "value", "status", "source", "note"]
    assert s.primary_key == ("area_code", "indicator", "dataset", "series", "meting", "year")
    assert {f.name: f.type for f in s.fields}["meting"] == "integer"


def test_roermond_table_follows_the_schema(obs):
    df = _fresh(obs)
    assert observations.validate(df) is not None
    # a real row: Donderberg (WK095704), 'tot 120%', 1-meting 2023 = 25,0% (Bijlage 2B)
    row = df[(df["area_code"] == "WK095704") & (df["indicator"] == TOT120) & (df["meting"] == 1)]
    assert list(row["value"]) == [25.0]


def test_missing_column_named(obs):
    with pytest.raises(ObservationSchemaError, match=r"^observations: kolom 'dataset' ontbreekt$"):
        observations.validate(_fresh(obs).drop(columns="dataset"))


def test_wrong_dtype_named(obs):
    df = _fresh(obs)
    df["meting"] = df["meting"].astype(float)
    with pytest.raises(ObservationSchemaError, match=r"kolom 'meting' heeft niet het type integer: dtype float64"):
        observations.validate(df)
    df = _fresh(obs)
    df["value"] = df["value"].astype(str)
    with pytest.raises(ObservationSchemaError, match=r"kolom 'value' heeft niet het type number"):
        observations.validate(df)
    df = _fresh(obs).astype({"source": object})
    df.loc[0, "source"] = 7
    with pytest.raises(ObservationSchemaError, match=r"kolom 'source' heeft niet het type string: waarde 7 \(rij 0\)"):
        observations.validate(df)


def test_duplicate_key_named(obs):
    df = _fresh(obs)
    row = df[(df["area_code"] == "WK095704") & (df["indicator"] == TOT120) & (df["meting"] == 1)]
    with pytest.raises(ObservationSchemaError,
                       match=r"sleutel area_code, indicator, dataset, series, meting, year dubbel: "
                             r"\{'area_code': 'WK095704', 'indicator': 'households_below_120pct_social_minimum_pct'.*"
                             r"'meting': 1, 'year': 2023\} \(2 rijen\)"):
        observations.validate(pd.concat([df, row], ignore_index=True))


def test_required_value_named(obs):
    df = _fresh(obs)
    df.loc[df.index[0], "area_name"] = None
    with pytest.raises(ObservationSchemaError, match=r"kolom 'area_name' is leeg bij \{'area_code': "):
        observations.validate(df)
