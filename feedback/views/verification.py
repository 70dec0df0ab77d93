"""Verification: students ask, supervisors decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import role_required
from accounts.models import Role
from achievements.access import access_own_achievement
from feedback import access
from feedback.forms.reviews import DeclineForm
from feedback.selectors import verification as selectors
from feedback.services import verification as services
from feedback.views import next_url


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
    return redirect(next_url(request, "portfolios:editor"))


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
    # The decline form of this request: its field's id is the one its textarea has on the page
    # (the error summary at the top links to it).
    form = DeclineForm(request.POST, auto_id=f"reason-{achievement.pk}-%s")
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
    return redirect(next_url(request, "feedback:verification-queue"))
