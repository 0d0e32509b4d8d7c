"""Shared fixtures. The CBS/PDOK mirror is required: without it the suite fails, it never skips."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Before anything of analysis loads (paths reads the environment at import): the whole session is
# offline, and processed data and reports go to a temporary folder, never the repository's data/ or
# reports/ (the kernels the tests start inherit this environment).
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="wijkmonitor-tests-"))
os.environ["WIJKMONITOR_OFFLINE"] = "1"
os.environ["WIJKMONITOR_PROCESSED"] = str(_SESSION_DIR / "processed")
os.environ["WIJKMONITOR_REPORTS"] = str(_SESSION_DIR / "reports")

import pytest  # noqa: E402

from analysis.build import observations  # noqa: E402
from analysis.core import paths  # noqa: E402


def pytest_sessionstart(session):
    # In CI a missing mirror must fail loudly rather than skip the data tests.
    paths.mirror_dir(required=True)
    # What `make data` gives a checkout, here in the session's own processed folder: Roermond built
    # and stamped, so runs started by tests find it fresh, as they would in the repository.
    import warnings

    from analysis.batch import fingerprints

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        observations.build(ROERMOND)
        fingerprints.write_stamp(ROERMOND)


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


ROERMOND = "GM0957"
REPORT = "voortgangsrapportage_2025"  # the May 2025 report's tables, as a measurement file


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """A fresh build of Roermond's tidy table into a temporary folder."""
    return observations.build(ROERMOND, out_dir=tmp_path_factory.mktemp("processed"))


@pytest.fixture(scope="session")
def obs(built):
    return built["observations"]


@pytest.fixture()
def online(monkeypatch):
    """Downloads allowed for one test that fakes the network itself (the session is offline)."""
    monkeypatch.delenv("WIJKMONITOR_OFFLINE", raising=False)


@pytest.fixture()
def raw_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of data/raw to damage in bad-input tests (paths.RAW_DIR points at it)."""
    dst = tmp_path / "raw"
    shutil.copytree(paths.RAW_DIR, dst, ignore=shutil.ignore_patterns("cbs"))
    monkeypatch.setattr(paths, "RAW_DIR", dst)
    return dst


def value(obs, series, area, indicator, meting=None, dataset=REPORT):
    """The one observation of a measurement series (None: the rows without a series, e.g. the map)."""
    sel = obs[(obs.dataset == dataset) & (obs.area_code == area) & (obs.indicator == indicator)]
    sel = sel[sel.series.isna()] if series is None else sel[sel.series == series]
    if meting is not None:
        sel = sel[sel.meting == meting]
    assert len(sel) == 1, (dataset, area, indicator, meting, len(sel))
    return sel.iloc[0]


@pytest.fixture()
def fresh_downloads(monkeypatch):
    """No host remembered as failed from another test; no real waiting between retries."""
    from analysis.sources import download

    download.reset()
    monkeypatch.setattr(download, "sleep", lambda s: None)
    yield
    download.reset()
