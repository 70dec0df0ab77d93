"""Employers: find students, keep a shortlist, leave feedback. Students: read the feedback
employers left on their portfolio."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import role_required
from accounts.models import Role
from feedback import access
from feedback.forms.employers import EmployerFeedbackForm, EmployerSearchForm, ShortlistNoteForm
from feedback.models import EmployerFeedback
from feedback.selectors import employers as selectors
from feedback.services import employers as services
from feedback.views import next_url
from portfolios.access import access_own_portfolio
from portfolios.models import Visibility
from search.query import COUNT_CAP, portfolio_search

RESULTS_PER_PAGE = 20
SHORTLIST_PER_PAGE = 20


@role_required(Role.EMPLOYER)
@require_safe
def search(request):
    form = EmployerSearchForm(request.GET or None)
    criteria = form.criteria()
    page = Paginator(portfolio_search(**criteria), RESULTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "feedback/employer_search.html",
        {
            "form": form,
            "page": page,
            "portfolios": selectors.portfolio_cards(
                page.object_list, employer=request.user, query=criteria["query"]
            ),
            "searched": any(criteria.values()),
            # Search counts its matches up to COUNT_CAP and one more.
            "count_capped": page.paginator.count > COUNT_CAP,
            "count_cap": COUNT_CAP,
            "skill_suggestions": selectors.search_skill_suggestions(),
        },
    )


@role_required(Role.EMPLOYER)
@require_safe
def shortlist(request):
    return _shortlist_page(request)


def _shortlist_page(request, *, failed_entry=None, failed_form=None):
    page = Paginator(
        selectors.shortlist_entries(employer=request.user), SHORTLIST_PER_PAGE
    ).get_page(request.GET.get("page"))
    entries = selectors.shortlist_cards(page.object_list, employer=request.user)
    for entry in entries:
        if failed_entry is not None and entry.pk == failed_entry.pk:
            entry.note_form = failed_form
        else:
            entry.note_form = ShortlistNoteForm(instance=entry, prefix=f"entry-{entry.pk}")
    return render(
        request,
        "feedback/shortlist.html",
        {"page": page, "entries": entries},
    )


@require_POST
@role_required(Role.EMPLOYER)
def shortlist_add(request, slug):
    portfolio = access.access_employer_portfolio(request.user, slug)
    services.shortlist_add(employer=request.user, portfolio=portfolio)
    messages.success(
        request,
        _("%(name)s is on your shortlist.") % {"name": portfolio.student.display_name},
    )
    return redirect(next_url(request, reverse("feedback:shortlist")))


@require_POST
@role_required(Role.EMPLOYER)
def shortlist_remove(request, slug):
    entry = access.access_own_shortlist_entry(request.user, slug)
    services.shortlist_remove(employer=request.user, portfolio=entry.portfolio)
    messages.success(request, _("Removed from your shortlist, with its note."))
    return redirect(next_url(request, reverse("feedback:shortlist")))


@require_POST
@role_required(Role.EMPLOYER)
def shortlist_note(request, slug):
    entry = access.access_own_shortlist_entry(request.user, slug)
    form = ShortlistNoteForm(request.POST, instance=entry, prefix=f"entry-{entry.pk}")
    if form.is_valid():
        try:
            services.shortlist_note_update(entry=entry, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your note has been saved."))
            return redirect(f"{reverse('feedback:shortlist')}#entry-{entry.pk}")
    messages.error(request, _("The note was not saved. Please correct it below."))
    return _shortlist_page(request, failed_entry=entry, failed_form=form)


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "HEAD", "POST"])
def employer_feedback(request, slug):
    portfolio = access.access_employer_portfolio(request.user, slug)
    existing = selectors.own_feedback(employer=request.user, portfolio=portfolio)
    form = EmployerFeedbackForm(
        request.POST or None,
        instance=existing or EmployerFeedback(employer=request.user, portfolio=portfolio),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_feedback_save(
                employer=request.user, portfolio=portfolio, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Thank you. %(name)s can now read your feedback.")
                % {"name": portfolio.student.display_name},
            )
            return redirect(portfolio.get_absolute_url())
    return render(
        request,
        "feedback/employer_feedback_form.html",
        {
            "form": form,
            "portfolio": portfolio,
            "student": portfolio.student,
            "feedback": existing,
        },
    )


@require_POST
@role_required(Role.EMPLOYER)
def employer_feedback_delete(request, slug):
    feedback = access.access_own_feedback(request.user, slug)
    services.employer_feedback_delete(feedback=feedback)
    messages.success(request, _("Your feedback has been deleted."))
    return redirect(next_url(request, reverse("feedback:shortlist")))


@login_required
@require_safe
def received(request):
    """The student reads what employers think of their portfolio."""
    portfolio = access_own_portfolio(request.user)
    return render(
        request,
        "feedback/employer_feedback_received.html",
        {
            "portfolio": portfolio,
            "feedback_list": list(selectors.employer_feedback_for_portfolio(portfolio)),
            # Employers' search lists it (search/derived.py decides the same way).
            "findable": portfolio.visibility >= Visibility.SIGNED_IN,
        },
    )
