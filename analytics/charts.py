"""Chart geometry for the dashboard's server-drawn SVG (templates/analytics/_*_chart.html):
no script, a title and a description on every chart, and the numbers in a table beside it.
Functions here only place shapes; the figures come from selectors.py, and every number a
chart writes is written by analytics/formatting.py, as the tables write it.

Readable at 100% zoom: an SVG scales its text with its width, so the text is sized for the
narrowest the chart is ever drawn. The stylesheet never draws a chart narrower than its
viewBox (``.chart-svg { min-width: 420px }`` in static/css/site.css, the region scrolls
sideways on a phone instead), so FONT_SIZE user units are at least FONT_SIZE CSS pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from analytics import formatting

WIDTH = 420  # = the charts' min-width in site.css
FONT_SIZE = 13  # user units: ≥ 12 CSS px, since a chart is never drawn below WIDTH
LINE_HEIGHT = 16
CHAR_WIDTH = 0.62 * FONT_SIZE  # a generous mean glyph width, to keep labels apart
PLOT_HEIGHT = 176
TOP, RIGHT = 12, 14
Y_LABEL_X = 14  # the rotated axis title's centre line
GAP = 6  # between a tick label and its axis


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int = WIDTH
    font_size: int = FONT_SIZE
    left: int = 60
    tick_lines: int = 1  # lines of the longest x-axis label
    bars: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)
    line: dict | None = None
    x_ticks: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""

    @property
    def height(self) -> int:
        return TOP + PLOT_HEIGHT + self.bottom_margin

    @property
    def bottom_margin(self) -> int:
        # Tick labels, then the axis title, a line each.
        return GAP + self.tick_lines * LINE_HEIGHT + LINE_HEIGHT + GAP

    @property
    def plot(self) -> dict:
        bottom = TOP + PLOT_HEIGHT
        return {
            "left": self.left, "top": TOP, "right": self.width - RIGHT, "bottom": bottom,
            "width": self.width - self.left - RIGHT, "height": PLOT_HEIGHT,
            "tick_y": bottom + GAP + self.font_size, "tick_x": self.left - GAP,
            "x_label_y": self.height - GAP, "x_label_x": (self.left + self.width - RIGHT) / 2,
            "y_label_x": Y_LABEL_X, "y_label_y": TOP + PLOT_HEIGHT / 2,
            "line_height": LINE_HEIGHT,
        }  # fmt: skip


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _left_margin(labels: list[str]) -> int:
    """Room for the rotated axis title and the widest y tick label."""
    widest = max((_text_width(label) for label in labels), default=0)
    return math.ceil(Y_LABEL_X + LINE_HEIGHT / 2 + GAP + widest + GAP)


def _wrap(label: str, width: float) -> list[str]:
    """``label`` in lines no wider than ``width`` where its words allow."""
    lines: list[str] = []
    for word in label.split():
        if lines and _text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _every(count: int, widest: float, space: float) -> int:
    """Show every n-th of ``count`` labels so that labels ``widest`` wide stay apart."""
    if count <= 1:
        return 1
    fits = max(1, int(space // (widest + 2 * GAP)))
    return max(1, math.ceil(count / fits))


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def count_ticks(maximum: float, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 to at least ``maximum``, in steps of 1, 2 or 5 × a power
    of ten, at most ``most`` steps: an axis of counts never shows 0.4 of a student."""
    if maximum <= 0:
        return [0, 1]
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            steps = math.ceil(maximum / step)
            if steps <= most:
                return [step * i for i in range(steps + 1)]
        power *= 10


def _even_ticks(maximum: float, count: int = 5) -> list[float]:
    return [maximum * i / count for i in range(count + 1)]


def bar_chart(
    *, id: str, title: str, description: str, labels: list[str], values: list[float],
    x_label: str, y_label: str, value_labels: list[str] | None = None,
    y_max: float | None = None, edges: list[float] | None = None,
) -> Chart:  # fmt: skip
    """Vertical bars, one per label, titled with ``value_labels`` (default: the values as
    counts). The value axis counts in whole numbers unless ``y_max`` fixes it
    (percentages: 100). ``edges`` (a histogram's bin edges, one more than
    the bars) label the boundaries between bars instead of the bars; long series show
    every n-th label, long labels wrap."""
    ticks = count_ticks(max(values, default=0)) if y_max is None else _even_ticks(y_max)
    top = ticks[-1]
    tick_labels = [formatting.axis(t) for t in ticks]
    chart = Chart(id=id, title=title, description=description, x_label=x_label,
                  y_label=y_label, left=_left_margin(tick_labels))  # fmt: skip
    plot = chart.plot
    slot = plot["width"] / max(1, len(values))
    if value_labels is None:
        value_labels = [formatting.count(value) for value in values]
    bars = zip(labels, values, value_labels, strict=True)
    for i, (label, value, value_label) in enumerate(bars):
        h = plot["height"] * value / top
        chart.bars.append({
            "x": round(plot["left"] + i * slot + slot * 0.1, 2), "width": round(slot * 0.8, 2),
            "y": round(plot["bottom"] - h, 2), "height": round(h, 2), "label": label,
            "value": value, "value_label": value_label,
        })  # fmt: skip
    if edges is not None:
        edge_labels = [formatting.axis(e) for e in edges]
        needed = _every(len(edges), max(map(_text_width, edge_labels)), plot["width"])
        # A step that divides the bins, so that both ends are labelled (0 and 100).
        every = next(k for k in range(needed, len(edges)) if (len(edges) - 1) % k == 0)
        for i, text in enumerate(edge_labels):
            if i % every == 0:
                chart.x_ticks.append({"x": round(plot["left"] + i * slot, 2), "lines": [text]})
    else:
        widest = max((_text_width(label) for label in labels), default=0)
        if widest > slot - 2 * GAP and len(labels) <= 6:
            # Few long labels (activity thirds in Kyrgyz): wrapped under their bars.
            for i, label in enumerate(labels):
                chart.x_ticks.append({"x": round(plot["left"] + (i + 0.5) * slot, 2),
                                      "lines": _wrap(label, slot - 2 * GAP)})  # fmt: skip
        else:
            every = _every(len(labels), widest, plot["width"])
            for i, label in enumerate(labels):
                if i % every == 0:
                    chart.x_ticks.append(
                        {"x": round(plot["left"] + (i + 0.5) * slot, 2), "lines": [label]}
                    )
    chart.tick_lines = max((len(t["lines"]) for t in chart.x_ticks), default=1)
    plot = chart.plot
    for tick, text in zip(ticks, tick_labels, strict=True):
        y = plot["bottom"] - plot["height"] * tick / top
        chart.y_ticks.append({"y": round(y, 2), "label": text})
    return chart


def scatter_chart(
    *, id: str, title: str, description: str, points: list, grid: list, grid_size: int,
    x_range: tuple[float, float], slope: float | None, intercept: float | None,
    x_label: str, y_label: str, x_counts: bool = False,
) -> Chart:  # fmt: skip
    """Scores (0–100, vertical) against an activity metric; every student as a dot, or —
    for large groups — a grid shaded by how many students fall in each cell; and the
    least-squares line. ``x_counts``: the metric is a count, its axis has whole ticks."""
    score_ticks = _even_ticks(100)
    chart = Chart(id=id, title=title, description=description, x_label=x_label,
                  y_label=y_label,
                  left=_left_margin([formatting.axis(t) for t in score_ticks]))  # fmt: skip
    plot = chart.plot
    low, high = x_range
    high = max(high, low + 1)
    if low >= 0:
        x_low = 0.0
        x_ticks = count_ticks(high) if x_counts else _even_ticks(nice_max(high))
    else:
        x_low = low
        x_ticks = [low + t for t in _even_ticks(high - low)]
    x_top = x_ticks[-1]

    def x_of(value: float) -> float:
        return plot["left"] + plot["width"] * (value - x_low) / (x_top - x_low)

    def y_of(score: float) -> float:
        return plot["bottom"] - plot["height"] * score / 100

    for metric, score in points:
        chart.points.append({"cx": round(x_of(metric), 2), "cy": round(y_of(score), 2)})
    if grid:
        densest = max(n for _gx, _gy, n in grid)
        cell_w, cell_h = (high - low) / grid_size, 100 / grid_size
        for gx, gy, n in grid:
            x0 = low + (gx - 1) * cell_w
            y0 = (gy - 1) * cell_h
            chart.cells.append({
                "x": round(x_of(x0), 2), "y": round(y_of(y0 + cell_h), 2),
                "width": round(x_of(x0 + cell_w) - x_of(x0), 2),
                "height": round(y_of(y0) - y_of(y0 + cell_h), 2),
                "opacity": round(0.15 + 0.85 * n / densest, 3), "n": n,
                "n_label": formatting.count(n),
            })  # fmt: skip
    if slope is not None and intercept is not None:
        x1, x2 = low, high
        y1, y2 = intercept + slope * x1, intercept + slope * x2
        chart.line = {
            "x1": round(x_of(x1), 2), "y1": round(y_of(min(100, max(0, y1))), 2),
            "x2": round(x_of(x2), 2), "y2": round(y_of(min(100, max(0, y2))), 2),
        }  # fmt: skip
    labels = [formatting.axis(t) for t in x_ticks]
    every = _every(len(labels), max(map(_text_width, labels)), plot["width"])
    for i, (tick, text) in enumerate(zip(x_ticks, labels, strict=True)):
        if i % every == 0:
            chart.x_ticks.append({"x": round(x_of(tick), 2), "lines": [text]})
    for tick in score_ticks:
        chart.y_ticks.append({"y": round(y_of(tick), 2), "label": formatting.axis(tick)})
    return chart
