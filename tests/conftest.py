"""Shared fixtures. The CBS/PDOK mirror is required: without it the suite fails, it never skips."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import observations, paths


def pytest_sessionstart(session):
    # In CI a missing mirror must fail loudly rather than skip the data tests.
    paths.mirror_dir(required=True)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """A fresh build of the tidy table into a temporary folder."""
    return observations.build(out_dir=tmp_path_factory.mktemp("processed"))


@pytest.fixture(scope="session")
def obs(built):
    return built["observations"]


@pytest.fixture()
def raw_copy(tmp_path) -> Path:
    """A private copy of data/raw to damage in bad-input tests."""
    dst = tmp_path / "raw"
    shutil.copytree(paths.RAW_DIR, dst, ignore=shutil.ignore_patterns("cbs"))
    return dst


def value(obs, dataset, area, indicator, meting=None):
    sel = obs[(obs.dataset == dataset) & (obs.area_code == area) & (obs.indicator == indicator)]
    if meting is not None:
        sel = sel[sel.meting == meting]
    assert len(sel) == 1, (dataset, area, indicator, meting, len(sel))
    return sel.iloc[0]
