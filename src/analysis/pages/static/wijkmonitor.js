/* wijkmonitor report pages: draw charts with vega-embed, save them as PNG/SVG with a source line. */
(function () {
  "use strict";
  var views = {};
  var opts = { renderer: "svg", actions: false };
  function embed(id, spec, options) {
    var o = Object.assign({}, opts, options || {});
    return vegaEmbed("#" + id, spec, o).then(function (res) { views[id] = res.view; return res; })
      .catch(function (err) {
        var el = document.getElementById(id);
        if (el) { el.textContent = "Deze grafiek kon niet worden getekend."; el.className += " wm-note"; }
        console.error(err);
      });
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
  window.wijkmonitor = { embed: embed, save: save, views: views, svgOf: svgOf, pngOf: pngOf };
})();
