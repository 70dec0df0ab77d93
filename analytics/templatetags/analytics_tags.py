"""Numbers on the dashboard: "—" where there is no figure, p-values the way papers print them."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value, digits=1):
    """``value`` to ``digits`` decimals in the page's language; "—" for no figure."""
    if value is None:
        return "—"
    return floatformat(value, digits)


@register.filter
def pvalue(value):
    if value is None:
        return "—"
    if value < 0.001:
        return _("< 0.001")
    return floatformat(value, 3)


@register.filter
def percent(value):
    return "—" if value is None else floatformat(100 * value, 0) + " %"
