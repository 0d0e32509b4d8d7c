"""Measure a rendered page in headless Chromium at a given window width (phone and desktop tests).

`probe(page, width, profile)` opens a copy of the page with a script that waits for the charts,
then reports as JSON what a reader at that width meets: elements (tables, charts, images, SVGs)
wider than the screen, and whether such a table sits in a scroll container whose first column stays
visible when scrolled and whose scroll cue shows; the smallest text drawn (HTML and chart SVG text,
after the SVG's scaling); the document's width.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from pages_fixture import OFFLINE, chromium

PROBE_JS = r"""
<script>
(function () {
  function report() {
    var vw = document.documentElement.clientWidth, out = {vw: vw, doc: document.documentElement.scrollWidth,
        wide: [], tables: [], minText: null, minTextWhere: null, minSvg: 99, minSvgWhere: "", minHtml: 99,
        minHtmlWhere: "", charts: 0, drawn: 0};
    function visible(el) {
      if (!el || el.hidden) { return false; }
      var s = getComputedStyle(el), r = el.getBoundingClientRect();
      return s.display !== "none" && s.visibility !== "hidden" && r.width > 0 && r.height > 0 &&
             r.left >= -1 && r.right <= vw + 1;
    }
    function name(el) { return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                               (typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : ""); }
    document.querySelectorAll("table, .wm-chart, .vega-embed, svg, img, canvas, pre").forEach(function (el) {
      if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") { return; }
      if (el.closest("pre#wm-probe")) { return; }
      var r = el.getBoundingClientRect();
      if (r.width === 0) { return; }
      if (r.right <= vw + 1 && r.left >= -1) { return; }
      var wrap = el.tagName.toLowerCase() === "table" ? el.parentElement : null;
      var entry = {el: name(el), left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width)};
      if (wrap && wrap.scrollWidth > wrap.clientWidth) {
        var wr = wrap.getBoundingClientRect();
        entry.wrapFits = wr.left >= -1 && wr.right <= vw + 1;
        var cue = wrap.previousElementSibling && wrap.previousElementSibling.classList.contains("wm-scroll-cue")
                  ? wrap.previousElementSibling : null;
        entry.cue = visible(cue);
        wrap.scrollLeft = wrap.scrollWidth;  // scrolled to the far right: is the first column still there?
        var firsts = Array.prototype.slice.call(el.querySelectorAll("tr > :first-child"));
        entry.firstColumn = firsts.length > 0 && firsts.every(function (c) {
          var cr = c.getBoundingClientRect();
          return cr.left >= wr.left - 1 && cr.left <= wr.left + 2 && cr.right <= wr.right;
        });
        entry.scrolled = wrap.scrollLeft > 0;
        wrap.scrollLeft = 0;
        entry.ok = entry.wrapFits && entry.cue && entry.firstColumn && entry.scrolled;
      } else { entry.ok = false; }
      out.wide.push(entry);
    });
    document.querySelectorAll("table").forEach(function (t) {
      out.tables.push({rows: t.rows.length, width: Math.round(t.getBoundingClientRect().width)});
    });
    function small(size, where) {
      if (out.minText === null || size < out.minText) { out.minText = Math.round(size * 10) / 10; out.minTextWhere = where; }
      var k = where.indexOf("svg") === 0 ? "Svg" : "Html";
      if (out["min" + k] === undefined || size < out["min" + k]) { out["min" + k] = Math.round(size * 10) / 10; out["min" + k + "Where"] = where; }
    }
    document.querySelectorAll("svg text").forEach(function (t) {
      if (!t.textContent.trim()) { return; }
      var svg = t.ownerSVGElement, box = svg.getBoundingClientRect(), w = svg.width.baseVal.value;
      var vb = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal.width : w;
      var scale = vb ? box.width / vb : 1, fs = parseFloat(getComputedStyle(t).fontSize);
      small(fs * scale, "svg: " + t.textContent.slice(0, 40) + " in " + (svg.closest(".wm-chart") || {}).id + " scale " + scale.toFixed(2));
    });
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var n = walker.currentNode, p = n.parentElement;
      if (!n.textContent.trim() || !p || p.closest("svg, script, style, pre#wm-probe")) { continue; }
      if (!visible(p) && getComputedStyle(p).display === "none") { continue; }
      small(parseFloat(getComputedStyle(p).fontSize), "html: " + n.textContent.trim().slice(0, 40));
    }
    out.charts = document.querySelectorAll(".wm-chart").length;
    out.fits = Array.prototype.map.call(document.querySelectorAll(".wm-chart"), function (c) {
      return c.id + ": " + (c.getAttribute("data-wm-fit") || "-"); });
    out.drawn = document.querySelectorAll(".wm-chart svg.marks").length;
    parent.postMessage("wm-probe " + JSON.stringify(out), "*");
  }
  setTimeout(report, 4000);
})();
</script>
"""


# Headless Chromium keeps its window at least 500 px wide: the page is measured in an iframe of
# the wanted width (its own viewport: media queries and layout as on a phone of that width).
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{src}" style="width:{width}px;height:{height}px;border:0;display:block"></iframe>
<script>window.addEventListener("message", function (e) {{
  if (typeof e.data === "string" && e.data.indexOf("wm-probe ") === 0) {{
    var pre = document.createElement("pre"); pre.id = "wm-probe"; pre.textContent = e.data.slice(9);
    document.body.appendChild(pre); }} }});</script></body></html>"""


def probe(page: Path, width: int, profile: Path, height: int = 900) -> dict:
    """What a reader sees of `page` in a window `width` px wide (see the module docstring)."""
    page = Path(page)
    copy = page.with_name(f"_probe_{width}_{page.name}")
    frame = page.with_name(f"_probe_{width}_frame_{page.name}")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE_JS + "</body>"), encoding="utf-8")
    frame.write_text(FRAME.format(src=copy.name, width=width, height=height), encoding="utf-8")
    try:
        dom = subprocess.run([chromium(), *OFFLINE, f"--user-data-dir={profile}", "--virtual-time-budget=20000", "--hide-scrollbars",
                              f"--window-size={max(width, 600)},{height}", "--dump-dom", frame.as_uri()],
                             capture_output=True, text=True, timeout=180).stdout
    finally:
        copy.unlink()
        frame.unlink()
    m = re.search(r'<pre id="wm-probe"[^>]*>(.*?)</pre>', dom, re.S)
    assert m, f"{page.name}: the probe did not report (page not drawn?)"
    import html

    return json.loads(html.unescape(m.group(1)))
