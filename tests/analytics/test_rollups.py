"""The roll-ups move with every event and equal what a rebuild from the log computes; the
windows slide by day; scores and term counts follow reviews and term dates."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from analytics import rollups
from analytics.models import (
    ActivityDay,
    ActivityKind,
    AnalyticsState,
    StudentActivity,
    StudentTermActivity,
    WeeklyActivity,
)
from analytics.services import activity_record
from feedback.models import Review
from feedback.services.reviews import review_save
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    default_rubric,
    scores_for,
)

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), TZ())


def snapshot() -> dict:
    return {
        "days": sorted(ActivityDay.objects.values_list("student_id", "day", "updates", "logins")),
        "students": sorted(
            StudentActivity.objects.values_list(
                "student_id", "updates_total", "active_weeks_total", "logins_total",
                "first_update_at", "last_update_at", "last_login_at", "updates_30d",
                "updates_90d", "score_sum", "review_count",
            )
        ),
        "terms": sorted(
            StudentTermActivity.objects.values_list(
                "student_id", "term_id", "updates", "active_weeks", "score_sum", "review_count"
            )
        ),
        "weeks": sorted(
            WeeklyActivity.objects.values_list(
                "week", "program_id", "cohort_id", "updates", "active_students"
            ),
            key=str,
        ),
    }  # fmt: skip


def test_counters_kept_on_write_equal_a_rebuild_from_the_log():
    rng = random.Random(3)
    today = timezone.localdate()
    terms = [
        TermFactory(starts_on=today - timedelta(days=200), ends_on=today - timedelta(days=100)),
        TermFactory(starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=30)),
    ]
    students = [StudentFactory() for _ in range(6)]
    # Events out of time order, several on one day, logins, reviews received (not updates).
    for _ in range(150):
        student = rng.choice(students)
        kind = rng.choice(
            [ActivityKind.ACHIEVEMENT_UPDATED, ActivityKind.EVIDENCE_ADDED,
             ActivityKind.PROFILE_UPDATED, ActivityKind.LOGIN, ActivityKind.REVIEW_RECEIVED,
             ActivityKind.POST_CREATED]
        )  # fmt: skip
        day = today - timedelta(days=rng.randint(0, 240))
        activity_record(student_id=student.pk, kind=kind, at=at(day, rng.randint(0, 23)))
    rollups.windows_slide()
    kept = snapshot()
    assert kept["students"] and kept["terms"] and kept["weeks"]
    rollups.rebuild()
    assert snapshot() == kept
    assert sum(w[3] for w in kept["weeks"]) == sum(s[1] for s in kept["students"])
    assert {t.pk for t in terms} == {row[1] for row in kept["terms"]}


def test_a_week_counts_once_and_windows_count_days():
    today = timezone.localdate()
    term = TermFactory(starts_on=today - timedelta(days=120), ends_on=today + timedelta(days=10))
    student = StudentFactory()
    monday = rollups.week_of(today) - timedelta(weeks=2)
    for day in (monday, monday + timedelta(days=1), monday + timedelta(days=6)):
        activity_record(student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_UPDATED, at=at(day))
    activity_record(
        student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_CREATED,
        at=at(today - timedelta(days=45)),
    )  # fmt: skip
    summary = StudentActivity.objects.get(student=student)
    assert summary.updates_total == 4
    assert summary.active_weeks_total == 2
    assert summary.updates_30d == 3 and summary.updates_90d == 4
    row = StudentTermActivity.objects.get(student=student, term=term)
    assert (row.updates, row.active_weeks) == (4, 2)
    week = WeeklyActivity.objects.get(week=monday, program=student.program, cohort=student.cohort)
    assert (week.updates, week.active_students) == (3, 1)


def test_windows_slide_with_the_days_and_say_when_they_end():
    student = StudentFactory()
    today = timezone.localdate()
    activity_record(
        student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_UPDATED,
        at=at(today - timedelta(days=20)),
    )  # fmt: skip
    rollups.windows_slide(today=today)
    assert rollups.windows_on() == today
    assert StudentActivity.objects.get(student=student).updates_30d == 1
    changed = rollups.windows_slide(today=today + timedelta(days=15))
    summary = StudentActivity.objects.get(student=student)
    assert changed == 1 and (summary.updates_30d, summary.updates_90d) == (0, 1)
    rollups.windows_slide(today=today + timedelta(days=80))
    assert StudentActivity.objects.get(student=student).updates_90d == 0


def test_ensure_fresh_builds_roll_ups_once_and_slides_stale_windows():
    student = StudentFactory()
    activity_record(student_id=student.pk, kind=ActivityKind.PROFILE_UPDATED)
    StudentActivity.objects.all().delete()  # as on a site upgraded with a log already there
    AnalyticsState.objects.all().delete()
    rollups.ensure_fresh()
    assert StudentActivity.objects.get(student=student).updates_total == 1
    AnalyticsState.objects.update(windows_on=timezone.localdate() - timedelta(days=3))
    rollups.ensure_fresh()
    assert rollups.windows_on() == timezone.localdate()


def test_every_student_has_a_row_that_follows_the_account_and_the_portfolio():
    from accounts.models import Role
    from tests.factories import ProgramFactory, SupervisorFactory, achievement_for, portfolio_for

    student = StudentFactory()
    row = StudentActivity.objects.get(student=student)
    assert (row.program_id, row.cohort_id, row.is_active) == (
        student.program_id, student.cohort_id, True,
    )  # fmt: skip
    student.program = ProgramFactory()
    student.is_active = False
    student.save()
    row.refresh_from_db()
    assert (row.program_id, row.is_active) == (student.program_id, False)
    portfolio = portfolio_for(student, headline="Teacher of mathematics")
    achievement_for(portfolio, title="Olympiad")
    row.refresh_from_db()
    portfolio.refresh_from_db()
    assert row.completeness == portfolio.completeness > 0
    student.role, student.program, student.cohort = Role.SUPERVISOR, None, None
    student.save()
    assert not StudentActivity.objects.filter(student=student).exists()
    assert not StudentActivity.objects.filter(student=SupervisorFactory()).exists()


def test_logins_count_apart_from_updates():
    student = StudentFactory()
    activity_record(student_id=student.pk, kind=ActivityKind.LOGIN)
    activity_record(student_id=student.pk, kind=ActivityKind.LOGIN)
    summary = StudentActivity.objects.get(student=student)
    assert (summary.logins_total, summary.updates_total, summary.active_weeks_total) == (2, 0, 0)
    assert summary.last_login_at is not None and summary.last_update_at is None
    assert not WeeklyActivity.objects.exists()


def test_a_failed_change_moves_no_counter():
    student = StudentFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        activity_record(student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_CREATED)
        raise RuntimeError("the upload was refused")
    assert StudentActivity.objects.get(student=student).updates_total == 0
    assert not ActivityDay.objects.exists()


def test_scores_follow_released_reviews_and_corrections():
    term = TermFactory(is_current=True)
    supervisor = SupervisorFactory()
    student = StudentFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    rubric = default_rubric()
    review_save(
        supervisor=supervisor, student=student, term=term,
        scores=scores_for(rubric, 60, 60, 60, 60, 60),
    )  # fmt: skip
    assert not StudentTermActivity.objects.filter(student=student, review_count__gt=0).exists()
    review_save(
        supervisor=supervisor, student=student, term=term,
        scores=scores_for(rubric, 60, 60, 60, 60, 60), release=True,
    )  # fmt: skip
    row = StudentTermActivity.objects.get(student=student, term=term)
    assert (row.score_sum, row.review_count) == (60, 1)
    review_save(
        supervisor=supervisor, student=student, term=term,
        scores=scores_for(rubric, 80, 80, 80, 80, 80),
    )  # fmt: skip
    row.refresh_from_db()
    assert row.score_sum == 80
    summary = StudentActivity.objects.get(student=student)
    assert (summary.score_sum, summary.review_count) == (80, 1)


def test_new_term_dates_recount_the_term():
    today = timezone.localdate()
    term = TermFactory(starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30))
    student = StudentFactory()
    activity_record(
        student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_UPDATED,
        at=at(today - timedelta(days=50)),
    )  # fmt: skip
    assert not StudentTermActivity.objects.filter(term=term).exists()
    term.starts_on = today - timedelta(days=60)
    term.save()
    assert StudentTermActivity.objects.get(term=term, student=student).updates == 1
    term.starts_on = today - timedelta(days=10)
    term.save(update_fields=["starts_on"])
    assert StudentTermActivity.objects.get(term=term, student=student).updates == 0


def test_deleting_a_student_with_released_reviews_takes_their_roll_ups():
    term = TermFactory(is_current=True)
    student = StudentFactory()
    Review.objects.create(
        student=student, supervisor=SupervisorFactory(), term=term, rubric=default_rubric(),
        total=70, status="released", released_at=timezone.now(),
    )  # fmt: skip
    activity_record(student_id=student.pk, kind=ActivityKind.PROFILE_UPDATED)
    with transaction.atomic():
        student.delete()
        with connection.cursor() as cursor:  # check the deferred foreign keys now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not StudentActivity.objects.exists()
    assert not StudentTermActivity.objects.exists()
