"""Start-up cost of the batch run's processes: imports that are slow and not needed there.

jsonschema 4.26 imports rfc3987_syntax, which compiles some 35 Lark grammars at import time:
0.75 s in every process that imports altair or nbformat (python-jsonschema/jsonschema#1428;
upstream moves to the lazy rfc3987-syntax2, not released yet). It only checks the "iri" and
"iri-reference" formats, which neither the notebook schema nor the Vega-Lite schema uses, so
the batch run marks it absent and jsonschema leaves that one format checker out.
"""
from __future__ import annotations

import sys

from analysis.batch import plan

SKIPPED_MODULES = ("rfc3987_syntax",)
# What the notebooks import (pages.yml), imported while the batch kernel boots (its worker imports in parallel).
NOTEBOOK_IMPORTS = plan.notebook_imports()
# Kernel start-up lines (IPKernelApp.exec_lines) for the kernels the batch run starts: skip the slow
# import, import the rest, then move everything imported into the collector's permanent generation
# (gc.freeze): the reset between notebooks runs a full collection, which then only walks what the
# notebooks made (0.15 s a notebook otherwise, mostly walking pandas' and altair's module objects).
KERNEL_EXEC_LINES = ([f"__import__('sys').modules.setdefault({m!r}, None)" for m in SKIPPED_MODULES]
                     + [f"import {m}" for m in NOTEBOOK_IMPORTS] + ["__import__('gc').freeze()"])


def skip_slow_imports() -> None:
    """Mark SKIPPED_MODULES absent in this process; call it before anything imports jsonschema."""
    for name in SKIPPED_MODULES:
        sys.modules.setdefault(name, None)
