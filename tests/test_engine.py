"""The kernel-reusing papermill engine: a notebook comes out as it would from a fresh kernel."""
import papermill as pm
import pytest

from analysis.batch import kernels
from analysis.batch.kernels import ENGINE_NAME
from analysis.core import paths

WIJKPROFIEL = str(paths.NOTEBOOK_DIR / "wijkprofiel.ipynb")
OVERZICHT = str(paths.NOTEBOOK_DIR / "overzicht.ipynb")


def _execute(src, dst, params, engine=None):
    return pm.execute_notebook(src, str(dst), parameters=params, progress_bar=False, cwd=str(paths.NOTEBOOK_DIR),
                               kernel_name="python3", engine_name=engine)


def _cells(nb):
    """What a reader sees per code cell: execution count and outputs."""
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


@pytest.fixture()
def fresh_kernels(monkeypatch):
    monkeypatch.setenv("WIJKMONITOR_CHART_SVG", "0")  # as the batch's kept kernels run
    kernels.shutdown_all()
    yield
    kernels.shutdown_all()


def test_reused_kernel_gives_the_fresh_kernel_notebook(tmp_path, fresh_kernels):
    fresh = _execute(WIJKPROFIEL, tmp_path / "fresh.ipynb", {"wijkcode": "WK095702"})  # papermill's own engine
    # Same kernel: first another notebook (other variables, other counter), then the profile.
    _execute(OVERZICHT, tmp_path / "o.ipynb", {}, ENGINE_NAME)
    kept = kernels.kernel("python3", str(paths.NOTEBOOK_DIR))
    reused = _execute(WIJKPROFIEL, tmp_path / "reused.ipynb", {"wijkcode": "WK095702"}, ENGINE_NAME)
    assert kernels.kernel("python3", str(paths.NOTEBOOK_DIR)) is kept  # it really was the same kernel
    assert _cells(reused) == _cells(fresh)
    assert _cells(reused)[0][0] == 1


def test_failed_notebook_discards_its_kernel(tmp_path, fresh_kernels):
    with pytest.raises(pm.PapermillExecutionError, match="WK095799"):
        _execute(WIJKPROFIEL, tmp_path / "bad.ipynb", {"wijkcode": "WK095799"}, ENGINE_NAME)
    assert kernels._kept == {}  # the next notebook gets a new kernel, not one in an unknown state
    good = _execute(WIJKPROFIEL, tmp_path / "good.ipynb", {"wijkcode": "WK095707"}, ENGINE_NAME)
    assert "Herten" in str(good.cells[3].outputs)


def test_engine_registered_by_entry_point():
    """papermill finds the engine through pyproject's entry point, without importing analysis first."""
    import subprocess
    import sys

    code = f"import papermill.engines as e; print(e.papermill_engines.get_engine({ENGINE_NAME!r}).__module__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "analysis.batch.engine", out.stderr
