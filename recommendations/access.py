"""Who may answer which card: a student, only cards that can be theirs. Anything else
(another student's achievement, a key of no known kind, another role) is a 404."""

from __future__ import annotations

import re

from django.http import Http404

from achievements.models import Achievement
from portfolios.models import Category, Skill

PERIOD = re.compile(r"^\d{4}-\d{2}$")


def access_recommendation(user, key: str) -> str:
    """The key, if ``user`` is a student and the card can be theirs; else ``Http404``."""
    if not user.is_authenticated or not user.is_student:
        raise Http404
    kind, _sep, argument = key.partition(":")
    if kind in ("evidence", "verify") and argument.isdigit():
        if Achievement.objects.filter(pk=int(argument), portfolio__student=user).exists():
            return key
    elif kind == "section":
        if Category.objects.filter(code=argument, is_active=True).exists():
            return key
    elif kind == "skill" and argument.isdigit():
        if Skill.objects.filter(pk=int(argument)).exists():
            return key
    elif kind in ("update", "journal") and PERIOD.match(argument) or key == "profile:about":
        return key
    raise Http404
