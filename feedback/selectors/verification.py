"""Reads for verification."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from achievements.models import Achievement, Evidence, VerificationStatus
from feedback.access import supervised_students
from feedback.models import VerificationEvent
from portfolios.models import Visibility


def pending_requests(*, supervisor: User, student: User | None = None) -> QuerySet:
    """Achievements waiting for ``supervisor``'s decision, by student and oldest request
    first, with their evidence (a fixed number of queries)."""
    achievements = Achievement.objects.filter(
        portfolio__student__in=supervised_students(supervisor),
        verification_status=VerificationStatus.PENDING,
        visibility__gte=Visibility.SUPERVISORS,
        portfolio__visibility__gte=Visibility.SUPERVISORS,
    )
    if student is not None:
        achievements = achievements.filter(portfolio__student=student)
    return (
        achievements.select_related(
            "portfolio__student__program", "portfolio__student__cohort", "category"
        )
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("order", "pk")))
        .order_by(
            "portfolio__student__last_name",
            "portfolio__student__first_name",
            "portfolio__student_id",
            "verification_requested_at",
            "pk",
        )  # fmt: skip
    )


def events_for_student(student: User, *, limit: int = 50) -> QuerySet:
    return (
        VerificationEvent.objects.filter(student=student)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def events_for_achievement(achievement: Achievement) -> QuerySet:
    return (
        VerificationEvent.objects.filter(achievement=achievement)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
