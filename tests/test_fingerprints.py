"""Fingerprints per layer: a textcheck/ or runner edit re-runs nothing, a chart edit re-runs the
notebooks but rebuilds no processed data, a build edit rebuilds the data."""
import shutil

import pytest

from analysis.batch import fingerprints, runner
from analysis.core import paths


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """The fingerprints computed over a copy of the package, so a test can edit files in it."""
    copy = tmp_path / "analysis"
    shutil.copytree(fingerprints.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprints, "PACKAGE", copy)
    fingerprints.layers_digest.cache_clear()
    yield copy
    fingerprints.layers_digest.cache_clear()


def _state(gm: str = "GM0957") -> tuple[dict[str, str], str]:
    """Each of the gemeente's notebook fingerprints and its processed-data build digest."""
    fingerprints.layers_digest.cache_clear()
    shared = fingerprints.shared_digest(gm)
    tasks = runner.tasks_for(gm)
    return ({t.name: fingerprints.fingerprint(t, shared, paths.NOTEBOOK_DIR) for t in tasks},
            fingerprints.build_digest(gm))


def _touch(path):
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


def _reruns(before, after) -> int:
    return sum(before[0][n] != after[0][n] for n in before[0])


def test_textcheck_cli_and_runner_edits_rerun_nothing(package_copy):
    before = _state()
    for rel in ("textcheck/extract.py", "cli.py", "batch/runner.py", "batch/executors.py"):
        _touch(package_copy / rel)
    after = _state()
    assert _reruns(before, after) == 0 and after[1] == before[1]


def test_chart_edit_reruns_notebooks_but_rebuilds_no_data(package_copy):
    before = _state()
    _touch(package_copy / "charts/maps.py")
    after = _state()
    assert _reruns(before, after) == len(before[0]) == 12  # Roermond: 2 pages + 10 wijkprofielen
    assert after[1] == before[1]


def test_build_edit_rebuilds_the_data(package_copy):
    before = _state()
    _touch(package_copy / "build/observations.py")
    after = _state()
    assert after[1] != before[1] and _reruns(before, after) == 12


def test_page_title_is_part_of_the_fingerprint():
    t = runner.tasks_for("GM0957")[0]
    shared = fingerprints.shared_digest("GM0957")
    other = type(t)(t.notebook, t.name, t.title + " (nieuw)", t.parameters)
    assert fingerprints.fingerprint(t, shared, paths.NOTEBOOK_DIR) != fingerprints.fingerprint(other, shared, paths.NOTEBOOK_DIR)
