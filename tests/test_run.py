"""The batch runner: failure isolation, atomic outputs, incremental re-runs, offline HTML."""
import re

import pytest

from analysis import run
from analysis.errors import UnknownAreaError


def test_unknown_wijk_fails_fast_with_valid_codes():
    with pytest.raises(UnknownAreaError, match=r"WK095799.*valid: WK095700, WK095701"):
        run.tasks_for("GM0957", ["WK095799"])


def test_unknown_gemeente_fails_fast():
    with pytest.raises(UnknownAreaError, match="GM95"):
        run.tasks_for("GM95")


def test_tasks_cover_every_wijk():
    names = [t.name for t in run.tasks_for("GM0957")]
    assert names[:2] == ["overzicht", "indicator_kaart"] and len(names) == 12


def test_broken_parameter_isolated_and_good_report_kept(tmp_path):
    good = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095707", "Herten", {"wijkcode": "WK095707"})
    other = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095704", "Donderberg", {"wijkcode": "WK095704"})
    first = run.run_all(tasks=[good], out_dir=tmp_path, jobs=1, quiet=True)
    assert first["ran"] == ["wijkprofiel_WK095707"]
    before = (tmp_path / "wijkprofiel_WK095707.html").read_bytes()
    assert "Herten" in before.decode()

    # Same report, now with a broken parameter, next to a good one: the batch goes on.
    broken = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095707", "Herten", {"wijkcode": "WK095799"})
    second = run.run_all(tasks=[broken, other], out_dir=tmp_path, jobs=2, quiet=True)
    assert second["ran"] == ["wijkprofiel_WK095704"]
    assert [f["name"] for f in second["failed"]] == ["wijkprofiel_WK095707"]
    assert "WK095799" in second["failed"][0]["error"]
    assert (tmp_path / "wijkprofiel_WK095707.html").read_bytes() == before  # the good earlier report
    assert (tmp_path / "wijkprofiel_WK095704.ipynb").is_file()
    assert not list(tmp_path.glob(".*running*")) and not list(tmp_path.glob("*.tmp"))
    index = (tmp_path / "index.html").read_text()
    assert "mislukt" in index and "wijkprofiel_WK095704.html" in index

    # Unchanged inputs: nothing runs again.
    third = run.run_all(tasks=[other], out_dir=tmp_path, quiet=True)
    assert third["ran"] == [] and third["skipped"] == ["wijkprofiel_WK095704"]


def test_html_report_is_offline_and_hides_code(tmp_path):
    task = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095704", "Donderberg", {"wijkcode": "WK095704"})
    run.run_all(tasks=[task], out_dir=tmp_path, quiet=True)
    page = (tmp_path / "wijkprofiel_WK095704.html").read_text()
    assert not re.search(r'<script[^>]+src="https?://', page)  # no CDN scripts
    assert "vegaEmbed(" in page and "vega-lite" in page.lower()
    assert "import pandas" not in page  # code cells hidden
    assert "ruim twee keer het landelijk gemiddelde (12,2%)" in page
    assert (tmp_path / "wijkprofiel_WK095704.html").stat().st_size < 2_000_000
