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
  var LINE = 18; /* px per source line, at scale 1 */
  function svgWithSource(svg, source) {
    var w = /width="([\d.]+)"/.exec(svg), h = /height="([\d.]+)"/.exec(svg);
    if (!w || !h) { return svg; }
    var W = +w[1], H = +h[1], H2 = H + LINE + 6;
    svg = svg.replace(/height="[\d.]+"/, 'height="' + H2 + '"')
             .replace(/viewBox="0 0 ([\d.]+) ([\d.]+)"/, 'viewBox="0 0 $1 ' + H2 + '"');
    var text = '<rect x="0" y="' + H + '" width="' + W + '" height="' + (LINE + 6) + '" fill="white"/>' +
      '<text x="5" y="' + (H + LINE) + '" font-family="sans-serif" font-size="11" fill="#555">' +
      escapeXml(source) + "</text>";
    return svg.replace(/<\/svg>\s*$/, text + "</svg>");
  }
  function save(id, format, name, source) {
    var view = views[id];
    if (!view) { return false; }
    if (format === "svg") {
      view.toSVG().then(function (svg) {
        var blob = new Blob([svgWithSource(svg, source)], { type: "image/svg+xml" });
        download(URL.createObjectURL(blob), name);
      });
    } else {
      var scale = 2;
      view.toCanvas(scale).then(function (canvas) {
        var c = document.createElement("canvas");
        c.width = canvas.width; c.height = canvas.height + (LINE + 6) * scale;
        var ctx = c.getContext("2d");
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
        ctx.drawImage(canvas, 0, 0);
        ctx.fillStyle = "#555"; ctx.font = (11 * scale) + "px sans-serif";
        ctx.fillText(source, 5 * scale, canvas.height + LINE * scale);
        download(c.toDataURL("image/png"), name);
      });
    }
    return false;
  }
  window.wijkmonitor = { embed: embed, save: save, views: views, svgWithSource: svgWithSource };
})();
