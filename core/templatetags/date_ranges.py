"""Date ranges in the reader's language, built from the locale's own formats (never
hard-coded month names): ``{{ start|date_range:end }}`` for dates kept to the day,
``{{ start|month_range:end }}`` for those shown by month.

- one day (or no end): the date once;
- the same month: the month and year once, the days as a range
  ("April 3–4, 2025", "3–4 апреля 2025 г.");
- the same year: the year once, where the locale's format puts it
  ("3 марта – 4 апреля 2025 г.", "2025-ж., 3-март – 4-апрель");
- otherwise both dates in full.
A month range shows one month once ("апрель 2025 г.", not "Апрель 2025 г. – Апрель 2025 г.").
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import dateformat, formats

register = template.Library()

DASH = "\u2013"  # en dash
PLACEHOLDER = "\ue000"  # a private-use character no format produces
DAY_TOKENS = ("j", "d")
YEAR_TOKENS = ("Y", "y", "o")
MONTH_TOKENS = ("F", "E", "N", "M", "b", "n", "m", "f")


def _unescaped(fmt: str):
    """(index, character) of each format character that is not escaped with a backslash."""
    escaped = False
    for index, char in enumerate(fmt):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            yield index, char


def _format(value: dt.date, fmt: str) -> str:
    return dateformat.format(value, fmt)


def _day_range(start: dt.date, end: dt.date, fmt: str) -> str | None:
    """``fmt`` with its day written as "3–4"; None if the format shows no day."""
    for index, char in _unescaped(fmt):
        if char in DAY_TOKENS:
            with_placeholder = f"{fmt[:index]}\\{PLACEHOLDER}{fmt[index + 1 :]}"
            days = f"{_format(start, char)}{DASH}{_format(end, char)}"
            return _format(start, with_placeholder).replace(PLACEHOLDER, days)
    return None


def _without_trailing_year(fmt: str) -> str | None:
    """The format up to its year, when the year comes after the day and the month
    ("j E Y г." → "j E"); None when the year comes first or is missing."""
    seen_other = False
    for index, char in _unescaped(fmt):
        if char in DAY_TOKENS or char in MONTH_TOKENS:
            seen_other = True
        elif char in YEAR_TOKENS:
            head = fmt[:index].rstrip(" ,")
            return head if seen_other and head and not head.endswith("\\") else None
    return None


def _after_leading_year(fmt: str) -> str | None:
    """The format after its year, when the year comes first ("Y-\\ж., j-F" → "j-F");
    None when it does not."""
    for index, char in _unescaped(fmt):
        if char in DAY_TOKENS or char in MONTH_TOKENS:
            return None
        if char in YEAR_TOKENS:
            rest = fmt[index + 1 :]
            # The year's own suffix ("-ж.", escaped letters and punctuation) goes with it.
            for rest_index, rest_char in _unescaped(rest):
                if rest_char in DAY_TOKENS or rest_char in MONTH_TOKENS:
                    return rest[rest_index:]
            return None
    return None


def _full(start: dt.date, end: dt.date, fmt: str) -> str:
    return f"{_format(start, fmt)} {DASH} {_format(end, fmt)}"


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


@register.filter(is_safe=False)
def date_range(start, end=None) -> str:
    """``start``–``end`` for dates kept to the day, in the active language."""
    start, end = _as_date(start), _as_date(end)
    if start is None:
        return ""
    fmt = formats.get_format("DATE_FORMAT")
    if end is None or end == start:
        return _format(start, fmt)
    if end < start:
        return _full(start, end, fmt)
    if (start.year, start.month) == (end.year, end.month):
        ranged = _day_range(start, end, fmt)
        if ranged is not None:
            return ranged
    if start.year == end.year:
        head = _without_trailing_year(fmt)
        if head is not None:
            return f"{_format(start, head)} {DASH} {_format(end, fmt)}"
        tail = _after_leading_year(fmt)
        if tail is not None:
            return f"{_format(start, fmt)} {DASH} {_format(end, tail)}"
    return _full(start, end, fmt)


@register.filter(is_safe=False)
def month_range(start, end=None) -> str:
    """``start``–``end`` shown by month, in the active language: one month once."""
    start, end = _as_date(start), _as_date(end)
    if start is None:
        return ""
    fmt = formats.get_format("YEAR_MONTH_FORMAT")
    if end is None or (start.year, start.month) == (end.year, end.month):
        return _format(start, fmt)
    return _full(start, end, fmt)
