"""Writes for analytics: the activity log. Services of the other apps call
``activity_record`` inside their own transaction, so a change that fails (a refused upload,
an invalid form) leaves no event."""

from __future__ import annotations

from datetime import datetime

from analytics.models import ActivityEvent, ActivityKind


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
    return event
