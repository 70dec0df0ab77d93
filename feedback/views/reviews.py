"""Supervisors: the list of their students, reviews, releasing them. Students: their
released reviews."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.access import role_required
from accounts.models import Role
from feedback import access
from feedback.forms.reviews import ReviewForm, StudentFilterForm
from feedback.models import Review, Term
from feedback.selectors import reviews as selectors
from feedback.services import reviews as services

STUDENTS_PER_PAGE = 100


def _chosen_term(request) -> Term | None:
    """The term in ``?term=``, else the current one, else the latest."""
    term_id = request.GET.get("term") or request.POST.get("term")
    if term_id and term_id.isdigit():
        term = Term.objects.filter(pk=term_id).first()
        if term is not None:
            return term
    return services.current_term() or Term.objects.order_by("-starts_on").first()


def _students_context(request):
    term = _chosen_term(request)
    base = access.supervised_students(request.user)
    form = StudentFilterForm(request.GET or None, students=base)
    filters = form.filters()
    students = selectors.supervisor_students(supervisor=request.user, term=term, filters=filters)
    return term, form, filters, students


@role_required(Role.SUPERVISOR)
@require_safe
def students(request):
    """The supervisor's students with completeness, last update, score and pending
    requests: sortable, filterable, exportable."""
    term, form, filters, rows = _students_context(request)
    page = Paginator(rows, STUDENTS_PER_PAGE).get_page(request.GET.get("page"))
    for student in page:
        student.days_since_update = selectors.days_since(student.last_update)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    for key in ("sort", "desc"):
        sort_query.pop(key, None)
    return render(
        request,
        "feedback/students.html",
        {
            "term": term,
            "terms": Term.objects.order_by("-starts_on"),
            "form": form,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "filter_params": [
                (key, value) for key, values in query.lists() if key != "term" for value in values
            ],
            "columns": _columns(),
            "todo": selectors.supervisor_todo(supervisor=request.user, term=term),
        },
    )


def _columns():
    return [
        ("name", _("Student")),
        ("program", _("Program")),
        ("cohort", _("Cohort")),
        ("completeness", _("Completeness")),
        ("updated", _("Last update")),
        ("score", _("Score")),
        ("review", _("Your review")),
        ("pending", _("Verification requests")),
    ]


@role_required(Role.SUPERVISOR)
@require_safe
def students_csv(request):
    """The same list as the page, with the same filters and order, as CSV (UTF-8 with a
    byte-order mark, so Excel opens Cyrillic text correctly)."""
    term, _form, _filters, rows = _students_context(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="students-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(_as_text([
        _("Username"), _("Last name"), _("First name"), _("E-mail address"), _("Program"),
        _("Year of entry"), _("Completeness, %"), _("Last update"), _("Days since update"),
        _("Score (%(term)s)") % {"term": term.name if term else "—"}, _("Your review"),
        _("Verification requests"),
    ]))  # fmt: skip
    statuses = dict(Review.Status.choices)
    for student in rows.iterator(chunk_size=500):
        days = selectors.days_since(student.last_update)
        writer.writerow(_as_text([
            student.username, student.last_name, student.first_name, student.email,
            student.program.name if student.program else "",
            student.cohort.entry_year if student.cohort else "",
            student.completeness,
            timezone.localtime(student.last_update).date().isoformat()
            if student.last_update else "",
            "" if days is None else days,
            "" if student.score is None else f"{student.score:.2f}",
            statuses.get(student.my_review_status, ""),
            student.pending_verifications,
        ]))  # fmt: skip
    return response


def _as_text(cells: list) -> list:
    """Spreadsheets run a cell that starts with = + - @ as a formula; what users typed
    (names, e-mail addresses) must stay text."""
    return [
        f"'{cell}" if isinstance(cell, str) and cell and cell[0] in "=+-@\t\r" else cell
        for cell in cells
    ]


@role_required(Role.SUPERVISOR)
def review_edit(request, pk: int, term_pk: int):
    """Write or change the review of one student for one term."""
    student = access.access_student(request.user, pk)
    term = get_object_or_404(Term, pk=term_pk)
    review = (
        Review.objects.filter(student=student, supervisor=request.user, term=term)
        .select_related("rubric")
        .prefetch_related("scores")
        .first()
    )
    rubric = review.rubric if review else services.rubric_for(student=student)
    if rubric is None:
        messages.error(
            request, _("No rubric is in use. Ask staff to set one up in the administration.")
        )
        return redirect("accounts:student-detail", student.pk)
    criteria = list(rubric.criteria.order_by("order", "pk"))
    form = ReviewForm(request.POST or None, criteria=criteria, review=review)
    if request.method == "POST" and form.is_valid():
        release = request.POST.get("action") == "release"
        try:
            review = services.review_save(
                supervisor=request.user, student=student, term=term, scores=form.scores(),
                feedback=form.cleaned_data["feedback"], release=release,
                expected_rubric=rubric,
            )  # fmt: skip
        except ValidationError as error:
            form.apply_errors(error)
        else:
            if release or review.is_released:
                messages.success(request, _("Review saved. The student can read it."))
            else:
                messages.success(
                    request, _("Draft saved. The student sees it once you release it.")
                )
            return redirect(f"{reverse('feedback:students')}?term={term.pk}")
    from portfolios.models import Portfolio

    return render(
        request,
        "feedback/review_form.html",
        {
            "student": student,
            "term": term,
            "review": review,
            "rubric": rubric,
            "form": form,
            "portfolio": Portfolio.objects.filter(student=student).first(),
            "weights_ok": sum(c.weight for c in criteria) == 100,
        },
    )


@require_POST
@role_required(Role.SUPERVISOR)
def review_release(request, pk: int):
    review = access.access_review(request.user, pk)
    services.review_release(review=review)
    messages.success(
        request,
        _("The review of %(name)s is released.") % {"name": review.student.display_name},
    )
    return redirect(f"{reverse('feedback:students')}?term={review.term_id}")


@require_POST
@role_required(Role.SUPERVISOR)
def review_delete(request, pk: int):
    review = access.access_review(request.user, pk)
    try:
        services.review_delete_draft(review=review)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The draft is deleted."))
    return redirect(f"{reverse('feedback:students')}?term={review.term_id}")


@require_POST
@role_required(Role.SUPERVISOR)
def reviews_release_all(request):
    term = Term.objects.filter(pk=request.POST.get("term") or 0).first()
    if term is None:
        raise Http404
    count = services.reviews_release_all(supervisor=request.user, term=term)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d review released. Your students can read it now.",
                "%(count)d reviews released. Your students can read them now.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("You have no drafts for this term."))
    return redirect(f"{reverse('feedback:students')}?term={term.pk}")


@role_required(Role.STUDENT)
@require_safe
def my_reviews(request):
    """The student's released reviews with the rubric breakdown."""
    if request.user.role != Role.STUDENT:
        raise Http404
    reviews = list(selectors.released_reviews_for(request.user))
    by_term: dict[int, dict] = {}
    for review in reviews:
        entry = by_term.setdefault(review.term_id, {"term": review.term, "reviews": []})
        entry["reviews"].append(review)
    for entry in by_term.values():
        totals = [r.total for r in entry["reviews"]]
        entry["score"] = sum(totals) / len(totals)
    return render(request, "feedback/my_reviews.html", {"terms": list(by_term.values())})
