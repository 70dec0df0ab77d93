"""Who may review, verify and record what. Views call these; a student, an achievement or
an outcome the user may not act on is a 404."""

from __future__ import annotations

from django.http import Http404

from accounts.access import access_student, can_supervise
from accounts.models import Role, User
from achievements.models import Achievement
from feedback.models import EmployerFeedback, EmploymentOutcome, Review, ShortlistEntry
from portfolios.access import access_portfolio_page
from portfolios.models import Portfolio, Visibility

__all__ = [
    "access_employer_portfolio",
    "access_own_feedback",
    "access_own_shortlist_entry",
    "access_student",
    "access_achievement_to_verify",
    "access_own_outcome",
    "access_review",
    "can_supervise",
]


def supervised_students(user):
    """The students ``user`` may review and verify: their assigned students; staff: all."""
    students = User.objects.students().filter(is_active=True)
    if user.is_staff_member:
        return students
    if user.role != Role.SUPERVISOR:
        return students.none()
    return students.filter(supervisor_links__supervisor=user)


def access_achievement_to_verify(user, pk: int) -> Achievement:
    """An achievement of one of ``user``'s students; else 404."""
    achievement = (
        Achievement.objects.select_related("portfolio__student", "category", "verified_by")
        .filter(
            pk=pk,
            portfolio__student__in=supervised_students(user),
            visibility__gte=Visibility.SUPERVISORS,
            portfolio__visibility__gte=Visibility.SUPERVISORS,
        )
        .first()
    )
    if achievement is None:
        raise Http404
    return achievement


def access_review(user, pk: int) -> Review:
    """A review the supervisor wrote (staff: any review); else 404."""
    reviews = Review.objects.select_related("student", "term", "rubric", "supervisor")
    if not user.is_staff_member:
        reviews = reviews.filter(supervisor=user, student__in=supervised_students(user))
    review = reviews.filter(pk=pk).first()
    if review is None:
        raise Http404
    return review


def access_own_outcome(user, pk: int) -> EmploymentOutcome:
    if not user.is_authenticated:
        raise Http404
    outcome = EmploymentOutcome.objects.filter(pk=pk, student=user).first()
    if outcome is None:
        raise Http404
    return outcome


def access_employer_portfolio(employer, slug: str) -> Portfolio:
    """The portfolio at ``slug`` for an approved employer who may open its page; else 404.
    Staff search with employers' eyes but do not shortlist or rate as an employer."""
    if not employer.is_approved_employer:
        raise Http404
    return _access_employer_portfolio(employer, slug)


def _access_employer_portfolio(employer, slug: str) -> Portfolio:
    """The portfolio at ``slug`` if ``employer`` may open its page; else 404. Shortlisting
    and feedback are only for portfolios the employer can see."""
    portfolio, _audience = access_portfolio_page(employer, slug)
    return portfolio


def access_own_shortlist_entry(employer, slug: str) -> ShortlistEntry:
    """The employer's own shortlist entry for the portfolio at ``slug``; else 404. Their
    own entry stays theirs to change or remove when the student has since hidden the page."""
    entry = (
        ShortlistEntry.objects.filter(employer=employer, portfolio__slug=slug.lower())
        .select_related("portfolio")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def access_own_feedback(employer, slug: str) -> EmployerFeedback:
    """The employer's own feedback on the portfolio at ``slug``; else 404 (nobody reaches
    another employer's feedback)."""
    feedback = (
        EmployerFeedback.objects.filter(employer=employer, portfolio__slug=slug.lower())
        .select_related("portfolio")
        .first()
    )
    if feedback is None:
        raise Http404
    return feedback
