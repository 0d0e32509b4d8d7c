"""The same commit gives the same data and notebooks regardless of hash seed and listing order.

Two runs in fresh processes (and fresh kernels): PYTHONHASHSEED 0 with normal listings, and
PYTHONHASHSEED 4242 with every directory listing reversed (tests/determinism/sitecustomize.py,
on PYTHONPATH for that run only). observations.csv must be byte-identical and every notebook's
cell outputs identical after the nbval sanitizers (tests/nbval_sanitize.cfg).
"""
from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
HOOK = HERE / "determinism"


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(HERE / "nbval_sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _outputs(nb: Path, subs) -> list[str]:
    cells = json.loads(nb.read_text())["cells"]
    text = [json.dumps(c.get("outputs", []), sort_keys=True) for c in cells if c["cell_type"] == "code"]
    for rx, rep in subs:
        text = [rx.sub(rep, t) for t in text]
    return text


def _variant(tmp: Path, name: str, seed: str, reversed_listings: bool) -> Path:
    base = tmp / name
    env = {**os.environ, "PYTHONHASHSEED": seed, "WIJKMONITOR_PROCESSED": str(base / "processed"),
           "WIJKMONITOR_REPORTS": str(base / "reports"), "WIJKMONITOR_OFFLINE": "1"}
    env.pop("WIJKMONITOR_REVERSED_LISTINGS", None)
    if reversed_listings:
        env["PYTHONPATH"] = os.pathsep.join([str(HOOK)] + [p for p in [env.get("PYTHONPATH")] if p])
    done = subprocess.run([sys.executable, str(HOOK / "variant.py"), str(base / "notebooks")], env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"hook={'active' if reversed_listings else 'off'}" in done.stdout
    return base


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("determinism")
    return _variant(tmp, "a", "0", False), _variant(tmp, "b", "4242", True)


def test_observations_csv_byte_identical(runs):
    a, b = (r / "processed" / "GM0957" / "current" / "observations.csv" for r in runs)
    assert a.read_bytes() == b.read_bytes()


def test_notebook_outputs_identical_after_sanitizers(runs):
    subs = _sanitizers()
    names = sorted(p.name for p in (runs[0] / "notebooks").glob("*.ipynb"))
    assert names, "no notebooks executed"
    for name in names:
        a, b = (_outputs(r / "notebooks" / name, subs) for r in runs)
        assert len(a) == len(b)
        for i, (x, y) in enumerate(zip(a, b)):
            assert x == y, f"{name}: code cell {i} differs between the two runs"
