"""The batch runner: failure isolation, atomic outputs, incremental re-runs, offline HTML."""
import re
from pathlib import Path

import pytest

from analysis.batch import fingerprints
from analysis.batch import runner as run
from analysis.core.errors import UnknownAreaError

PROBES = Path(__file__).parent / "notebooks"  # plumbing stand-ins with the real notebooks' parameters


def test_unknown_wijk_fails_fast_with_valid_codes():
    with pytest.raises(UnknownAreaError, match=r"WK095799.*geldig: WK095700, WK095701"):
        run.tasks_for("GM0957", ["WK095799"])


def test_unknown_gemeente_fails_fast():
    with pytest.raises(UnknownAreaError, match="GM95"):
        run.tasks_for("GM95")


def test_tasks_cover_every_wijk():
    names = [t.name for t in run.tasks_for("GM0957")]
    assert names[:2] == ["overzicht", "indicator_kaart"] and len(names) == 12


def test_broken_parameter_isolated_and_good_report_kept(tmp_path):
    root, out = tmp_path, tmp_path / "GM0957"  # reports/<GM>/
    good = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095707", "Herten", {"wijkcode": "WK095707"})
    other = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095704", "Donderberg", {"wijkcode": "WK095704"})
    first = run.run_all(tasks=[good], out_dir=root, jobs=1, quiet=True, notebook_dir=PROBES)
    assert first["ran"] == ["wijkprofiel_WK095707"]
    before = (out / "wijkprofiel_WK095707.html").read_bytes()
    assert "probe WK095707" in before.decode()

    # Same report, now with a broken parameter, next to a good one: the batch goes on.
    broken = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095707", "Herten", {"wijkcode": "FOUT", "gemeentecode": "GM0957"})
    second = run.run_all(tasks=[broken, other], out_dir=root, jobs=2, quiet=True, notebook_dir=PROBES)
    assert second["ran"] == ["wijkprofiel_WK095704"]
    assert [f["name"] for f in second["failed"]] == ["wijkprofiel_WK095707"]
    assert second["failed"][0]["error"] == "ValueError: onbekende code 'FOUT'"
    assert (out / "wijkprofiel_WK095707.html").read_bytes() == before  # the good earlier report
    assert (out / "wijkprofiel_WK095704.ipynb").is_file()
    assert not list(out.glob(".*running*")) and not list(out.glob("*.tmp"))
    index = (out / "index.html").read_text()
    # the landing page links what is on disk: the new page and the earlier good one (failures: in the summary)
    assert "wijkprofiel_WK095704.html" in index and "wijkprofiel_WK095707.html" in index

    # Unchanged inputs: nothing runs again.
    third = run.run_all(tasks=[other], out_dir=root, quiet=True, notebook_dir=PROBES)
    assert third["ran"] == [] and third["skipped"] == ["wijkprofiel_WK095704"]
    assert "GM0957/index.html" in (root / "index.html").read_text()  # the page listing every gemeente
    # A changed notebook runs again.
    changed = tmp_path / "nb"
    changed.mkdir()
    text = (PROBES / "wijkprofiel.ipynb").read_text().replace("probe {code}", "probe2 {code}")
    (changed / "wijkprofiel.ipynb").write_text(text)
    fourth = run.run_all(tasks=[other], out_dir=root, quiet=True, notebook_dir=changed)
    assert fourth["ran"] == ["wijkprofiel_WK095704"]


def test_html_report_is_offline_and_hides_code(tmp_path):
    task = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095704", "Donderberg", {"wijkcode": "WK095704"})
    run.run_all(tasks=[task], out_dir=tmp_path, quiet=True)
    tmp_path = tmp_path / "GM0957"
    page = (tmp_path / "wijkprofiel_WK095704.html").read_text()
    assert not re.search(r'<script[^>]+src="https?://', page)  # no CDN scripts
    assert "../_static/" in page and (tmp_path.parent / "_static").is_dir()  # light page: JS once per tree
    assert "import pandas" not in page  # code cells hidden
    assert "↓ van 25,4% (2022)" in page and "12,2%" in page  # the scorecard: change and Nederland
    assert (tmp_path / "wijkprofiel_WK095704.html").stat().st_size < 150_000


def test_unknown_parameter_is_an_error(tmp_path):
    bad = run.Task("wijkprofiel.ipynb", "wijkprofiel_x", "x", {"wijk": "WK095704", "gemeentecode": "GM0957"})
    with pytest.raises(run.UnknownParameterError, match=r"wijkprofiel.ipynb: onbekende parameter\(s\) \['wijk'\].*wijkcode"):
        run.run_all(tasks=[bad], out_dir=tmp_path, quiet=True, notebook_dir=PROBES)
    assert not list((tmp_path / "GM0957").glob("*.ipynb"))


def test_gemeenten_and_regions(tmp_path, monkeypatch):
    assert len(run.all_gemeenten()) > 300 and "GM0957" in run.all_gemeenten()
    assert len(run.wijken_of("GM1711")) > 0
    monkeypatch.setattr(run.paths, "RAW_DIR", tmp_path)
    with pytest.raises(run.RunError, match="regions.yml: bestaat niet"):
        run.select_gemeenten(regio="Midden-Limburg Oost")
    (tmp_path / "regions.yml").write_text("Midden-Limburg Oost: [GM0957, GM1711, GM1641, GM1669]\n")
    assert run.select_gemeenten(regio="midden-limburg oost") == ["GM0957", "GM1711", "GM1641", "GM1669"]
    with pytest.raises(run.RunError, match="--regio 'Zuid'.*bekend: Midden-Limburg Oost"):
        run.select_gemeenten(regio="Zuid")


def test_failing_gemeente_is_skipped_and_reported(tmp_path, monkeypatch):
    good = run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095704", "Donderberg", {"wijkcode": "WK095704"})
    real_tasks_for, real_build = run.tasks_for, run.build_processed

    def tasks_for(gm, wijken=None):
        if gm == "GM0957":
            return [good]
        if gm == "GM1711":  # a gemeente whose processed data cannot be built
            return [run.Task("overzicht.ipynb", "overzicht", "x", {"gemeentecode": gm})]
        return real_tasks_for(gm, wijken)

    def build(gm, digest):
        if gm == "GM1711":
            return {"gm": gm, "ok": False, "error": "data/raw/GM1711/x.csv: kapot", "seconds": 0}
        return real_build(gm, digest)

    real_fresh = fingerprints.processed_fresh
    monkeypatch.setattr(run, "tasks_for", tasks_for)
    monkeypatch.setattr(run, "build_processed", build)
    # GM1711's processed data may exist from another test: the run must try (and fail) to build it
    monkeypatch.setattr(fingerprints, "processed_fresh", lambda gm, digest: gm != "GM1711" and real_fresh(gm, digest))
    summary = run.run_all(gemeenten=["GM0957", "GM9999", "GM1711"], out_dir=tmp_path, quiet=True, jobs=1,
                          notebook_dir=PROBES)
    assert summary["ran"] == ["wijkprofiel_WK095704"]
    assert set(summary["gemeenten_failed"]) == {"GM9999", "GM1711"}
    assert "GM9999" in summary["gemeenten_failed"]["GM9999"]
    assert summary["gemeenten_failed"]["GM1711"] == "verwerkte data: data/raw/GM1711/x.csv: kapot"
    assert not (tmp_path / "GM1711").exists()


def test_build_warnings_said_once_per_kind_over_gemeenten():
    """A national build warns for 342 gemeenten that KWB 2023 is not in the mirror: one line, not 342."""
    msg = ("source 'kwb_2023_{gm}.csv' not in cache or mirror and download failed: CBS 85618NED (KWB 2023) for {gm} "
           "via cbsodata -> kwb_2023_{gm}.csv: not downloaded (WIJKMONITOR_OFFLINE is set); continuing with the other editions")
    outcomes = [{"gm": gm, "ok": True, "warnings": [msg.format(gm=gm)]} for gm in ("GM0034", "GM0088", "GM0957")]
    outcomes.append({"gm": "GM1711", "ok": True, "warnings": ["boundaries wijk_2024_GM1711.geojson: refresh failed"]})
    lines = run.build_warnings(outcomes)
    assert lines == [
        "waarschuwing (3 gemeenten, o.a. GM0034): " + msg.format(gm="GM…"),
        "waarschuwing: boundaries wijk_2024_GM1711.geojson: refresh failed",
    ]
