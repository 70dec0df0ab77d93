"""Writes for analytics: the activity log. Services of the other apps call
``activity_record`` inside their own transaction, so a change that fails (a refused upload,
an invalid form) leaves no event, and the roll-ups (rollups.py) move with the event."""

from __future__ import annotations

from datetime import datetime

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
