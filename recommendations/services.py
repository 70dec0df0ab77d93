"""Writes: a student was shown cards; a student answered one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.models import Choice, Exposure, Mode, Response
from recommendations.signals import recommendation_acted, recommendations_shown

LATER_DAYS = 7  # "not now" hides a card this long


@transaction.atomic
def recommendations_mark_shown(*, student, recommendations: Iterable, mode: str) -> list[str]:
    """Record that these cards were shown (first and last time, per key) in one statement,
    and send ``recommendations_shown`` (receivers run in this transaction)."""
    if mode not in Mode.values:
        raise ValidationError({"mode": _("Unknown way of choosing recommendations.")})
    keys = list(dict.fromkeys(r.key for r in recommendations))
    if not keys:
        return []
    now = timezone.now()
    rows = [
        Exposure(student=student, key=key, mode=mode, first_shown_at=now, last_shown_at=now)
        for key in keys
    ]
    for row in rows:
        # The student is the caller's (already loaded): no lookup per row.
        row.full_clean(exclude=["student"], validate_unique=False, validate_constraints=False)
    Exposure.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["student", "key"],
        update_fields=["last_shown_at", "mode"],
    )
    recommendations_shown.send(sender=Exposure, student=student, keys=keys, mode=mode)
    return keys


@transaction.atomic
def recommendation_respond(*, student, key: str, choice: str) -> Response:
    """Store the student's answer (the latest one counts); the card goes away — for
    ``LATER_DAYS`` after "not now", for good otherwise. Sends ``recommendation_acted``."""
    response = Response.objects.select_for_update().filter(
        student=student, key=key
    ).first() or Response(student=student, key=key)
    response.choice = choice
    response.answered_at = timezone.now()
    response.hidden_until = (
        response.answered_at + timedelta(days=LATER_DAYS) if choice == Choice.LATER else None
    )
    response.full_clean(validate_unique=False, validate_constraints=False)
    response.save()
    recommendation_acted.send(sender=Response, student=student, key=key, choice=choice)
    return response
