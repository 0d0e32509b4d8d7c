"""The build: schema, counts per source, atomic outputs, packaging lists in agreement."""
import re
import tomllib

import pandas as pd
import pytest
import yaml

from analysis.build import observations
from analysis.core import paths
from analysis.core.atomic import write_text_atomic
from analysis.core.errors import SourceError


def test_schema_and_levels(obs):
    assert list(obs.columns) == observations.COLUMNS
    assert set(obs.area_level) == {"land", "gemeente", "wijk"}
    assert obs.area_code.str.match(r"^(NL00|GM\d{4}|WK0957\d\d)$").all()
    assert obs.area_name.notna().all()
    assert set(obs.meting.dropna()) == {0, 1, 2}
    assert set(obs.series.dropna()) == {"kiezen_voor_kansen", "beleidskader"}


def test_written_files_roundtrip(built):
    files = built["files"]
    csv = pd.read_csv(files["csv"])
    pq = pd.read_parquet(files["parquet"])
    assert len(csv) == len(pq) == len(built["observations"])
    j = pd.read_csv(files["judgements"])
    assert {"computed", "reported", "value_previous", "value_latest"} <= set(j.columns)


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_keeps_previous_outputs(tmp_path, monkeypatch):
    observations.build("GM0957", out_dir=tmp_path)
    before = _tree(tmp_path)
    monkeypatch.setattr(observations, "measurement_rows",
                        lambda *a, **k: (_ for _ in ()).throw(SourceError("voortgangsrapportage_2025.csv: broken")))
    with pytest.raises(SourceError):
        observations.build("GM0957", out_dir=tmp_path)
    assert _tree(tmp_path) == before


def test_atomic_write_failure_leaves_target(tmp_path):
    target = tmp_path / "x.csv"
    write_text_atomic(target, "old")

    def broken(p):
        p.write_text("half")
        raise KeyboardInterrupt

    from analysis.core.atomic import write_atomic

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, broken)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_dependency_lists_agree():
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {re.split(r"[<>=!~ ]", d)[0].lower() for d in py["dependencies"] + py["optional-dependencies"]["dev"]}
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda_names = {re.split(r"[<>=!~ ]", d)[0].lower() for d in env["dependencies"] if isinstance(d, str)}
    assert pip_names == conda_names - {"python", "pip"}
