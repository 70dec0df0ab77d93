"""Reads for reviews, portfolio scores and the supervisor's list of students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import User
from achievements.models import Achievement, VerificationStatus
from feedback.access import supervised_students
from feedback.models import Review, ReviewScore, Term
from portfolios.models import Visibility

# Requests a supervisor can act on: the item and the page are visible to supervisors.
VISIBLE_PENDING = {
    "verification_status": VerificationStatus.PENDING,
    "visibility__gte": Visibility.SUPERVISORS,
    "portfolio__visibility__gte": Visibility.SUPERVISORS,
}


def portfolio_scores(*, term: Term | int) -> QuerySet:
    """Each student's portfolio score for ``term``: their released review total, or the
    mean where several supervisors reviewed them. Rows: ``student_id``, ``score``,
    ``review_count``. Analytics reads scores from here."""
    return (
        Review.objects.released()
        .filter(term=term)
        .values("student_id")
        .annotate(score=Avg("total"), review_count=Count("pk"))
        .order_by("student_id")
    )


def student_score(*, student: User, term: Term) -> float | None:
    row = portfolio_scores(term=term).filter(student_id=student.pk).first()
    return None if row is None else row["score"]


def latest_released_score(student: User) -> dict | None:
    """The student's portfolio score in the latest term with a released review (one
    query): ``{"term": Term, "score": Decimal}``, or None."""
    released = Q(reviews__student=student, reviews__status=Review.Status.RELEASED)
    term = (
        Term.objects.filter(released)
        .annotate(score=Avg("reviews__total", filter=released))
        .order_by("-starts_on")
        .first()
    )
    return None if term is None else {"term": term, "score": term.score}


def released_reviews_for(student: User) -> QuerySet:
    """What the student sees: released reviews, newest term first, with the breakdown."""
    return (
        Review.objects.released()
        .filter(student=student)
        .select_related("term", "supervisor", "rubric")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
        )
        .order_by("-term__starts_on", "supervisor__last_name")
    )


def reviews_of_student(student: User, *, viewer: User) -> QuerySet:
    """The student's reviews for a supervisor's page: released ones and the viewer's own
    drafts (staff see every draft)."""
    reviews = Review.objects.filter(student=student)
    if not viewer.is_staff_member:
        reviews = reviews.filter(Q(status=Review.Status.RELEASED) | Q(supervisor=viewer))
    return (
        reviews.select_related("term", "supervisor", "rubric")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")),
            "revisions",
        )
        .order_by("-term__starts_on", "supervisor__last_name")
    )


SORTS = {
    "name": ("last_name", "first_name", "username"),
    "program": ("program__name_en", "last_name", "username"),
    "cohort": ("cohort__entry_year", "last_name", "username"),
    "completeness": ("completeness", "last_name", "username"),
    "updated": ("last_update", "last_name", "username"),
    "score": ("score", "last_name", "username"),
    "pending": ("pending_verifications", "last_name", "username"),
    "review": ("my_review_status", "last_name", "username"),
}


@dataclass(frozen=True)
class StudentFilters:
    program: int | None = None
    cohort: int | None = None
    stale_days: int | None = None
    query: str = ""
    sort: str = "name"
    descending: bool = False


def supervisor_students(
    *, supervisor: User, term: Term | None, filters: StudentFilters = StudentFilters()
) -> QuerySet:
    """The supervisor's students (staff: all) with what the list shows about each, in one
    query whatever their number: completeness and last update (kept on the portfolio),
    this term's score, the supervisor's own review state and pending verifications."""
    scores = (
        Review.objects.released()
        .filter(student=OuterRef("pk"), term=term)
        .order_by()
        .values("student")
        .annotate(mean=Avg("total"))
        .values("mean")
    )
    my_review = Review.objects.filter(
        student=OuterRef("pk"), supervisor=supervisor, term=term
    ).values("status")[:1]
    pending = (
        Achievement.objects.filter(portfolio__student=OuterRef("pk"), **VISIBLE_PENDING)
        .order_by()
        .values("portfolio")
        .annotate(n=Count("pk"))
        .values("n")
    )
    students = (
        supervised_students(supervisor)
        .select_related("program", "cohort", "portfolio")
        .annotate(
            completeness=Coalesce(F("portfolio__completeness"), Value(0)),
            last_update=F("portfolio__content_updated_at"),
            score=Subquery(scores, output_field=DecimalField(max_digits=5, decimal_places=2))
            if term
            else Value(None, output_field=DecimalField(max_digits=5, decimal_places=2)),
            my_review_status=Subquery(my_review) if term else Value(""),
            pending_verifications=Coalesce(
                Subquery(pending, output_field=IntegerField()), Value(0)
            ),
        )
    )
    if filters.program:
        students = students.filter(program_id=filters.program)
    if filters.cohort:
        students = students.filter(cohort_id=filters.cohort)
    if filters.stale_days is not None:
        since = timezone.now() - timedelta(days=filters.stale_days)
        students = students.filter(
            Q(portfolio__content_updated_at__lt=since)
            | Q(portfolio__content_updated_at__isnull=True)
        )
    if filters.query:
        for word in filters.query.split()[:5]:
            students = students.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
            )
    columns = SORTS.get(filters.sort, SORTS["name"])
    first = F(columns[0])
    if filters.sort == "program":
        # By the name the viewer reads (Russian or Kyrgyz where staff entered one).
        language = (get_language() or "en").split("-")[0]
        if language in ("ru", "ky"):
            first = Coalesce(NullIf(F(f"program__name_{language}"), Value("")), F(columns[0]))
    first = first.desc(nulls_last=True) if filters.descending else first.asc(nulls_last=True)
    return students.order_by(first, *columns[1:])


def days_since(moment) -> int | None:
    if moment is None:
        return None
    return (timezone.now() - moment).days


def supervisor_todo(*, supervisor: User, term: Term | None) -> dict:
    """Counts for the supervisor's start page, in a fixed number of queries."""
    students = supervised_students(supervisor)
    pending = Achievement.objects.filter(portfolio__student__in=students, **VISIBLE_PENDING).count()
    counts = {"pending_verifications": pending, "students": students.count()}
    if term is not None:
        mine = Review.objects.filter(supervisor=supervisor, term=term, student__in=students)
        counts["drafts"] = mine.filter(status=Review.Status.DRAFT).count()
        counts["unreviewed"] = students.exclude(
            reviews_received__in=Review.objects.filter(supervisor=supervisor, term=term)
        ).count()
    return counts
