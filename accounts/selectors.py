"""Reads for accounts: each selector decides its own joins so pages stay at a fixed query count."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

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


def unassigned_students(*, program: Program | None = None, cohort=None):
    """Active students nobody supervises yet, by name, with what tells namesakes apart."""
    students = (
        User.objects.students()
        .filter(is_active=True, supervisor_links__isnull=True)
        .select_related("program", "cohort")
        .order_by("last_name", "first_name", "username")
    )
    if program is not None:
        students = students.filter(program=program)
    if cohort is not None:
        students = students.filter(cohort=cohort)
    return students


def has_supervisor(student: User) -> bool:
    """Whether anyone supervises ``student`` (verification needs someone to ask)."""
    return SupervisorAssignment.objects.filter(student=student).exists()
