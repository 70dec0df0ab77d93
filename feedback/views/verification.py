"""Verification: students ask, supervisors decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import role_required
from accounts.models import Role
from achievements.access import access_own_achievement
from feedback import access
from feedback.forms.reviews import DeclineForm
from feedback.selectors import verification as selectors
from feedback.services import verification as services


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@require_POST
@role_required(Role.STUDENT)
def request_verification(request, pk: int):
    """Ask for verification (``action=request``) or withdraw the request."""
    achievement = access_own_achievement(request.user, pk)
    try:
        if request.POST.get("action") == "withdraw":
            services.verification_withdraw(achievement=achievement, student=request.user)
            messages.success(request, _("Your request is withdrawn."))
        else:
            services.verification_request(achievement=achievement, student=request.user)
            messages.success(
                request,
                _("Verification requested. Your supervisors see it in their list of requests."),
            )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back(request, "portfolios:editor")


@role_required(Role.SUPERVISOR)
@require_safe
def queue(request):
    """Requests waiting for the supervisor, oldest first, with the evidence to check."""
    requests = list(selectors.pending_requests(supervisor=request.user))
    return render(
        request, "feedback/verification_queue.html",
        {"requests": requests, "decline_form": DeclineForm()},
    )  # fmt: skip


@require_POST
@role_required(Role.SUPERVISOR)
def decide(request, pk: int):
    achievement = access.access_achievement_to_verify(request.user, pk)
    verify = request.POST.get("decision") == "verify"
    form = DeclineForm(request.POST)
    if not verify and not form.is_valid():
        requests = list(selectors.pending_requests(supervisor=request.user))
        return render(
            request, "feedback/verification_queue.html",
            {"requests": requests, "decline_form": DeclineForm(), "failed_form": form,
             "failed_pk": achievement.pk},
            status=400,
        )  # fmt: skip
    try:
        services.verification_decide(
            achievement=achievement, supervisor=request.user, verify=verify,
            reason="" if verify else form.cleaned_data["reason"],
            version=request.POST.get("version") or None,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        student = achievement.portfolio.student.display_name
        if verify:
            message = _("“%(title)s” by %(name)s is verified.")
        else:
            message = _("“%(title)s” by %(name)s is declined; the student sees your reason.")
        messages.success(request, message % {"title": achievement.title, "name": student})
    return _back(request, "feedback:verification-queue")
