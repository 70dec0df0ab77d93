"""Writes for analytics: the activity log. The receivers (receivers.py) call these inside
the transaction of the write they hear of, so a change that fails (a refused upload, an
invalid form) leaves no event, and the roll-ups (rollups.py) move with the event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from analytics.models import (
    ActivityEvent,
    ActivityKind,
    EmployerViewDay,
    PortfolioViewDay,
    ViewerKind,
)
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


# --- Who looked: daily counts (analytics/portfolio_views.py decides what is counted) ------

_COUNT_KIND = f"""
    INSERT INTO {PortfolioViewDay._meta.db_table} (portfolio_id, day, kind, count)
    VALUES (%s, %s, %s, 1)
    ON CONFLICT (portfolio_id, day, kind)
    DO UPDATE SET count = {PortfolioViewDay._meta.db_table}.count + 1
"""
# An employer's view adds to both tables in one statement (a data-modifying CTE).
_COUNT_EMPLOYER = f"""
    WITH kind_counted AS ({_COUNT_KIND} RETURNING 1)
    INSERT INTO {EmployerViewDay._meta.db_table}
        (portfolio_id, day, employer_profile_id, organisation, count)
    VALUES (%s, %s, %s, %s, 1)
    ON CONFLICT (portfolio_id, day, employer_profile_id)
    DO UPDATE SET count = {EmployerViewDay._meta.db_table}.count + 1,
                  organisation = EXCLUDED.organisation
"""


def portfolio_view_count(
    *,
    portfolio_id: int,
    day: date,
    kind: ViewerKind | str,
    employer_profile_id: int | None = None,
    organisation: str = "",
) -> None:
    """Add one viewer of ``kind`` to the portfolio's count for ``day``: one statement (an
    upsert), so concurrent viewers never lose a count. An employer's view also counts for
    their organisation (``employer_profile_id`` and the organisation's name)."""
    if kind not in ViewerKind.values:
        raise ValueError(f"Unknown kind of viewer: {kind!r}")
    with connection.cursor() as cursor:
        if kind == ViewerKind.EMPLOYER and employer_profile_id is not None:
            cursor.execute(
                _COUNT_EMPLOYER,
                [portfolio_id, day, str(kind), portfolio_id, day, employer_profile_id,
                 (organisation or "")[:200]],
            )  # fmt: skip
        else:
            cursor.execute(_COUNT_KIND, [portfolio_id, day, str(kind)])


def portfolio_view_counts_purge(*, keep_days: int = 400, today: date | None = None) -> int:
    """Delete the daily view counts older than ``keep_days`` (the student's page shows 12
    weeks; a year and a bit stays for the admin); how many rows went."""
    cutoff = (today or timezone.localdate()) - timedelta(days=keep_days)
    deleted = PortfolioViewDay.objects.filter(day__lt=cutoff).delete()[0]
    return deleted + EmployerViewDay.objects.filter(day__lt=cutoff).delete()[0]
