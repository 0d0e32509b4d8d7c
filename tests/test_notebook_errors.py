"""Errors inside the notebooks are one Dutch line (analysis.pages.notebook_errors, installed by
analysis.display.setup()): papermill on the real notebooks with a wrong parameter ends in an error
output whose only and last line is the Dutch message, for direct papermill use as in JupyterLab."""
import re
from pathlib import Path

import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ENGLISH = re.compile(r"\b(unknown|valid|invalid|not of the form|similar|must be|Traceback|File \")", re.I)


@pytest.mark.parametrize("notebook, parameters, ename, message", [
    ("wijkprofiel", {"wijkcode": "WK095799"}, "UnknownAreaError",
     "WK095799 is geen wijk van Roermond; kies uit WK095700 … WK095709"),
    ("wijkprofiel", {"wijkcode": 95704}, "UnknownAreaError",
     "95704 is geen wijkcode: verwacht WK en 6 tekens (bijv. WK095704, WK0363AA)"),
    ("indicator_kaart", {"indicator": "foo_pct"}, "UnknownIndicatorError",
     "onbekende indicator 'foo_pct'; de indicatoren staan in catalogue.yml"),
    ("indicator_kaart", {"meting": "abc"}, "ParameterError",
     "meting 'abc' is geen metingnummer; kies uit 0, 1 (Huishoudens tot 120% van het sociaal minimum)"),
])
def test_wrong_parameter_is_one_dutch_line(tmp_path, notebook, parameters, ename, message):
    out = tmp_path / f"{notebook}.ipynb"
    with pytest.raises(PapermillExecutionError) as info:
        pm.execute_notebook(str(NOTEBOOKS / f"{notebook}.ipynb"), str(out), parameters=parameters,
                            progress_bar=False, cwd=str(NOTEBOOKS))
    err = info.value
    assert (err.ename, err.evalue) == (ename, message)
    assert err.traceback == [message]  # no Python traceback in the cell, only the message
    assert str(err).rstrip().splitlines()[-1] == message
    assert not ENGLISH.search(err.evalue)
    # the executed notebook keeps the same single-line error output (what JupyterLab shows)
    import nbformat

    errors = [o for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert [(o.ename, o.evalue, o.traceback) for o in errors] == [(ename, message, [message])]


def test_other_exceptions_keep_their_traceback():
    """Only the suite's own errors (bad input) are shortened; a bug keeps IPython's traceback."""
    from IPython.core.interactiveshell import InteractiveShell

    from analysis.core.errors import WijkmonitorError
    from analysis.pages import notebook_errors

    shell = InteractiveShell.instance()
    shown = []
    shell._showtraceback = lambda etype, value, stb: shown.append((etype.__name__, stb))
    notebook_errors.install(shell)
    shell.run_cell("from analysis.core.errors import ParameterError\nraise ParameterError('meting 7 bestaat niet')")
    shell.run_cell("1/0")
    assert shown[0] == ("ParameterError", ["meting 7 bestaat niet"])
    assert shown[1][0] == "ZeroDivisionError" and len(shown[1][1]) > 1
    assert WijkmonitorError in shell.custom_exceptions
