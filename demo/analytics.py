"""Demo activity history: fifteen months of updates and sign-ins for the demo students.

Each student gets a diligence (from how full their demo portfolio is, plus noise) that sets
how many weeks they are active and how much they do in a week; holidays are quieter and
graduates stop after their last June. The scores seeded afterwards (demo/feedback.py) depend
on the activity this history leaves in each term, so the dashboard's correlation is a
property of the data, not a number written anywhere.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from achievements.models import Achievement
from analytics import rollups
from analytics.models import CONTENT_KINDS, ActivityEvent, ActivityKind, StudentTermActivity
from portfolios.models import Portfolio

KIND_WEIGHTS = {
    ActivityKind.ACHIEVEMENT_UPDATED: 5, ActivityKind.EVIDENCE_ADDED: 3,
    ActivityKind.ACHIEVEMENT_CREATED: 2, ActivityKind.PROFILE_UPDATED: 1,
    ActivityKind.EVIDENCE_UPDATED: 1, ActivityKind.EVIDENCE_DELETED: 1,
}  # fmt: skip


def _in_a_term(day: date, terms) -> bool:
    return any(t.starts_on <= day <= t.ends_on for t in terms)


def seed_history(rng: random.Random, *, terms, diligence_of: dict[int, float]) -> dict[int, float]:
    """Replace the "just now" events of the demo seeding with a history since the first
    term began; returns each student's diligence (0–1)."""
    first_day = min(t.starts_on for t in terms)
    tz = timezone.get_current_timezone()
    if ActivityEvent.objects.filter(
        created_at__lt=datetime.combine(first_day, time(), tz)
    ).exists():
        return {}
    students = list(User.objects.students().select_related("cohort").order_by("pk"))
    ActivityEvent.objects.filter(
        student__in=students, kind__in=[*CONTENT_KINDS, ActivityKind.LOGIN]
    ).delete()
    titles: dict[int, list[str]] = {}
    for student_id, title in Achievement.objects.filter(
        portfolio__student__in=students
    ).values_list("portfolio__student_id", "title"):
        titles.setdefault(student_id, []).append(title)
    today = timezone.localdate()
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    diligence, events = {}, []
    for student in students:
        base = diligence_of.get(student.pk, 0.3)
        d = 0.95 if student.username == "student1" else base + rng.gauss(0, 0.15)
        d = diligence[student.pk] = max(0.03, min(0.95, d))
        last_day = today
        if student.cohort and student.cohort.has_graduated:
            last_day = min(today, date(student.cohort.graduation_year, 6, 30))
        week = rollups.week_of(first_day)
        while week <= last_day:
            in_term = _in_a_term(week + timedelta(days=3), terms)
            if rng.random() < d * (1.0 if in_term else 0.25):
                for _n in range(1 + int(rng.expovariate(1 / (0.5 + 3 * d)))):
                    kind = rng.choices(kinds, weights)[0]
                    label = rng.choice(titles.get(student.pk) or [""])
                    events.append(_event(rng, student, week, last_day, kind, tz, label))
            if rng.random() < 0.3 + 0.6 * d:
                events.append(_event(rng, student, week, last_day, ActivityKind.LOGIN, tz, ""))
            week += timedelta(weeks=1)
    ActivityEvent.objects.bulk_create([e for e in events if e is not None], batch_size=2000)
    rollups.rebuild()
    _align_portfolios(students)
    return diligence


def _event(rng, student, week: date, last_day: date, kind, tz, label) -> ActivityEvent | None:
    day = week + timedelta(days=rng.randint(0, 6))
    if day > last_day:
        return None
    at = datetime.combine(day, time(rng.randint(8, 22), rng.randint(0, 59)), tz)
    if at > timezone.now():
        at = timezone.now() - timedelta(minutes=rng.randint(1, 120))
    return ActivityEvent(
        student=student, actor=student, kind=kind, created_at=at,
        object_label=label,
    )  # fmt: skip


def _align_portfolios(students) -> None:
    """Each portfolio's "last update" is its student's last update in the history."""
    last = dict(
        ActivityEvent.objects.filter(student__in=students, kind__in=CONTENT_KINDS)
        .values("student_id")
        .annotate(at=Max("created_at"))
        .values_list("student_id", "at")
    )
    for student_id, at in last.items():
        Portfolio.objects.filter(student_id=student_id).update(content_updated_at=at)


def term_engagement(term) -> dict[int, float]:
    """Each student's share of the term's weeks (so far) in which they updated anything."""
    end = min(term.ends_on, timezone.localdate())
    weeks = max(1, (end - term.starts_on).days // 7 + 1)
    return {
        row.student_id: min(1.0, row.active_weeks / weeks)
        for row in StudentTermActivity.objects.filter(term=term)
    }
