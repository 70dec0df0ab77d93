"""What a portfolio.json may hold, checked before anything is written.

A small strict validator of our own rather than a JSON Schema library: every problem must
come back as a translated sentence naming its place in the file ("achievements[3].featured:
expected true or false"), the limits are read from the models (so a field's max_length or
length validator and the import agree), and dates go through ``core.dates`` like every
form's. Parsing itself cannot exhaust the stack: the nesting depth is measured on the text
before ``json.loads`` sees it.

Places count from 0, as in JSON paths: ``achievements[0]`` is the first achievement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import validate_date_in_range

MAX_DEPTH = 10  # the format needs 5 (document → posts → post → attachments → attachment)
MAX_WHOLE = 2**63 - 1
# A JSON string, or an unterminated one up to the end; possessive, so it never backtracks.
_STRING = re.compile(r'"(?>[^"\\]+|\\[\s\S]?)*+(?:"|\Z)')
_INNERMOST = re.compile(r"\[\]|\{\}")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?"
)


class Invalid(Exception):
    """A problem in portfolio.json; ``message`` is translated and names the place."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def problem_at(place: str, problem: str) -> Invalid:
    if not place:
        return Invalid(_("portfolio.json: %(problem)s") % {"problem": problem})
    return Invalid(
        _("portfolio.json, %(place)s: %(problem)s") % {"place": place, "problem": problem}
    )


def model_text_limit(model, name: str, default: int) -> int:
    """The most characters a model field takes: its max_length, or the smallest
    MaxLengthValidator on it (Markdown text fields), or ``default``."""
    model_field = model._meta.get_field(name)
    limits = [model_field.max_length] if model_field.max_length else []
    limits += [v.limit_value for v in model_field.validators if isinstance(v, MaxLengthValidator)]
    limits = [limit for limit in limits if isinstance(limit, int)]
    return min(limits) if limits else default


# --- parsing -------------------------------------------------------------------------


def parse(raw: bytes) -> object:
    """portfolio.json as Python values; ``Invalid`` if it is not UTF-8, not JSON, nested
    deeper than MAX_DEPTH, or repeats a key in one object."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("portfolio.json is not UTF-8 text.")) from None
    _check_depth(text)
    try:
        return json.loads(
            text, object_pairs_hook=_object_without_repeats, parse_constant=_no_constant
        )
    except Invalid:
        raise
    except (ValueError, RecursionError):
        raise Invalid(_("portfolio.json is not valid JSON.")) from None


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, measured on the brackets outside strings, so
    a document a million brackets deep never reaches the recursive parser. Every step is
    one linear pass of the regular-expression engine (no Python loop over the text)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    # Each round removes the innermost pairs, one level of nesting.
    for _level in range(MAX_DEPTH):
        inner = _INNERMOST.sub("", brackets)
        if inner == brackets:
            break
        brackets = inner
    if not brackets:
        return
    too_deep = Invalid(
        ngettext(
            "portfolio.json is nested more than %(limit)d level deep.",
            "portfolio.json is nested more than %(limit)d levels deep.",
            MAX_DEPTH,
        )
        % {"limit": MAX_DEPTH}
    )
    if _INNERMOST.search(brackets):
        raise too_deep  # pairs left after MAX_DEPTH levels were taken away
    # Brackets that do not pair up: not JSON, though perhaps deep before they break.
    openers = len(brackets) - len(brackets.lstrip("[{"))
    if openers > MAX_DEPTH:
        raise too_deep
    raise Invalid(_("portfolio.json is not valid JSON."))


def _object_without_repeats(pairs: list[tuple[str, object]]) -> dict:
    document = {}
    for key, value in pairs:
        if key in document:
            raise Invalid(
                _("portfolio.json has the key “%(key)s” twice in one object.") % {"key": key[:60]}
            )
        document[key] = value
    return document


def _no_constant(name: str):
    raise Invalid(_("portfolio.json is not valid JSON."))


# --- the parts of a document -----------------------------------------------------------


class Spec:
    null = False

    def check(self, value, place: str) -> None:
        raise NotImplementedError


@dataclass
class Text(Spec):
    max_length: int
    null: bool = False
    blank: bool = True
    choices: Iterable[str] | None = None

    def check(self, value, place):
        if self.choices is not None and (not isinstance(value, str) or value not in self.choices):
            raise problem_at(
                place,
                _("expected one of %(choices)s")
                % {"choices": ", ".join(f"“{choice}”" for choice in self.choices)},
            )
        if not isinstance(value, str):
            raise problem_at(place, _("expected text"))
        if not self.blank and not value.strip():
            raise problem_at(place, _("must not be empty"))
        if len(value) > self.max_length:
            raise problem_at(
                place,
                ngettext(
                    "expected at most %(limit)d character, not %(count)d",
                    "expected at most %(limit)d characters, not %(count)d",
                    self.max_length,
                )
                % {"limit": self.max_length, "count": len(value)},
            )


@dataclass
class Flag(Spec):
    null: bool = False

    def check(self, value, place):
        if not isinstance(value, bool):
            raise problem_at(place, _("expected true or false"))


@dataclass
class Whole(Spec):
    maximum: int = MAX_WHOLE
    null: bool = False

    def check(self, value, place):
        if not isinstance(value, int) or isinstance(value, bool):
            raise problem_at(place, _("expected a whole number"))
        if not 0 <= value <= self.maximum:
            raise problem_at(
                place,
                _("expected a whole number from 0 to %(maximum)d") % {"maximum": self.maximum},
            )


def _in_range(value, place) -> None:
    try:
        validate_date_in_range(value)
    except ValidationError as error:
        raise problem_at(place, " ".join(error.messages)) from None


@dataclass
class Day(Spec):
    null: bool = True

    def check(self, value, place):
        try:
            day = date.fromisoformat(value) if _DATE.fullmatch(value) else None
        except (TypeError, ValueError):
            day = None
        if day is None:
            raise problem_at(place, _("expected a date such as 2024-09-01"))
        _in_range(day, place)


@dataclass
class Moment(Spec):
    null: bool = True

    def check(self, value, place):
        try:
            moment = datetime.fromisoformat(value) if _DATETIME.fullmatch(value) else None
        except (TypeError, ValueError):
            moment = None
        if moment is None:
            raise problem_at(place, _("expected a date and time such as 2024-09-01T10:30:00+06:00"))
        _in_range(moment, place)


@dataclass
class ListOf(Spec):
    item: Spec
    max_items: int
    null: bool = False

    def check(self, value, place):
        if not isinstance(value, list):
            raise problem_at(place, _("expected a list"))
        if len(value) > self.max_items:
            raise problem_at(
                place,
                ngettext(
                    "expected at most %(limit)d item, not %(count)d",
                    "expected at most %(limit)d items, not %(count)d",
                    self.max_items,
                )
                % {"limit": self.max_items, "count": len(value)},
            )
        for index, item in enumerate(value):
            check(self.item, item, f"{place}[{index}]")


@dataclass
class Record(Spec):
    """An object: ``required`` and ``optional`` fields by name; other keys are ignored.
    ``rule`` checks what depends on several fields (a file entry needs a path)."""

    required: dict[str, Spec] = field(default_factory=dict)
    optional: dict[str, Spec] = field(default_factory=dict)
    rule: Callable[[dict, str], None] | None = None
    null: bool = False

    def check(self, value, place):
        if not isinstance(value, dict):
            raise problem_at(place, _("expected an object"))
        for name, spec in self.required.items():
            inner = f"{place}.{name}" if place else name
            if name not in value:
                raise problem_at(inner, _("is missing"))
            check(spec, value[name], inner)
        for name, spec in self.optional.items():
            if name in value:
                check(spec, value[name], f"{place}.{name}" if place else name)
        if self.rule is not None:
            self.rule(value, place)


def check(spec: Spec, value, place: str = "") -> None:
    if value is None and spec.null:
        return
    if value is None:
        # Say what was expected, as for any other wrong type.
        spec.check(_NullValue(), place)
        return
    spec.check(value, place)


class _NullValue:
    """Stands for JSON null where null is not allowed: no spec accepts it."""


def require(record: dict, place: str, names: Iterable[str]) -> None:
    """For a record rule: each of ``names`` must be there and not null."""
    for name in names:
        if record.get(name) is None:
            raise problem_at(f"{place}.{name}", _("is missing"))
