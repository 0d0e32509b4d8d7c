"""Shared helpers for the chart tests: text boxes in a rendered scenegraph, mirror slices."""
from __future__ import annotations

import json
from itertools import combinations

import pandas as pd
import vl_convert as vlc

from analysis.charts import labels
from analysis.core import paths


def dicts(node):
    """Every dict in a nested JSON structure (a chart spec, a scenegraph), depth first."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from dicts(v)
    elif isinstance(node, list):
        for v in node:
            yield from dicts(v)


def text_items(chart) -> list[dict]:
    """Every text item of a data mark (role 'mark') in absolute pixels, with its estimated box."""
    sg = vlc.vegalite_to_scenegraph(chart.to_dict() if hasattr(chart, "to_dict") else chart)["scenegraph"]
    out = []

    def walk(mark, ox, oy):
        """`mark`: a scenegraph mark node; its items are drawn at offset (ox, oy)."""
        if mark.get("marktype") == "group":
            for it in mark.get("items", []):
                for child in it.get("items", []):
                    walk(child, ox + it.get("x", 0), oy + it.get("y", 0))
        elif mark.get("marktype") == "text" and mark.get("role") == "mark":
            for it in mark.get("items", []):
                text = it.get("text")
                if text in (None, "", []) or it.get("angle"):
                    continue
                lines = [str(t) for t in text] if isinstance(text, list) else str(text).split("\n")
                x, y = ox + it.get("x", 0), oy + it.get("y", 0)
                b = labels.text_box(x, y, "\n".join(lines), it.get("fontSize", 11), it.get("align", "left"),
                                    it.get("baseline", "alphabetic"), it.get("fontWeight") == "bold", len(lines))
                out.append({"text": "\n".join(lines), "x": x, "y": y, "box": b, "ox": ox, "oy": oy})

    walk(sg, 0, 0)
    uniq = {}
    for t in out:  # a white halo is the same text drawn twice at the same place
        uniq.setdefault((t["text"], round(t["x"], 2), round(t["y"], 2)), t)
    return list(uniq.values())


def overlapping(items) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for a, b in combinations(items, 2) if labels.boxes_overlap(a["box"], b["box"])]


def amsterdam_density() -> pd.DataFrame:
    """KWB 2024 population density of Amsterdam and its wijken, from the mirror's OData extract."""
    path = paths.mirror_dir(required=True) / "cbs" / "niquedegraaff_85984NED_kwb2024_GM_WK_population_area.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [{"area_code": code, "area_name": None, "area_level": "gemeente" if code.startswith("GM") else "wijk",
             "indicator": "population_density", "dataset": "kwb_2024", "meting": pd.NA, "year": 2024, "period": "2024",
             "value": float(v["Bevolkingsdichtheid_34"]), "status": "ok", "source": "CBS KWB 2024 (85984NED)"}
            for code, v in data.items() if code.startswith(("WK0363", "GM0363")) and v.get("Bevolkingsdichtheid_34") is not None]
    df = pd.DataFrame(rows)
    df["meting"] = df["meting"].astype("Int64")
    df["year"] = df["year"].astype("Int64")
    df.loc[df["area_code"] == "GM0363", "area_name"] = "Amsterdam"
    return df


def region_density(codes) -> pd.DataFrame:
    """Gemeente population density per year (the real gemeente series of the mirror) as observation rows."""
    from analysis.core.areas import level_of
    from analysis.sources import cbs

    df = cbs.gemeente_series(list(codes))
    df = df[df.indicator == "population_density"].copy()
    df["area_level"] = df["area_code"].map(level_of)
    df["meting"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df["year"] = df["year"].astype("Int64")
    return df.reset_index(drop=True)
