"""Area labels without overlap: names where they fit, numbers with a key where they do not.

Placement works on the chart's own pixel plane: the polygons are projected as vega-lite draws
them (mercator fitted to `width` x `height`, d3's fitSize), text boxes are estimated from
DejaVu Sans Bold advance widths (the widest of the usual sans-serif fonts, so a browser's
Arial or Helvetica only makes them smaller). Every wijk first reserves a number-sized box at
its best point (small wijken first, they have the least room); then, largest first, a wijk
whose name fits replaces its number by the name. A wijk without room for either keeps only
its tooltip.
"""
from __future__ import annotations

import hashlib
import math
import textwrap
import unicodedata

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, box
from shapely.ops import polylabel

# DejaVu Sans Bold advance widths (em) for ' ' .. '~' (read once from the font's hmtx table).
_ASCII_WIDTHS = [
    0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38, 0.415, 0.38, 0.365,
    0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4, 0.838, 0.838, 0.838, 0.58,
    1.0, 0.774, 0.762, 0.734, 0.83, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.85,
    0.733, 0.85, 0.77, 0.72, 0.682, 0.812, 0.774, 1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5,
    0.5, 0.675, 0.716, 0.593, 0.716, 0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687,
    0.716, 0.716, 0.493, 0.595, 0.478, 0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838]
_OTHER_WIDTH = 1.0  # anything outside ASCII after removing accents (e.g. '€', '…')
LINE_HEIGHT = 1.25  # box height per line, in em (DejaVu ascent + descent is 1.16 em)
PAD = 1.5  # pixels kept free around every label box


def text_width(text: str, font_size: float, bold: bool = True) -> float:
    """Estimated width in pixels of one line of text (bold DejaVu Sans; regular is ~8% narrower)."""
    w = 0.0
    for ch in unicodedata.normalize("NFKD", str(text)):
        if unicodedata.combining(ch):
            continue
        o = ord(ch)
        w += _ASCII_WIDTHS[o - 32] if 32 <= o < 127 else _OTHER_WIDTH
    return w * font_size * (1.0 if bold else 0.92)


def text_box(x: float, y: float, text: str, font_size: float, align: str = "center", baseline: str = "middle",
             bold: bool = True, lines: int = 1) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a text item as vega draws it at (x, y) with that align and baseline."""
    w = max(text_width(t, font_size, bold) for t in str(text).split("\n"))
    h = LINE_HEIGHT * font_size * lines
    x0 = {"left": x, "center": x - w / 2, "right": x - w}[align]
    y0 = {"top": y, "middle": y - h / 2, "bottom": y - h, "alphabetic": y - 0.93 * font_size}[baseline]
    return (x0, y0, x0 + w, y0 + h)


def boxes_overlap(a, b, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def wrap(text: str, max_px: float, font_size: float, bold: bool = False) -> list[str]:
    """Split a title into lines that each fit `max_px` (never cut with an ellipsis)."""
    words, lines, cur = str(text).split(), [], ""
    for word in words:
        trial = f"{cur} {word}".strip()
        if cur and text_width(trial, font_size, bold) > max_px:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    out = []
    for line in lines:  # a single word longer than the width: break it hard
        if text_width(line, font_size, bold) <= max_px:
            out.append(line)
        else:
            n = max(1, int(len(line) * max_px / text_width(line, font_size, bold)))
            out.extend(textwrap.wrap(line, n))
    return out or [""]


class Mercator:
    """lon/lat <-> pixels exactly as vega-lite's mercator projection fitted to width x height."""

    def __init__(self, geoms, width: float, height: float):
        x0, y0, x1, y1 = shapely.total_bounds(list(geoms))
        X0, X1 = math.radians(x0), math.radians(x1)
        Y0, Y1 = self._y(y0), self._y(y1)
        self.k = min(width / (X1 - X0), height / (Y1 - Y0))
        self.tx = (width - self.k * (X0 + X1)) / 2
        self.ty = (height + self.k * (Y0 + Y1)) / 2

    @staticmethod
    def _y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return self.k * math.radians(lon) + self.tx, self.ty - self.k * self._y(lat)

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        lon = math.degrees((x - self.tx) / self.k)
        lat = math.degrees(2 * math.atan(math.exp((self.ty - y) / self.k)) - math.pi / 2)
        return lon, lat

    def geometry(self, geom):
        """A shapely geometry in pixel coordinates."""
        return shapely.transform(geom, lambda xy: _project_array(self, xy))


def _project_array(p: Mercator, xy):
    lon, lat = np.radians(xy[:, 0]), np.radians(xy[:, 1])
    return np.column_stack([p.k * lon + p.tx, p.ty - p.k * np.log(np.tan(np.pi / 4 + lat / 2))])


def _candidates(poly, n: int = 9) -> list[Point]:
    """Points inside a polygon, best first: pole of inaccessibility, then a grid by distance to it."""
    parts = sorted(getattr(poly, "geoms", [poly]), key=lambda g: -g.area)
    main = parts[0]
    try:
        pole = polylabel(main, tolerance=0.5)
    except Exception:  # degenerate rings
        pole = main.representative_point()
    pts = [pole, main.representative_point()]
    x0, y0, x1, y1 = main.bounds
    for i in range(n):
        for j in range(n):
            p = Point(x0 + (i + 0.5) * (x1 - x0) / n, y0 + (j + 0.5) * (y1 - y0) / n)
            if main.contains(p):
                pts.append(p)
    return pts[:2] + sorted(pts[2:], key=lambda p: p.distance(pole))


class _Plan:
    """What placement needs that does not depend on the highlighted area, computed once per map.

    A kept kernel draws the locator of every wijk of a gemeente: projecting the polygons and
    finding which candidate boxes of a name lie enough inside its own area are the same each
    time (about 1 s for a gemeente of 100 wijken), only the choice among them differs.
    """

    def __init__(self, shapes, width, height, code_col, name_col, font_size, nfs, min_inside):
        self.proj = Mercator(shapes.geometry, width, height)
        self.px = [self.proj.geometry(g) for g in shapes.geometry]
        for g in self.px:
            shapely.prepare(g)
        self.codes, self.names = list(shapes[code_col]), list(shapes[name_col])
        self.fallback = [self.proj(*g.representative_point().coords[0]) for g in shapes.geometry]

        def in_frame(bx):
            return bx[0] >= 0 and bx[1] >= 0 and bx[2] <= width and bx[3] <= height

        self.number_boxes, self.name_boxes = [], []
        for i, g in enumerate(self.px):
            pts = [(p.x, p.y) for p in _candidates(g)]
            self.number_boxes.append([(x, y, bx) for x, y in pts if in_frame(bx := text_box(x, y, "00", nfs))])
            w = text_width(self.names[i], font_size)  # one line: the same box size at every candidate
            h = LINE_HEIGHT * font_size
            boxes = [(x, y, (x - w / 2, y - h / 2, x + w / 2, y + h / 2)) for x, y in pts]
            boxes = [b for b in boxes if in_frame(b[2])]
            if boxes:
                polys = shapely.box(*np.array([b[2] for b in boxes]).T)
                inside = shapely.area(shapely.intersection(g, polys)) / np.maximum(w * h, 1e-9)
                boxes = [b for b, share in zip(boxes, inside) if share >= min_inside]
            self.name_boxes.append(boxes)


_PLANS: dict[tuple, _Plan] = {}


def _plan(shapes, width, height, code_col, name_col, font_size, nfs, min_inside) -> _Plan:
    geo = hashlib.blake2b(b"".join(shapely.to_wkb(shapes.geometry.values)), digest_size=16).hexdigest()
    key = (geo, tuple(shapes[code_col]), tuple(shapes[name_col]), width, height, font_size, nfs, min_inside)
    if key not in _PLANS:
        if len(_PLANS) >= 16:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[key] = _Plan(shapes, width, height, code_col, name_col, font_size, nfs, min_inside)
    return _PLANS[key]


def place(shapes, width: float, height: float, code_col: str = "wijkcode", name_col: str = "wijknaam",
          font_size: float = 10, number_font_size: float | None = None, first: str | None = None,
          avoid: list[str] = (), min_inside: float = 0.6, max_key: int = 60) -> pd.DataFrame:
    """Label positions for the polygons in `shapes` (a GeoDataFrame in WGS84).

    Returns one row per area: code, name, `tekst` (the name, a number or ''), `soort`
    ('naam', 'nummer' or 'geen'), `nummer`, pixel `x`/`y` and the anchor's `lon`/`lat` (what the
    chart encodes). `first`: an area placed before all others (the highlighted wijk); `avoid`:
    areas whose polygon no other label may touch. A name must lie for `min_inside` of its box
    inside its own area; numbers only need their anchor inside. At most `max_key` numbers.
    """
    nfs = number_font_size or font_size
    plan = _plan(shapes, width, height, code_col, name_col, font_size, nfs, min_inside)
    codes, names, px = plan.codes, plan.names, plan.px
    obstacles = [(i, px[i], px[i].bounds) for i, c in enumerate(codes) if c in avoid]
    placed: dict[int, tuple] = {}  # area index -> (kind, text, x, y, box)

    def free(bx, own: int) -> bool:
        if any(boxes_overlap(bx, other[4], PAD) for j, other in placed.items() if j != own):
            return False
        return not any(j != own and boxes_overlap(bx, b) and g.intersects(box(*bx)) for j, g, b in obstacles)

    first_i = codes.index(first) if first in codes else None
    areas = [g.area for g in px]

    def ordered(key):
        order = sorted(range(len(codes)), key=key)
        return order if first_i is None else [first_i] + [i for i in order if i != first_i]

    def names_pass():
        for i in ordered(lambda i: -areas[i]):  # largest first, the name where it fits
            for x, y, bx in plan.name_boxes[i]:
                if free(bx, i):
                    placed[i] = ("naam", names[i], x, y, bx)
                    break

    def force_first():
        """The highlighted area always carries its own name: where a name box fits, else over its
        anchor point (drawn with a halo; the other labels keep clear of it)."""
        if first_i is None or (first_i in placed and placed[first_i][0] == "naam"):
            return
        for x, y, bx in plan.name_boxes[first_i]:
            if free(bx, first_i):
                placed[first_i] = ("naam", names[first_i], x, y, bx)
                return
        x, y = plan.fallback[first_i]
        w, h = text_width(names[first_i], font_size), LINE_HEIGHT * font_size
        placed[first_i] = ("naam", names[first_i], x, y, (x - w / 2, y - h / 2, x + w / 2, y + h / 2))

    force_first()
    for i in ordered(lambda i: areas[i]):  # 1. a number-sized box for everyone, smallest first
        if i in placed:  # the highlighted area, already named
            continue
        for x, y, bx in plan.number_boxes[i]:
            if free(bx, i):
                placed[i] = ("nummer", "", x, y, bx)
                break
    names_pass()  # 2. names replace numbers where they fit
    numbered = sorted((i for i, v in placed.items() if v[0] == "nummer"), key=lambda i: codes[i])
    if len(numbered) > max_key:  # a key that long helps nobody: names where they fit, tooltips
        placed.clear()
        force_first()
        names_pass()
        numbered = []
    number_of = {i: n for n, i in enumerate(numbered, start=1)}
    rows = []
    for i, code in enumerate(codes):
        kind, text, x, y, _ = placed.get(i, ("geen", "", *plan.fallback[i], None))
        nummer = number_of.get(i)
        if kind == "nummer":
            text = str(nummer)
        lon, lat = plan.proj.inverse(x, y)
        rows.append({code_col: code, name_col: names[i], "tekst": text, "soort": kind, "nummer": nummer,
                     "x": x, "y": y, "lon": round(lon, 6), "lat": round(lat, 6),
                     "font_size": nfs if kind == "nummer" else font_size})
    return pd.DataFrame(rows)


def key_lines(placed: pd.DataFrame, name_col: str = "wijknaam") -> list[str]:
    """'1 Centrum' for every numbered area, in number order."""
    k = placed[placed["soort"] == "nummer"].sort_values("nummer", kind="stable")
    return [f"{int(n)} {name}" for n, name in zip(k["nummer"], k[name_col])]
