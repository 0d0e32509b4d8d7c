"""Start-up cost of the batch run's processes: imports that are slow and not needed there.

jsonschema 4.26 imports rfc3987_syntax, which compiles some 35 Lark grammars at import time:
0.75 s in every process that imports altair or nbformat (python-jsonschema/jsonschema#1428;
upstream moves to the lazy rfc3987-syntax2, not released yet). It only checks the "iri" and
"iri-reference" formats, which neither the notebook schema nor the Vega-Lite schema uses, so
the batch run marks it absent and jsonschema leaves that one format checker out.
"""
from __future__ import annotations

import sys

SKIPPED_MODULES = ("rfc3987_syntax",)
# The same, as kernel start-up lines (IPKernelApp.exec_lines) for the kernels the batch run starts.
KERNEL_EXEC_LINES = [f"__import__('sys').modules.setdefault({m!r}, None)" for m in SKIPPED_MODULES]


def skip_slow_imports() -> None:
    """Mark SKIPPED_MODULES absent in this process; call it before anything imports jsonschema."""
    for name in SKIPPED_MODULES:
        sys.modules.setdefault(name, None)
