"""Who may see or change what, for accounts. Views call these; they do not re-check roles."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.template.response import TemplateResponse

from accounts.models import Role, SupervisorAssignment, User


def is_approved_employer(user) -> bool:
    """An employer counts as one only once staff approved them; until then they see
    what an anonymous visitor sees."""
    return bool(user.is_authenticated and user.is_approved_employer)


def can_supervise(user, student: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff_member:
        return True
    return (
        user.role == Role.SUPERVISOR
        and SupervisorAssignment.objects.filter(supervisor=user, student=student).exists()
    )


def access_student(user, pk: int) -> User:
    """The student with ``pk`` if ``user`` is one of their supervisors or staff; else 404."""
    student = (
        User.objects.students()
        .select_related("program__faculty", "cohort")
        .filter(pk=pk, is_active=True)
        .first()
    )
    if student is None or not can_supervise(user, student):
        raise Http404
    return student


def employer_waiting_page(request) -> TemplateResponse:
    """What an employer whom staff have not approved (or have rejected) gets on a page for
    employers: a 403 that says why and what they may already do."""
    profile = getattr(request.user, "employer_profile", None)
    return TemplateResponse(
        request,
        "accounts/employer_waiting.html",
        {
            "profile": profile,
            "rejected": profile is not None and profile.status == profile.Status.REJECTED,
        },
        status=403,
    )


def role_required(*roles: str):
    """Anonymous visitors go to the login page; signed-in users of another role get a 404
    (the page does not exist for them). Staff members pass every role check. An employer
    staff have not approved gets the "waiting for approval" page (403) instead."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in roles and not user.is_staff_member:
                raise Http404
            if user.role == Role.EMPLOYER and not user.is_approved_employer:
                # Until staff approve them, employers see what visitors see; the page
                # says so rather than pretending not to exist.
                return employer_waiting_page(request)
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator
