"""Reads for accounts: each selector decides its own joins so pages stay at a fixed query count."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import EmployerProfile, Program, Role, SupervisorAssignment, User


def site_overview() -> dict:
    """Figures a visitor sees on the home page."""
    return {
        "students": User.objects.students().filter(is_active=True).count(),
        "programs": Program.objects.filter(students__isnull=False).distinct().count(),
    }


def student_with_supervisors(student: User) -> User:
    return (
        User.objects.select_related("program__faculty", "cohort")
        .prefetch_related(
            Prefetch(
                "supervisor_links",
                queryset=SupervisorAssignment.objects.select_related("supervisor").order_by(
                    "supervisor__last_name", "supervisor__first_name"
                ),
            )
        )
        .get(pk=student.pk)
    )


def staff_overview() -> dict:
    """Counts for the staff dashboard, in a fixed number of queries."""
    by_role = dict(
        User.objects.filter(is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    programs = (
        Program.objects.select_related("faculty")
        .annotate(student_count=Count("students", filter=Q(students__is_active=True)))
        .order_by("faculty__name_en", "name_en")
    )
    unassigned = (
        User.objects.students().filter(is_active=True, supervisor_links__isnull=True).count()
    )
    pending = EmployerProfile.objects.filter(status=EmployerProfile.Status.PENDING)
    return {
        "role_counts": [(label, by_role.get(value, 0)) for value, label in Role.choices],
        "programs": programs,
        "unassigned_students": unassigned,
        "pending_employers": pending.select_related("user").order_by("created_at")[:10],
        "pending_employer_count": pending.count(),
    }


@dataclass(frozen=True)
class NextStep:
    title: str
    description: str
    done: bool
    url_name: str = ""


def student_next_steps(
    student: User, *, supervisor_count: int, portfolio_view=None
) -> list[NextStep]:
    """What a new student should do first, in order, with what is already done."""
    portfolio_steps = []
    if portfolio_view is not None:
        from portfolios.models import Visibility

        portfolio = portfolio_view.portfolio
        items = [a for s in portfolio_view.sections for a in s.achievements]
        portfolio_steps = [
            NextStep(
                title=_("Write a headline and a few lines about you"),
                description=_("The first thing a supervisor or an employer reads."),
                done=bool(portfolio.headline and portfolio.about),
                url_name="portfolios:profile",
            ),
            NextStep(
                title=_("Add your first achievement with evidence"),
                description=_(
                    "A grade, a certificate, a conference: attach the scan or photo that proves it."
                ),
                done=any(item.evidence_count for item in items),
                url_name="achievements:create",
            ),
            NextStep(
                title=_("Fill three sections of your portfolio"),
                description=_("Each section on your portfolio page says what belongs there."),
                done=len(portfolio_view.filled_sections) >= 3,
                url_name="portfolios:editor",
            ),
            NextStep(
                title=_("Choose who sees your page"),
                description=_(
                    "Only you and your supervisors see it now. Make it public when you are ready."
                ),
                done=portfolio.visibility != Visibility.SUPERVISORS,
                url_name="portfolios:profile",
            ),
        ]
    return [
        NextStep(
            title=_("Add your full name"),
            description=_("Supervisors and employers see your name on everything you share."),
            done=bool(student.first_name and student.last_name),
            url_name="accounts:profile",
        ),
        NextStep(
            title=_("Check your e-mail address"),
            description=_("Password resets and messages from the site go to this address."),
            done=bool(student.email),
            url_name="accounts:profile",
        ),
        NextStep(
            title=_("Choose your language"),
            description=_(
                "Kyrgyz, Russian or English: the site remembers it wherever you sign in."
            ),
            done=bool(student.preferred_language),
            url_name="accounts:profile",
        ),
        NextStep(
            title=_("Meet your supervisor"),
            description=_(
                "The faculty assigns you a supervisor who reviews your portfolio. "
                "Ask your dean's office if nobody is listed yet."
            ),
            done=supervisor_count > 0,
        ),
        *portfolio_steps,
    ]
