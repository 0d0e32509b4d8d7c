"""Executed notebook -> standalone offline HTML (code hidden, Vega charts rendered in the page)."""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from analysis import paths
from analysis.atomic import write_text_atomic

VEGALITE_PREFIX = "application/vnd.vegalite."
_CDN_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>')


def bundle_path(cache_dir: Path | None = None) -> Path:
    import vl_convert as vlc

    return Path(cache_dir or paths.PROCESSED_DIR) / f"vega-embed-bundle-vl-convert-{vlc.__version__}.js"


def vega_bundle(cache_dir: Path | None = None) -> Path:
    """vega + vega-lite + vega-embed as one script, from vl-convert, cached per vl-convert version.

    Bundling takes about a second, so it is done once (by `analysis build` or the first run)
    rather than for every page.
    """
    import vl_convert as vlc

    path = bundle_path(cache_dir)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, vlc.javascript_bundle())
    return path


@functools.cache
def html_exporter():
    """One exporter per process: building it compiles the Jinja templates (0.1 s)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def to_html(nb_path: Path, title: str, bundle: Path | None = None) -> str:
    """Standalone HTML without code cells; vega-lite charts embedded with inlined JS (offline)."""
    import nbformat
    import vl_convert as vlc

    nb = nbformat.read(nb_path, as_version=4)
    opts = json.dumps({"renderer": "svg", "actions": False, "formatLocale": vlc.get_format_locale("nl-NL")})
    n = 0
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            mime = next((k for k in o.get("data", {}) if k.startswith(VEGALITE_PREFIX)), None)
            if mime is None:
                continue
            n += 1
            div = f"vis{n}"
            o["data"] = {"text/html": f'<div id="{div}" class="wm-chart"></div><script>vegaEmbed("#{div}", '
                                      f"{json.dumps(o['data'][mime])}, {opts}).catch(console.error);</script>"}
    nb.metadata["title"] = title
    body, _ = html_exporter().from_notebook_node(nb)
    # nbconvert's template loads require.js and MathJax from a CDN; the reports need neither.
    body = _CDN_SCRIPT.sub("", body)
    if n:  # the bundle once per page, in <head>, so every chart works without internet
        script = (bundle or vega_bundle()).read_text().replace("</script>", "<\\/script>")
        body = body.replace("</head>", f"<script>{script}</script>\n</head>", 1)
    return body
