"""One variant of the determinism test, in its own process: build GM0957's observations into
WIJKMONITOR_PROCESSED, then execute every committed notebook (copied to argv[1]) on fresh kernels.

The build reads a copy of data/raw whose measurement file is split in two files, so that the
order in which the folder is listed could show in the data (the kernels read the processed data).

Prints a line 'hook=<value>' so the test can see whether the reversed-listing hook was active.
"""
import os
import shutil
import sys
from pathlib import Path

from analysis.batch import runner as run
from analysis.build import observations
from analysis.core import paths

out = Path(sys.argv[1])
print(f"hook={os.environ.get('WIJKMONITOR_REVERSED_LISTINGS', 'off')}")
raw = out.parent / "raw"
shutil.copytree(paths.RAW_DIR, raw, ignore=shutil.ignore_patterns("cbs"))
report = raw / "GM0957" / "voortgangsrapportage_2025.csv"
header, *rows = report.read_text(encoding="utf-8").splitlines(keepends=True)
half = len(rows) // 2
report.write_text(header + "".join(rows[:half]), encoding="utf-8")
(raw / "GM0957" / "voortgangsrapportage_2025_deel2.csv").write_text(header + "".join(rows[half:]), encoding="utf-8")
paths.RAW_DIR = raw
observations.build("GM0957")
out.mkdir(parents=True, exist_ok=True)
for nb in sorted(paths.NOTEBOOK_DIR.glob("*.ipynb")):
    shutil.copy(nb, out / nb.name)
run.refresh_committed(out)
