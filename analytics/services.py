"""Writes for analytics: the activity log. The receivers (receivers.py) call these inside
the transaction of the write they hear of, so a change that fails (a refused upload, an
invalid form) leaves no event, and the roll-ups (rollups.py) move with the event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from analytics.models import ActivityEvent, ActivityKind
from analytics.rollups import record_in_rollups


def activity_record(
    *,
    student_id: int,
    kind: ActivityKind | str,
    actor_id: int | None = None,
    object_id: int | None = None,
    label: str = "",
    at: datetime | None = None,
) -> ActivityEvent:
    event = ActivityEvent(
        student_id=student_id,
        actor_id=actor_id,
        kind=kind,
        object_id=object_id,
        object_label=(label or "")[:200],
    )
    if at is not None:
        event.created_at = at
    event.save()
    record_in_rollups(student_id=student_id, kind=kind, at=event.created_at)
    return event


def activity_record_many(
    *,
    student_id: int,
    kind: ActivityKind | str,
    objects: Iterable[object],
    actor_id: int | None = None,
) -> list[ActivityEvent]:
    """One event per object (its pk and text), written in one statement and counted in the
    roll-ups in one pass: ten files uploaded at once cost what one does, plus their rows."""
    at = timezone.now()
    events = [
        ActivityEvent(
            student_id=student_id,
            actor_id=actor_id,
            kind=kind,
            object_id=obj.pk,
            object_label=str(obj)[:200],
            created_at=at,
        )  # fmt: skip
        for obj in objects
    ]
    if not events:
        return []
    ActivityEvent.objects.bulk_create(events)
    record_in_rollups(student_id=student_id, kind=kind, at=at, count=len(events))
    return events
