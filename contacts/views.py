"""Contact requests: the invitation form, the two lists, the request page with its
answer and messages, the student's contact settings, block and report. Thin: access
decides, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role
from contacts import access, selectors, services
from contacts.forms import (
    AnswerForm,
    ContactDetailsForm,
    ContactRequestForm,
    EmployerReportForm,
    MessageForm,
)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _private(response):
    response["Cache-Control"] = "private, no-cache"
    return response


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request, slug):
    portfolio = access.access_portfolio_to_invite(request.user, slug)
    student = portfolio.student
    existing = selectors.open_request_between(employer=request.user, student=student)
    form = ContactRequestForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            contact_request = services.contact_request_create(
                employer=request.user, portfolio=portfolio, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Your invitation was sent. You will hear when the student answers.")
            )
            return redirect("contacts:detail", contact_request.pk)
    elif request.method != "POST":
        try:
            services.contact_request_check(employer=request.user, student=student)
        except ValidationError as error:
            refusal = error.messages[0]
    return _private(render(request, "contacts/request_form.html", {
        "form": form, "portfolio": portfolio, "student": student, "existing": existing,
        "refusal": refusal,
        "left_today": services.contact_requests_left_today(employer=request.user),
    }))  # fmt: skip


@role_required(Role.EMPLOYER)
def sent_list(request):
    if not request.user.is_approved_employer:  # staff pass role checks; they send nothing
        raise Http404
    page = selectors.employer_sent(request.user, request.GET.get("page"))
    return _private(render(request, "contacts/sent_list.html", {"page": page}))


@login_required
def inbox(request):
    if request.user.role != Role.STUDENT:
        raise Http404
    page = selectors.student_inbox(request.user, request.GET.get("page"))
    return _private(render(request, "contacts/inbox.html", {"page": page}))


def _detail_response(request, contact_request, *, answer_form=None, message_form=None, status=200):
    is_student = request.user.pk == contact_request.student_id
    details = services.contact_details_for(contact_request.student) if is_student else None
    if is_student and contact_request.is_open and answer_form is None:
        answer_form = AnswerForm(details=details)
    if contact_request.is_accepted and message_form is None:
        message_form = MessageForm()
    return _private(render(request, "contacts/request_detail.html", {
        "contact_request": contact_request,
        "is_student": is_student,
        "details": details,
        "answer_form": answer_form if is_student and contact_request.is_open else None,
        "message_form": message_form if contact_request.is_accepted else None,
        "thread": selectors.contact_request_messages(contact_request),
        "blocked": is_student and selectors.blocked_employers(request.user).filter(
            employer_id=contact_request.employer_id).exists(),
    }, status=status))  # fmt: skip


@login_required
def request_detail(request, pk):
    contact_request = access.access_contact_request(request.user, pk)
    return _detail_response(request, contact_request)


@require_POST
@login_required
def request_answer(request, pk):
    contact_request = access.access_received_request(request.user, pk)
    details = services.contact_details_for(request.user)
    form = AnswerForm(request.POST, details=details)
    if form.is_valid():
        data = form.cleaned_data
        accept = data["decision"] == AnswerForm.ACCEPT
        try:
            services.contact_request_answer(
                contact_request=contact_request, accept=accept, reply=data["reply"],
                share=data["share"] if accept else (),
            )  # fmt: skip
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if accept:
                messages.success(
                    request, _("You accepted. The employer now sees what you chose to share.")
                )
            else:
                messages.success(request, _("You declined the invitation."))
            return redirect("contacts:detail", contact_request.pk)
    return _detail_response(request, contact_request, answer_form=form, status=400)


@require_POST
@login_required
def message_post(request, pk):
    contact_request = access.access_contact_request(request.user, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.contact_message_post(
                contact_request=contact_request, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(f"{contact_request.get_absolute_url()}#messages")
    return _detail_response(request, contact_request, message_form=form, status=400)


@require_POST
@login_required
def employer_block(request, pk):
    contact_request = access.access_received_request(request.user, pk)
    services.employer_block(student=request.user, employer=contact_request.employer)
    messages.success(
        request, _("You blocked this employer. They cannot send you invitations or messages.")
    )
    return redirect("contacts:detail", contact_request.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def employer_report(request, pk):
    contact_request = access.access_received_request(request.user, pk)
    form = EmployerReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_report(
                student=request.user, employer=contact_request.employer,
                reason=form.cleaned_data["reason"], contact_request=contact_request,
            )  # fmt: skip
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if form.cleaned_data["block"]:
                services.employer_block(student=request.user, employer=contact_request.employer)
            messages.success(request, _("Thank you. Staff will look at your report."))
            return redirect("contacts:detail", contact_request.pk)
    return _private(render(request, "contacts/report_form.html", {
        "form": form, "contact_request": contact_request,
    }))  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_settings(request):
    if request.user.role != Role.STUDENT:
        raise Http404
    details = services.contact_details_for(request.user)
    form = ContactDetailsForm(request.POST or None, instance=details)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_details_save(student=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your contact details were saved."))
            return redirect("contacts:settings")
    return _private(render(request, "contacts/settings.html", {
        "form": form, "blocks": selectors.blocked_employers(request.user),
    }))  # fmt: skip


@require_POST
@login_required
def employer_unblock(request, pk):
    block = access.access_own_block(request.user, pk)
    services.employer_unblock(block=block)
    messages.success(request, _("You unblocked this employer."))
    return redirect("contacts:settings")
