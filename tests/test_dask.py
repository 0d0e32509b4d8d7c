"""Issue 13: the same run on a dask.distributed cluster (LocalCluster, 2 worker processes)."""
import json
import re
from pathlib import Path

import pytest

from analysis.batch import runner as run

distributed = pytest.importorskip("distributed")
PROBES = Path(__file__).parent / "notebooks"  # plumbing stand-ins with the real notebooks' parameters


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c


def test_one_gemeente_on_a_local_cluster(cluster, tmp_path):
    from distributed import Client

    from analysis.batch import kernels

    wijken = ["WK095704", "WK095707"]
    summary = run.run_all(gemeenten=["GM0957"], wijken=wijken, out_dir=tmp_path, scheduler=cluster.scheduler_address,
                          quiet=True, notebook_dir=PROBES)
    assert summary["failed"] == [] and summary["gemeenten_failed"] == {}
    assert sorted(summary["ran"]) == ["indicator_kaart", "overzicht", "wijkprofiel_WK095704", "wijkprofiel_WK095707"]
    out = tmp_path / "GM0957"
    assert "probe WK095707" in (out / "wijkprofiel_WK095707.html").read_text()
    manifest = json.loads((out / ".manifest.json").read_text())
    assert sorted(manifest) == sorted(summary["ran"])
    with Client(cluster.scheduler_address) as client:  # each worker kept its one kernel (the plugin's)
        kept = client.run(lambda: len(kernels._kept))
        assert sorted(kept.values()) == [1, 1]
    again = run.run_all(gemeenten=["GM0957"], wijken=wijken, out_dir=tmp_path, scheduler=cluster.scheduler_address,
                        quiet=True, notebook_dir=PROBES)
    assert again["ran"] == [] and len(again["skipped"]) == 4


def test_unreachable_scheduler_is_one_line(tmp_path):
    with pytest.raises(run.RunError, match=r"--scheduler tcp://127.0.0.1:1: geen Dask-scheduler bereikbaar"):
        run.run_all(tasks=[run.Task("wijkprofiel.ipynb", "wijkprofiel_WK095704", "D", {"wijkcode": "WK095704"})],
                    out_dir=tmp_path, scheduler="tcp://127.0.0.1:1", quiet=True, force=True, notebook_dir=PROBES)


def test_real_profile_of_roermond_on_the_cluster(tmp_path, cluster):
    """The real notebooks through Dask: Donderberg's profile prints the report's 25,0% ('tot 120%', 1-meting)."""
    import html

    summary = run.run_all(gemeenten=["GM0957"], wijken=["WK095704"], out_dir=tmp_path,
                          scheduler=cluster.scheduler_address, quiet=True)
    assert summary["failed"] == [] and sorted(summary["ran"]) == ["indicator_kaart", "overzicht", "wijkprofiel_WK095704"]
    page = html.unescape((tmp_path / "GM0957" / "wijkprofiel_WK095704.html").read_text(encoding="utf-8"))
    assert re.search(r"Huishoudens tot 120% van het sociaal minimum</th>\s*<td[^>]*>1-meting \(2023\)</td>"
                     r"\s*<td[^>]*>25,0%</td>", page)  # the scorecard: period with its year, then the wijk
    assert page.count("wijkmonitor.embed(") >= 3 and '"wijkcode":"WK095704"' in page.replace('\\"', '"')


def test_scheduler_local_starts_a_cluster_with_the_monitors_off():
    """`--scheduler local`: the run's own LocalCluster, one worker per job, profiler and GIL monitor off."""
    import dask

    from analysis.batch import executors

    ex = executors.make(2, str(PROBES), "local")
    try:
        got = ex.inner.client.run(lambda: (dask.config.get("distributed.worker.profile.enabled"),
                                           dask.config.get("distributed.admin.system-monitor.gil.enabled")))
        assert ex.jobs == 2 and sorted(got.values()) == [(False, False), (False, False)]
    finally:
        ex.close()
