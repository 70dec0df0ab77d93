"""The results page's chart: each arm's mean with its 95% interval, drawn on the server
with analytics' chart geometry (analytics/charts.py: sizes, ticks, number formats) and
the site's shared axes (templates/includes/chart_axes.html)."""

from __future__ import annotations

import math

from analytics import charts, formatting


def means_chart(
    *, id: str, title: str, description: str, labels: list[str], means: list[float | None],
    intervals: list[tuple[float, float] | None], x_label: str, y_label: str,
) -> charts.Chart:  # fmt: skip
    """A dot per arm at its mean, a whisker over its interval; the axis from 0 (or the
    lowest interval end, if below 0) to a round number above the highest."""
    ends = [v for ci in intervals if ci for v in ci] + [m for m in means if m is not None]
    top = charts.nice_max(max(ends, default=1.0))
    bottom = min(0.0, min(ends, default=0.0))
    if bottom < 0:
        bottom = -charts.nice_max(-bottom)
    ticks = [bottom + (top - bottom) * i / 5 for i in range(6)]
    tick_labels = [formatting.axis(round(t, 6)) for t in ticks]
    widest = max(len(text) for text in tick_labels) * charts.CHAR_WIDTH
    left = math.ceil(charts.Y_LABEL_X + charts.LINE_HEIGHT / 2 + 2 * charts.GAP + widest)
    chart = charts.Chart(id=id, title=title, description=description, x_label=x_label,
                         y_label=y_label, left=left)  # fmt: skip
    plot = chart.plot
    slot = plot["width"] / max(1, len(labels))

    def y_of(value: float) -> float:
        return round(plot["bottom"] - plot["height"] * (value - bottom) / (top - bottom), 2)

    chart.whiskers = []
    for i, (label, mean, ci) in enumerate(zip(labels, means, intervals, strict=True)):
        x = round(plot["left"] + (i + 0.5) * slot, 2)
        chart.x_ticks.append({"x": x, "lines": [label]})
        if mean is None:
            continue
        text = formatting.coefficient(mean)
        if ci:
            text += f" ({formatting.coefficient(ci[0])}–{formatting.coefficient(ci[1])})"
            chart.whiskers.append({"x": x, "y1": y_of(ci[0]), "y2": y_of(ci[1]),
                                   "cap1": round(x - 8, 2), "cap2": round(x + 8, 2)})  # fmt: skip
        chart.points.append({"cx": x, "cy": y_of(mean), "label": label, "value_label": text})
    for tick, text in zip(ticks, tick_labels, strict=True):
        chart.y_ticks.append({"y": y_of(tick), "label": text})
    return chart
