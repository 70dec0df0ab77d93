"""Widths of progress bars as classes, since the Content-Security-Policy refuses style=""."""

from django import template

register = template.Library()


@register.filter
def width_class(percent) -> str:
    """``w-pct-N`` for N the percent rounded and held to 0–100 (static/css/site.css)."""
    try:
        value = round(float(percent))
    except (TypeError, ValueError, OverflowError):
        value = 0
    return f"w-pct-{min(100, max(0, value))}"
