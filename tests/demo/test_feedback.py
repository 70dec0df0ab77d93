"""The demo world of feedback: two terms of reviews whose scores come from activity and
program with noise, verification in every state, employer ratings, shortlists and jobs."""

import statistics

import pytest
from django.core.management import call_command

from achievements.models import VerificationStatus
from feedback.models import (
    EmployerFeedback,
    EmploymentOutcome,
    Review,
    ShortlistEntry,
    Term,
    VerificationEvent,
)
from feedback.selectors.reviews import portfolio_scores
from portfolios.models import Portfolio

pytestmark = pytest.mark.django_db


def test_the_demo_world_of_feedback(settings):
    """Seeding is the slow part: one test checks the whole world."""
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    _reviews_cover_two_terms_with_drafts_and_history()
    _scores_differ_by_program_and_rise_with_activity()
    _verification_in_every_state_and_employer_activity()
    _seeding_again_adds_nothing()


def _reviews_cover_two_terms_with_drafts_and_history():
    current = Term.objects.get(is_current=True)
    reviewed_terms = set(Review.objects.values_list("term_id", flat=True))
    assert len(reviewed_terms) == 2 and current.pk in reviewed_terms
    assert Review.objects.filter(term=current, status=Review.Status.DRAFT).exists()
    assert Review.objects.filter(revisions__isnull=False).exists()
    assert Review.objects.filter(student__username="student1", term=current).count() == 2


def _scores_differ_by_program_and_rise_with_activity():
    term = Term.objects.get(is_current=True)
    scores = {row["student_id"]: float(row["score"]) for row in portfolio_scores(term=term)}
    portfolios = Portfolio.objects.filter(student_id__in=scores).select_related("student__program")
    by_program: dict[str, list[float]] = {}
    for portfolio in portfolios:
        by_program.setdefault(portfolio.student.program.code, []).append(
            scores[portfolio.student_id]
        )
    means = [statistics.mean(values) for values in by_program.values() if len(values) >= 2]
    assert max(means) - min(means) > 5, by_program
    completeness = [p.completeness for p in portfolios]
    assert statistics.correlation(completeness, [scores[p.student_id] for p in portfolios]) > 0.1
    assert all(0 <= score <= 100 for score in scores.values())
    assert len(set(round(s) for s in scores.values())) > 10  # spread, not one number


def _verification_in_every_state_and_employer_activity():
    from achievements.models import Achievement

    states = set(Achievement.objects.values_list("verification_status", flat=True))
    assert {VerificationStatus.PENDING, VerificationStatus.VERIFIED,
            VerificationStatus.DECLINED} <= states  # fmt: skip
    assert (
        VerificationEvent.objects.filter(action=VerificationEvent.Action.DECLINED)
        .exclude(reason="")
        .exists()
    )
    assert EmployerFeedback.objects.filter(would_interview=True).exists()
    assert ShortlistEntry.objects.exclude(note="").exists()
    assert EmploymentOutcome.objects.filter(student__cohort__entry_year__lte=2022).exists()


def _seeding_again_adds_nothing():
    models = (Review, VerificationEvent, EmployerFeedback, EmploymentOutcome)
    counts = [model.objects.count() for model in models]
    call_command("seed_demo", verbosity=0)
    assert [model.objects.count() for model in models] == counts
