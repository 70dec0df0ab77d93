"""Writes for contact requests. Who may open what is decided in contacts/access.py; these
keep the rules: only approved employers invite, at most CONTACT_REQUESTS_PER_DAY a day,
one open invitation per employer and student, none from an employer the student blocked,
and only to an active student whose page the employer may open (the caller passes the
portfolio it got from the access rule). Every refusal is a ValidationError with a
sentence for the person (forms show it above what they typed)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from contacts.models import (
    ContactDetails,
    ContactMessage,
    ContactRequest,
    EmployerBlock,
    EmployerReport,
    Status,
)
from contacts.signals import contact_answered, contact_requested
from core import markdown


class ContactRefused(ValidationError):
    """An invitation that may not be sent; the message says why."""

    def __init__(self, message, code: str):
        super().__init__(message, code=code)


def _refuse_blocked():
    return ContactRefused(_("This student does not accept invitations from you."), code="blocked")


def _refuse_open():
    return ContactRefused(
        _("You already have an invitation to this student waiting for an answer."),
        code="already_open",
    )


def contact_requests_left_today(*, employer) -> int:
    """How many more invitations ``employer`` may send in the last 24 hours."""
    since = timezone.now() - timedelta(days=1)
    sent = ContactRequest.objects.filter(employer=employer, created_at__gte=since).count()
    return max(settings.CONTACT_REQUESTS_PER_DAY - sent, 0)


def contact_request_check(*, employer, student) -> None:
    """Raise ContactRefused if ``employer`` may not invite ``student`` now (the new-invitation
    page asks before showing the form)."""
    if not employer.is_approved_employer:
        raise ContactRefused(
            _("Only employers approved by university staff can send invitations."),
            code="not_approved",
        )
    if student.role != Role.STUDENT or not student.is_active:
        raise ContactRefused(_("This student cannot receive invitations."), code="inactive")
    if EmployerBlock.objects.filter(student=student, employer=employer).exists():
        raise _refuse_blocked()
    if ContactRequest.objects.open().filter(employer=employer, student=student).exists():
        raise _refuse_open()
    if contact_requests_left_today(employer=employer) <= 0:
        raise ContactRefused(
            _(
                "You have sent %(count)s invitations in the last 24 hours, the most allowed. "
                "Please try again tomorrow."
            )
            % {"count": settings.CONTACT_REQUESTS_PER_DAY},
            code="daily_limit",
        )


def contact_request_create(*, employer, portfolio, purpose: str, message: str) -> ContactRequest:
    """Invite the owner of ``portfolio`` (which the employer may open: contacts.access) to get
    in touch. Sends ``contact_requested``."""
    student = portfolio.student
    contact_request = ContactRequest(
        employer=employer, student=student, purpose=purpose.strip(), message=message
    )
    contact_request.full_clean(validate_constraints=False)
    markdown.render_ahead(contact_request, "message")  # before the transaction takes locks
    with transaction.atomic():
        # The employer's row is the lock that makes the day's count exact under parallel
        # requests from the same employer.
        User.objects.select_for_update().filter(pk=employer.pk).first()
        contact_request_check(employer=employer, student=student)
        try:
            with transaction.atomic():
                contact_request.save()
        except IntegrityError:  # the same invitation from another tab, just now
            raise _refuse_open() from None
        contact_requested.send(sender=ContactRequest, contact_request=contact_request)
    return contact_request


def contact_details_save(*, student, **values) -> ContactDetails:
    """Keep the student's contact details (any of ContactDetails.SHAREABLE)."""
    details, _created = ContactDetails.objects.get_or_create(student=student)
    for name in ContactDetails.SHAREABLE:
        if name in values:
            setattr(details, name, (values[name] or "").strip())
    details.full_clean()
    details.save()
    return details


def contact_details_for(student) -> ContactDetails:
    """The student's details (an unsaved empty one if they have none yet)."""
    return ContactDetails.objects.filter(student=student).first() or ContactDetails(student=student)


@transaction.atomic
def contact_request_answer(
    *, contact_request: ContactRequest, accept: bool, reply: str = "", share=()
) -> ContactRequest:
    """The student accepts (sharing the filled details named in ``share``, as they are now)
    or declines, with an optional short reply. Sends ``contact_answered``."""
    contact_request = ContactRequest.objects.select_for_update().get(pk=contact_request.pk)
    if not contact_request.is_open:
        raise ValidationError(_("This invitation has already been answered."), code="answered")
    shared = {}
    if accept:
        details = contact_details_for(contact_request.student)
        chosen = set(share)
        unknown = chosen - set(ContactDetails.SHAREABLE)
        if unknown:
            raise ValidationError(_("Choose only contact details you have filled in."))
        shared = {name: value for name, _label, value in details.filled() if name in chosen}
        if chosen - shared.keys():
            raise ValidationError(_("Choose only contact details you have filled in."))
    contact_request.status = Status.ACCEPTED if accept else Status.DECLINED
    contact_request.reply = reply.strip()
    contact_request.shared_details = shared
    contact_request.answered_at = timezone.now()
    contact_request.full_clean(validate_constraints=False)
    contact_request.save(update_fields=["status", "reply", "shared_details", "answered_at"])
    contact_answered.send(sender=ContactRequest, contact_request=contact_request)
    return contact_request


@transaction.atomic
def contact_message_post(*, contact_request: ContactRequest, author, body: str) -> ContactMessage:
    """A follow-up message from either side of an accepted request."""
    if not contact_request.is_accepted:
        raise ValidationError(
            _("Messages can be written only after the student accepted the invitation."),
            code="not_accepted",
        )
    if author.pk not in (contact_request.student_id, contact_request.employer_id):
        raise ValidationError(_("Only the student and the employer can write here."))
    if EmployerBlock.objects.filter(
        student_id=contact_request.student_id, employer_id=contact_request.employer_id
    ).exists():
        raise _refuse_blocked()
    message = ContactMessage(contact_request=contact_request, author=author, body=body.strip())
    message.full_clean()
    message.save()
    return message


@transaction.atomic
def employer_block(*, student, employer) -> EmployerBlock:
    """The student blocks ``employer``: no more invitations or messages from them, and
    their open invitations to the student are closed."""
    block, _created = EmployerBlock.objects.get_or_create(student=student, employer=employer)
    ContactRequest.objects.open().filter(student=student, employer=employer).update(
        status=Status.CLOSED, answered_at=timezone.now()
    )
    return block


@transaction.atomic
def employer_unblock(*, block: EmployerBlock) -> None:
    block.delete()


@transaction.atomic
def employer_report(*, student, employer, reason: str, contact_request=None) -> EmployerReport:
    """A report for staff's queue (admin: reports about employers)."""
    report = EmployerReport(
        student=student, employer=employer, reason=reason.strip(), contact_request=contact_request
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def employer_reports_handle(*, reports, by) -> int:
    """Staff mark reports handled; how many were still open."""
    return reports.filter(handled_at__isnull=True).update(handled_at=timezone.now(), handled_by=by)
