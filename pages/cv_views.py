"""The PDF CV's two addresses: the student's own (``portfolios:cv``, an audience and a
language chosen in the editor) and a reader's (``portfolios:public-cv``: a supervisor, an
approved employer or staff, who get the PDF of a page they may open, as they see it).
pages/cv.py builds and renders it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.access import role_required
from accounts.models import Role
from core.files.storage import StorageUnavailable
from core.limits import LimitUnavailable
from pages import cv
from pages.forms import CvForm
from portfolios import access as portfolio_access
from portfolios.models import Portfolio


class CvRefused(Exception):
    """No PDF this time; ``message`` says why, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@login_required
@require_safe
def own_cv(request):
    """The form (audience, language); with a valid choice, the PDF."""
    portfolio = _with_student(portfolio_access.access_own_portfolio(request.user))
    form = CvForm(request.GET or None, portfolio=portfolio)
    if form.is_valid():
        try:
            return _pdf_response(
                request, portfolio, form.chosen_audience, form.cleaned_data["language"]
            )
        except CvRefused as refusal:
            form.add_error(None, refusal.message)
    return render(request, "pages/cv_form.html", {"form": form, "portfolio": portfolio})


@role_required(Role.SUPERVISOR, Role.EMPLOYER)
@require_safe
def public_cv(request, slug):
    """A page's PDF for a supervisor, an approved employer or staff, with what they may
    see of it (``portfolios.access``); a page they may not open is a 404, as the page is."""
    portfolio, audience = portfolio_access.access_portfolio_page(request.user, slug)
    language = request.GET.get("language", "")
    if language not in cv.language_codes():
        language = (get_language() or "en").split("-")[0]
    try:
        return _pdf_response(request, portfolio, audience, language)
    except CvRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("portfolios:public", slug=portfolio.slug)


def _with_student(portfolio: Portfolio) -> Portfolio:
    """The portfolio with its student's programme, faculty and cohort (the CV's header) in
    one query."""
    return Portfolio.objects.select_related("student__program__faculty", "student__cohort").get(
        pk=portfolio.pk
    )


def _public_url(request, portfolio) -> str:
    """The page's address printed and encoded in the QR code: on ``SITE_URL`` (the site's
    address for what leaves it, as in e-mails) when set, else on this request's host."""
    path = reverse("portfolios:public", args=[portfolio.slug])
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else request.build_absolute_uri(path)


def _pdf_response(request, portfolio, audience, language) -> HttpResponse:
    try:
        if not cv.CV_PDFS_PER_USER.allows(request.user.pk):
            raise CvRefused(
                _("You have made many PDFs in the last minutes. Please try again later.")
            )
    except LimitUnavailable as error:
        raise CvRefused(
            _("PDFs cannot be made for a moment. Please try again in a minute.")
        ) from error
    public_url = _public_url(request, portfolio)
    try:
        pdf = cv.cv_pdf(portfolio, audience, language=language, public_url=public_url)
    except StorageUnavailable as error:
        raise CvRefused(
            _("The portfolio’s files cannot be read at the moment. Please try again in a minute.")
        ) from error
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=cv.cv_filename(portfolio, language)
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
