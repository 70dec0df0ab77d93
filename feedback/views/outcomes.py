"""Students record where they work after (or while) studying."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from feedback import access
from feedback.forms.outcomes import OutcomeForm
from feedback.selectors.outcomes import outcomes_of
from feedback.services import outcomes as services


def _student_only(request):
    if request.user.role != Role.STUDENT:
        raise Http404


def _save(request, form, outcome=None):
    try:
        services.outcome_save(
            student=request.user, recorded_by=request.user, outcome=outcome,
            **{name: form.cleaned_data[name] for name in services.OUTCOME_FIELDS},
        )  # fmt: skip
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@role_required(Role.STUDENT)
def outcomes(request):
    """The student's jobs, and a form to add one."""
    _student_only(request)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("Saved. Congratulations on the job!"))
        return redirect("feedback:outcomes")
    return render(
        request, "feedback/outcomes.html",
        {"outcomes": outcomes_of(request.user), "form": form},
    )  # fmt: skip


@role_required(Role.STUDENT)
def outcome_edit(request, pk: int):
    _student_only(request)
    outcome = access.access_own_outcome(request.user, pk)
    form = OutcomeForm(request.POST or None, instance=outcome)
    if request.method == "POST" and form.is_valid() and _save(request, form, outcome):
        messages.success(request, _("Saved."))
        return redirect("feedback:outcomes")
    return render(request, "feedback/outcome_form.html", {"form": form, "outcome": outcome})


@require_POST
@role_required(Role.STUDENT)
def outcome_delete(request, pk: int):
    _student_only(request)
    outcome = access.access_own_outcome(request.user, pk)
    services.outcome_delete(outcome=outcome)
    messages.success(request, _("The job is removed."))
    return redirect("feedback:outcomes")
