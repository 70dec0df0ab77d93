"""How each kind of figure is written on the dashboard — in its tables, captions, notes,
chart descriptions, bar titles and axis ticks alike, so that one figure always reads the
same (a mean of 53.75 is 53.8 everywhere, not 53.8 in a table and 53.7 in a caption).

One rounding rule: half away from zero, of the decimal number the float stands for
(``repr``), as a reader rounding by hand would; then the page's language decides the decimal
separator (70,0 in Russian and Kyrgyz). The template filters in analytics_tags call these.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

NO_FIGURE = "—"
SCORE_DIGITS = 1  # scores, their means, medians, spreads and intervals
COEFFICIENT_DIGITS = 2  # r, rho, their intervals, skewness
P_DIGITS = 3
P_SMALLEST = 0.001


def rounded(value: float, digits: int) -> Decimal:
    """``value`` to ``digits`` decimals, half away from zero; never "-0.0"."""
    result = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return result.copy_abs() if result == 0 else result


def decimal(value: float | None, digits: int) -> str:
    if value is None:
        return NO_FIGURE
    return number_format(rounded(value, digits), digits)


def score(value: float | None) -> str:
    return decimal(value, SCORE_DIGITS)


def coefficient(value: float | None) -> str:
    return decimal(value, COEFFICIENT_DIGITS)


def p_value(value: float | None) -> str:
    if value is None:
        return NO_FIGURE
    if value < P_SMALLEST:
        return _("< 0.001")
    return decimal(value, P_DIGITS)


def percent(rate: float | None) -> str:
    """A share (0–1) as a whole percentage."""
    return NO_FIGURE if rate is None else decimal(100 * rate, 0) + " %"


def count(value: float | None) -> str:
    return decimal(value, 0)


def axis(value: float) -> str:
    """An axis tick: whole numbers as such, others to one decimal."""
    return decimal(value, 0 if float(value).is_integer() else 1)
