"""Chart geometry for the dashboard's server-drawn SVG (templates/analytics/_*_chart.html):
no script, a title and a description on every chart, and the numbers in a table beside it.
Functions here only place shapes; the figures come from selectors.py."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 44


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)
    line: dict | None = None
    x_ticks: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""

    @property
    def plot(self) -> dict:
        return {
            "left": LEFT, "top": TOP, "right": self.width - RIGHT,
            "bottom": self.height - BOTTOM, "width": self.width - LEFT - RIGHT,
            "height": self.height - TOP - BOTTOM,
            "x_label_y": self.height - 6, "x_label_x": (LEFT + self.width - RIGHT) / 2,
            "y_label_x": 14, "y_label_y": (TOP + self.height - BOTTOM) / 2,
        }  # fmt: skip


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _ticks(maximum: float, count: int = 5) -> list[float]:
    return [maximum * i / count for i in range(count + 1)]


def _label(value: float) -> str:
    """A tick label in the page's language ("2,5" in Russian and Kyrgyz)."""
    return f"{value:g}" if value == int(value) else number_format(value, 1)


def bar_chart(
    *, id: str, title: str, description: str, labels: list[str], values: list[float],
    x_label: str, y_label: str, every: int = 1,
) -> Chart:  # fmt: skip
    """Vertical bars, one per label; ``every`` thins the axis labels of long series."""
    chart = Chart(id=id, title=title, description=description, x_label=x_label, y_label=y_label)
    plot = chart.plot
    top = nice_max(max(values, default=0))
    slot = plot["width"] / max(1, len(values))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot["height"] * value / top
        chart.bars.append({
            "x": round(plot["left"] + i * slot + slot * 0.1, 2), "width": round(slot * 0.8, 2),
            "y": round(plot["bottom"] - h, 2), "height": round(h, 2), "label": label,
            "value": value,
        })  # fmt: skip
        if i % every == 0:
            chart.x_ticks.append({"x": round(plot["left"] + (i + 0.5) * slot, 2), "label": label})
    for tick in _ticks(top):
        y = plot["bottom"] - plot["height"] * tick / top
        chart.y_ticks.append({"y": round(y, 2), "label": _label(tick)})
    return chart


def scatter_chart(
    *, id: str, title: str, description: str, points: list, grid: list, grid_size: int,
    x_range: tuple[float, float], slope: float | None, intercept: float | None,
    x_label: str, y_label: str,
) -> Chart:  # fmt: skip
    """Scores (0–100, vertical) against an activity metric; every student as a dot, or —
    for large groups — a grid shaded by how many students fall in each cell; and the
    least-squares line."""
    chart = Chart(id=id, title=title, description=description, x_label=x_label, y_label=y_label)
    plot = chart.plot
    low, high = x_range
    high = max(high, low + 1)
    x_top = nice_max(high) if low >= 0 else high
    x_low = 0.0 if low >= 0 else low

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
            })  # fmt: skip
    if slope is not None and intercept is not None:
        x1, x2 = low, high
        y1, y2 = intercept + slope * x1, intercept + slope * x2
        chart.line = {
            "x1": round(x_of(x1), 2), "y1": round(y_of(min(100, max(0, y1))), 2),
            "x2": round(x_of(x2), 2), "y2": round(y_of(min(100, max(0, y2))), 2),
        }  # fmt: skip
    for tick in _ticks(x_top - x_low):
        chart.x_ticks.append({"x": round(x_of(x_low + tick), 2), "label": _label(x_low + tick)})
    for tick in _ticks(100):
        chart.y_ticks.append({"y": round(y_of(tick), 2), "label": _label(tick)})
    return chart
