/* wijkmonitor report pages: draw charts with vega-embed, fit them to narrow screens, save them as
   PNG/SVG with a source line; tables that scroll sideways show a cue; a list filter for the country page. */
(function () {
  "use strict";
  var views = {};
  var opts = { renderer: "svg", actions: false };
  var MIN_VIEW = 150; /* px: a view is not made narrower than this (CSS scales what still does not fit) */
  var MIN_FONT = 11;  /* px: text of a chart drawn again for a narrow screen */

  /* The width a chart may take: the page's content box (a chart in a flex item has no width of its own). */
  function available(el) {
    var box = (el.closest && el.closest(".wm-page")) || document.body, s = getComputedStyle(box);
    var w = box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    return Math.max(200, Math.floor(w));
  }
  function drawnWidth(el) {
    var svg = el.querySelector("svg");
    return svg ? parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width : 0;
  }
  function charsFor(px, fontSize) { return Math.max(16, Math.floor(px / ((fontSize || 11) * 0.56))); }
  function rewrap(lines, px, fontSize) {  /* each line that is too long wrapped at words */
    var out = [], max = charsFor(px, fontSize);
    [].concat(lines).forEach(function (text) {
      var line = "";
      String(text).split(/\s+/).forEach(function (w) {
        if (line && (line + " " + w).length > max) { out.push(line); line = w; } else { line = line ? line + " " + w : w; }
      });
      if (line) { out.push(line); }
    });
    return out;
  }
  /* The spec for a screen `avail` px wide: side-by-side parts stacked, fewer small multiples per row,
     legends below, titles re-wrapped, views at most the screen wide (and `over` px narrower still). */
  function fit(spec, avail, over) {
    var s = JSON.parse(JSON.stringify(spec));
    over = over || 0;
    function walk(node, top) {
      if (!node || typeof node !== "object") { return; }
      if (Array.isArray(node)) { node.forEach(function (n) { walk(n, false); }); return; }
      if (node.hconcat) { node.vconcat = node.hconcat; delete node.hconcat; }
      if ((node.concat || node.facet) && node.columns) {
        var w = (node.concat ? node.concat[0] && node.concat[0].width : node.spec && node.spec.width) || 170;
        node.columns = Math.max(1, Math.floor((avail + (node.spacing || 18)) / (w + 40 + (node.spacing || 18))));
      }
      if (node.legend && typeof node.legend === "object" && node.legend.orient !== "bottom" && node.legend.orient !== "none") {
        node.legend.orient = "bottom"; node.legend.direction = "horizontal";
      }
      if (typeof node.width === "number" && node.width > MIN_VIEW) {
        node.width = Math.max(MIN_VIEW, Math.min(node.width - over, avail - 40));
      }
      /* a view's title no wider than the view (stacked parts line up at their plots, not their labels) */
      var tw = typeof node.width === "number" ? Math.min(avail - 10, node.width + 20) : avail - 10;
      if (node.title && typeof node.title === "object" && !Array.isArray(node.title) && node.title.text !== undefined) {
        node.title.text = rewrap(node.title.text, tw, Math.max(MIN_FONT, node.title.fontSize || 13) * 1.1);
        if (node.title.subtitle) { node.title.subtitle = rewrap(node.title.subtitle, tw, Math.max(MIN_FONT, node.title.subtitleFontSize || 11)); }
        node.title.frame = "bounds"; /* from the chart's left edge, not the plot's (axis labels take room) */
      } else if (typeof node.title === "string" && node.title.length > charsFor(avail, 13) && (node.mark || node.layer || node.vconcat || node.concat)) {
        node.title = { text: rewrap(node.title, tw, 13 * 1.1), anchor: "start", frame: "bounds" };
      }
      if (typeof node.labelLimit === "number" && node.labelLimit > avail * 0.4) { node.labelLimit = Math.round(avail * 0.4); }
      var m = node.mark;
      if (m && m.type === "text" && m.lineBreak && node.data && node.data.name && node.encoding && node.encoding.text &&
          node.encoding.text.field && s.datasets && s.datasets[node.data.name] !== undefined) {
        /* a text view with lines (e.g. a note under a chart): its lines wrapped again at the screen */
        var field = node.encoding.text.field, raw = s.datasets[node.data.name], isText = typeof raw === "string";
        var rows = isText ? JSON.parse(raw) : raw, brk = m.lineBreak;
        rows = rows.map(function (r) {
          if (typeof r[field] !== "string") { return r; }
          var c = Object.assign({}, r);
          c[field] = rewrap(r[field].split(brk), avail - 20, m.fontSize || 11).join(brk);
          return c;
        });
        s.datasets[node.data.name] = isText ? JSON.stringify(rows) : rows;
        if (typeof m.limit === "number") { m.limit = avail - 20; }
      }
      if (node.row && node.row.header && typeof node.row.header === "object") {
        node.row.header.labelOrient = "top"; node.row.header.labelAnchor = "start"; /* row names above, not beside */
      }
      ["fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"].forEach(function (k) {
        if (typeof node[k] === "number" && node[k] < MIN_FONT) { node[k] = MIN_FONT; }
      });
      Object.keys(node).forEach(function (k) {
        if (k !== "data" && k !== "datasets" && k !== "values") { walk(node[k], false); }
      });
    }
    walk(s, true);
    /* a horizontal colour legend centres its first tick label on the chart's left edge: room for it */
    var pad = typeof s.padding === "number" ? s.padding : 5;
    if (typeof s.padding !== "object") { s.padding = { left: Math.max(pad, 16), right: Math.max(pad, 16), top: pad, bottom: pad }; }
    var small = { labelFontSize: MIN_FONT, titleFontSize: MIN_FONT };
    s.config = Object.assign({}, s.config || {});
    ["axis", "header"].forEach(function (k) { s.config[k] = Object.assign({}, small, s.config[k] || {}); });
    s.config.legend = Object.assign({}, small, s.config.legend || {}, { orient: "bottom", direction: "horizontal",
      columns: 2, layout: { bottom: { direction: "vertical", anchor: "start" } } }); /* legends below each other */
    /* long category names (KPI labels) beside a bar: cut at 40 % of the screen (the tooltip names them) */
    s.config.axisY = Object.assign({}, s.config.axisY || {}, { labelLimit: Math.round(avail * 0.4) });
    s.config.title = Object.assign({ subtitleFontSize: MIN_FONT }, s.config.title || {});
    s.config.text = Object.assign({ fontSize: MIN_FONT }, s.config.text || {});
    return s;
  }
  function fail(id, err) {
    var el = document.getElementById(id);
    if (el) { el.textContent = "Deze grafiek kon niet worden getekend."; el.className += " wm-note"; }
    console.error(err);
  }
  function embed(id, spec, options) {
    var o = Object.assign({}, opts, options || {}), el = document.getElementById(id);
    var avail = 0, widths = [];
    function draw(s, pass) {
      return vegaEmbed("#" + id, s, o).then(function (res) {
        var drawn = drawnWidth(el);
        if (pass === 0) { avail = available(el); }
        widths.push(drawn);
        if (drawn <= avail + 1 || pass >= 3) {
          if (pass > 0) { el.setAttribute("data-wm-fit", avail + ": " + widths.join(" ")); }
          views[id] = res.view;
          return res;
        }
        /* Too wide for this screen (a phone): drawn again to fit; what still does not fit is scaled by CSS. */
        res.view.finalize();
        return draw(fit(s, avail, pass === 0 ? 0 : drawn - avail), pass + 1);
      });
    }
    if (!el) { return Promise.resolve(null); }
    return draw(spec, 0).catch(function (err) { fail(id, err); });
  }

  /* Tables wider than their box scroll sideways: the first column stays (CSS sticky) and a cue says so. */
  function scrollCues() {
    document.querySelectorAll("table.dataframe").forEach(function (t) {
      if (!t.parentElement.classList.contains("wm-table-wrap")) {
        var w = document.createElement("div"); w.className = "wm-table-wrap";
        t.parentElement.insertBefore(w, t); w.appendChild(t);
      }
    });
    document.querySelectorAll(".wm-table-wrap").forEach(function (w) {
      var cue = w.previousElementSibling;
      if (!cue || !cue.classList.contains("wm-scroll-cue")) {
        cue = document.createElement("p"); cue.className = "wm-scroll-cue"; cue.hidden = true;
        cue.textContent = "Meer kolommen: schuif de tabel naar links \u2192";
        w.parentElement.insertBefore(cue, w);
      }
      var scrolls = w.scrollWidth > w.clientWidth + 1;
      w.classList.toggle("wm-scrolls", scrolls);
      cue.hidden = !scrolls;
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", scrollCues); } else { scrollCues(); }
  window.addEventListener("load", scrollCues);
  window.addEventListener("resize", scrollCues);

  /* A plain search: rows of the list whose text holds every typed word stay, the others hide. */
  function filter(inputId, listId, countId) {
    var input = document.getElementById(inputId), list = document.getElementById(listId);
    if (!input || !list) { return; }
    var rows = Array.prototype.slice.call(list.querySelectorAll("[data-zoek]"));
    var count = countId ? document.getElementById(countId) : null;
    function norm(t) { return String(t).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
    function apply() {
      var words = norm(input.value).split(/\s+/).filter(Boolean), n = 0;
      rows.forEach(function (r) {
        var text = norm(r.getAttribute("data-zoek")), show = words.every(function (w) { return text.indexOf(w) >= 0; });
        r.hidden = !show; if (show) { n += 1; }
      });
      if (count) { count.textContent = n === rows.length ? "" : n + " van " + rows.length + " gemeenten"; }
    }
    input.addEventListener("input", apply);
    apply();
  }
  function escapeXml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function download(url, name) {
    var a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  }
  var LINE = 15; /* px per source line, at scale 1 (11px text) */
  function wrap(text, width) {
    var max = Math.max(20, Math.floor((width - 10) / 6)), lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }
  function svgWithSource(svg, source) {
    var w = /width="([\d.]+)"/.exec(svg), h = /height="([\d.]+)"/.exec(svg);
    if (!w || !h) { return svg; }
    var W = +w[1], H = +h[1], lines = wrap(source, W), extra = lines.length * LINE + 8, H2 = H + extra;
    svg = svg.replace(/height="[\d.]+"/, 'height="' + H2 + '"')
             .replace(/viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/, function (m, x, y, vw, vh) {
               return 'viewBox="' + x + " " + y + " " + vw + " " + (+vh + extra) + '"'; });
    var text = '<rect x="0" y="' + H + '" width="' + W + '" height="' + extra + '" fill="white"/>' +
      lines.map(function (l, i) {
        return '<text x="5" y="' + (H + (i + 1) * LINE) + '" font-family="sans-serif" font-size="11" fill="#555">' +
          escapeXml(l) + "</text>";
      }).join("");
    return svg.replace(/<\/svg>\s*$/, text + "</svg>");
  }
  function svgOf(view, source) {
    return view.toSVG().then(function (svg) { return svgWithSource(svg, source); });
  }
  function pngOf(view, source, scale) {
    scale = scale || 2;
    return view.toCanvas(scale).then(function (canvas) {
      var lines = wrap(source, canvas.width / scale), extra = (lines.length * LINE + 8) * scale;
      var c = document.createElement("canvas");
      c.width = canvas.width; c.height = canvas.height + extra;
      var ctx = c.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(canvas, 0, 0);
      ctx.fillStyle = "#555"; ctx.font = (11 * scale) + "px sans-serif";
      lines.forEach(function (l, i) { ctx.fillText(l, 5 * scale, canvas.height + (i + 1) * LINE * scale); });
      return c.toDataURL("image/png");
    });
  }
  function save(id, format, name, source) {
    var view = views[id];
    if (!view) { return false; }
    if (format === "svg") {
      svgOf(view, source).then(function (svg) {
        download(URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" })), name);
      });
    } else {
      pngOf(view, source).then(function (url) { download(url, name); });
    }
    return false;
  }
  // Sortable tables (class wm-sortable): a click on a column head sorts by it, a second click reverses.
  // Dutch numbers ('1.002', '25,4%', '+0,3 procentpunt') sort as numbers, other text alphabetically,
  // 'geen gegevens' and '-' always last.
  function sortKey(text) {
    var t = text.trim();
    var m = t.match(/^[+\u2212-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?|^[+\u2212-]?\d+(?:,\d+)?/);
    if (m) { return parseFloat(m[0].replace(/\./g, "").replace(",", ".").replace("\u2212", "-")); }
    return t.toLowerCase();
  }
  function sortTable(table, col, th) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.cells[col].textContent, y = b.cells[col].textContent;
      var xm = /^(geen gegevens|-)?\W*$/.test(x.trim()) || x.indexOf("geen gegevens") === 0;
      var ym = /^(geen gegevens|-)?\W*$/.test(y.trim()) || y.indexOf("geen gegevens") === 0;
      if (xm !== ym) { return xm ? 1 : -1; }
      var kx = sortKey(x), ky = sortKey(y);
      if (typeof kx === typeof ky) { return (kx < ky ? -1 : kx > ky ? 1 : 0) * dir; }
      return (typeof kx === "number" ? -1 : 1) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function sortable() {
    Array.prototype.forEach.call(document.querySelectorAll("table.wm-sortable"), function (table) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.title = "Klik om op deze kolom te sorteren";
        th.addEventListener("click", function () { sortTable(table, i, th); });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", sortable); } else { sortable(); }
  window.wijkmonitor = { embed: embed, save: save, views: views, svgOf: svgOf, pngOf: pngOf, fit: fit, filter: filter,
                        scrollCues: scrollCues, sortTable: sortTable };
})();
