"""A student's features as of a day: items, evidence, sections, skills, posts, rhythm."""

from datetime import timedelta

import pytest
from django.utils import timezone

from achievements.models import Achievement
from analytics.models import ActivityDay
from portfolios.services import portfolio_update
from recommendations import features
from tests.factories import (
    CohortFactory,
    StudentFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
    post_for,
)

pytestmark = pytest.mark.django_db


def test_snapshot_counts_the_portfolio_as_it_stands():
    student = StudentFactory()
    portfolio = portfolio_for(student)
    achievement_for(portfolio, title="Olympiad", section_code="academic",
                    files=[("a.pdf", pdf_bytes())])  # fmt: skip
    achievement_for(portfolio, title="Cup", section_code="sports")
    portfolio_update(portfolio=portfolio, skills=["Python", "SQL"])
    post_for(portfolio, title="Practice")
    today = timezone.localdate()
    row = features.snapshot(cutoff=today, student_ids=[student.pk])[student.pk]
    v = row.values
    assert v["items"] == 2 and v["items_with_evidence"] == 1 and v["evidence_files"] == 1
    assert v["section:academic"] == 1 and v["section:sports"] == 1 and v["sections_filled"] == 2
    assert v["skills"] == 2 and v["posts"] == 1
    assert v["updates_30d"] >= 3 and v["days_since_update"] == 0
    assert set(features.feature_names([c for _p, c in features.active_sections()])) == set(v)


def test_snapshot_of_an_earlier_day_leaves_out_what_came_later():
    student = StudentFactory(date_joined=timezone.now() - timedelta(days=400))
    portfolio = portfolio_for(student)
    achievement_for(portfolio, title="Olympiad", section_code="academic")
    Achievement.objects.filter(portfolio=portfolio).update(
        created_at=timezone.now() - timedelta(days=100)
    )
    achievement_for(portfolio, title="Cup", section_code="sports")
    earlier = timezone.localdate() - timedelta(days=50)
    v = features.snapshot(cutoff=earlier, student_ids=[student.pk])[student.pk].values
    assert v["section:academic"] == 1 and v["section:sports"] == 0


def test_rhythm_and_the_outcome_come_from_the_daily_roll_up():
    student = StudentFactory(date_joined=timezone.now() - timedelta(days=400))
    portfolio_for(student)
    today = timezone.localdate()
    cutoff = today - timedelta(days=60)
    ActivityDay.objects.filter(student=student).delete()
    ActivityDay.objects.bulk_create([
        ActivityDay(student=student, day=cutoff - timedelta(days=10), updates=2),
        ActivityDay(student=student, day=cutoff - timedelta(days=70), updates=1),
        ActivityDay(student=student, day=cutoff + timedelta(days=12), updates=1),
    ])  # fmt: skip
    row = features.snapshot(cutoff=cutoff, term_start=cutoff - timedelta(days=100),
                            student_ids=[student.pk])[student.pk]  # fmt: skip
    assert row.values["updates_30d"] == 2 and row.values["updates_90d"] == 3
    assert row.values["days_since_update"] == 10
    assert row.values["active_weeks_term"] == 2
    assert row.updated_next_30d is True
    quiet = features.snapshot(cutoff=cutoff + timedelta(days=20), student_ids=[student.pk])
    assert quiet[student.pk].updated_next_30d is False


def test_a_student_without_any_update_has_the_longest_gap():
    student = StudentFactory()
    row = features.snapshot(cutoff=timezone.localdate(), student_ids=[student.pk])[student.pk]
    assert row.values["days_since_update"] == features.NEVER_UPDATED_DAYS
    assert row.values["items"] == 0


def test_students_who_had_not_joined_yet_have_no_row():
    student = StudentFactory(cohort=CohortFactory(entry_year=timezone.localdate().year + 1))
    earlier = timezone.localdate() - timedelta(days=30)
    assert features.snapshot(cutoff=earlier, student_ids=[student.pk]) == {}


def test_completeness_today_is_the_search_figure():
    student = StudentFactory()
    portfolio = portfolio_for(student, headline="Future teacher")
    achievement_for(portfolio, title="Olympiad", section_code="academic",
                    files=[("a.pdf", pdf_bytes())])  # fmt: skip
    achievement_for(portfolio, title="Cup", section_code="sports")
    portfolio_update(portfolio=portfolio, skills=["Python"])
    portfolio.refresh_from_db()
    v = features.snapshot(cutoff=timezone.localdate(), student_ids=[student.pk])[student.pk].values
    assert v["completeness"] == portfolio.completeness > 0
    assert v["evidence:academic"] == 1 and v["evidence:sports"] == 0
