"""Numbers on the dashboard, one filter per kind of figure (analytics/formatting.py: the
same rounding as the captions and charts); "—" where there is no figure."""

from django import template

from analytics import formatting
from analytics.stats import within_score_range

register = template.Library()

register.filter("score", formatting.score)
register.filter("coefficient", formatting.coefficient)
register.filter("pvalue", formatting.p_value)
register.filter("percent", formatting.percent)


@register.filter
def num(value, digits=1):
    """``value`` to ``digits`` decimals in the page's language (figures of no other kind)."""
    return formatting.decimal(value, int(digits))


@register.filter
def score_interval(ci):
    """A mean's 95% interval as shown: (low, high, limited to 0–100?), or None."""
    return within_score_range(ci)
