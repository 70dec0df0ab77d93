"""Who may see or do what with contact requests. Views call these; a request, a portfolio
or a block the user may not reach is a 404."""

from __future__ import annotations

from django.http import Http404

from accounts.models import Role
from contacts.models import ContactRequest, EmployerBlock
from portfolios.access import access_portfolio_page
from portfolios.models import Portfolio


def access_portfolio_to_invite(employer, slug: str) -> Portfolio:
    """The portfolio at ``slug`` if ``employer`` is an approved employer who may open its
    page (its student active); else 404. Staff do not invite as employers."""
    if not employer.is_authenticated or not employer.is_approved_employer:
        raise Http404
    portfolio, _audience = access_portfolio_page(employer, slug)
    return portfolio


def access_contact_request(user, pk: int) -> ContactRequest:
    """A request ``user`` is a party to: its student, or its employer while approved."""
    if not user.is_authenticated:
        raise Http404
    requests = ContactRequest.objects.select_related("student", "employer__employer_profile")
    if user.role == Role.STUDENT:
        requests = requests.filter(student=user)
    elif user.is_approved_employer:
        requests = requests.filter(employer=user)
    else:
        raise Http404
    contact_request = requests.filter(pk=pk).first()
    if contact_request is None:
        raise Http404
    return contact_request


def access_received_request(user, pk: int) -> ContactRequest:
    """A request the student ``user`` received (to answer, block or report); else 404."""
    contact_request = access_contact_request(user, pk)
    if contact_request.student_id != user.pk:
        raise Http404
    return contact_request


def access_own_block(user, pk: int) -> EmployerBlock:
    block = (
        EmployerBlock.objects.filter(pk=pk, student=user).first() if user.is_authenticated else None
    )
    if block is None:
        raise Http404
    return block
