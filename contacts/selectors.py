"""Reads for contact requests: each list is two queries however many rows it shows."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Value, When

from contacts.models import ContactRequest, EmployerBlock, EmployerReport, Status

PAGE_SIZE = 20


def _paged(requests, page_number) -> Page:
    return Paginator(requests.annotate(message_count=Count("messages")), PAGE_SIZE).get_page(
        page_number
    )


def student_inbox(student, page_number=None) -> Page:
    """The invitations a student received, open ones first, then newest first."""
    requests = (
        ContactRequest.objects.filter(student=student)
        .select_related("employer__employer_profile")
        .order_by(
            Case(
                When(status=Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-created_at",
            "-pk",
        )
    )
    return _paged(requests, page_number)


def employer_sent(employer, page_number=None) -> Page:
    """The invitations an employer sent, newest first."""
    requests = (
        ContactRequest.objects.filter(employer=employer)
        .select_related("student")
        .order_by("-created_at", "-pk")
    )
    return _paged(requests, page_number)


def open_request_between(*, employer, student) -> ContactRequest | None:
    return ContactRequest.objects.open().filter(employer=employer, student=student).first()


def blocked_employers(student):
    return EmployerBlock.objects.filter(student=student).select_related(
        "employer__employer_profile"
    )


def open_report_count() -> int:
    """Reports about employers staff have not handled yet (the staff dashboard)."""
    return EmployerReport.objects.open().count()


def contact_request_messages(contact_request):
    return contact_request.messages.select_related("author")


def open_invitation_count(student) -> int:
    """Invitations waiting for the student's answer (their dashboard)."""
    return ContactRequest.objects.open().filter(student=student).count()
