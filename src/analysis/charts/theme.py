"""The one altair theme of the wijkmonitor charts: font, font sizes and title placement, set once.

Registered and enabled when this module is imported (analysis.charts.maps imports it), so that
every chart the package builds carries it, whether shown in a notebook, exported to PNG/SVG or
embedded in a web page. A chart still sets what is its own (a compact map's smaller title).
"""
from __future__ import annotations

import altair as alt

NAME = "wijkmonitor"
FONT = "sans-serif"  # vega's default; charts/labels.py measures label room with DejaVu Sans, its usual face
TITLE_FONT_SIZE = 13  # labels.wrap(..., 13, bold=True) wraps long titles at this size
SUBTITLE_FONT_SIZE = 11  # labels.wrap(..., 11) wraps subtitles at this size


@alt.theme.register(NAME, enable=True)
def wijkmonitor() -> alt.theme.ThemeConfig:
    """Titles left-aligned above the chart (as the report and the page text read), one font."""
    return {
        "config": {
            "font": FONT,
            # altair's default theme's view size, kept: charts without a width stay as they were.
            "view": {"continuousWidth": 300, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": TITLE_FONT_SIZE, "subtitleFontSize": SUBTITLE_FONT_SIZE},
        }
    }
