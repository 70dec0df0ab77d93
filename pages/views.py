"""Pages that assemble several apps: each role's dashboard, a supervisor's view of a
student, the portfolio editor, profile form, preview, public and secret-link pages, the
achievement edit page (with its verification panel) and a journal post's page (with its
comments). The apps below own the data, the rules and the partials; these views put them
together. Their URL names stay in the apps' namespaces (see portfolio_site/urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import access as account_access
from accounts import selectors as account_selectors
from accounts.access import is_approved_employer
from accounts.models import Role
from achievements import access as achievement_access
from achievements import services as achievement_services
from achievements.forms import AchievementForm
from achievements.selectors import portfolio_view, skill_suggestions
from achievements.views import warn_if_verification_reset
from analytics.portfolio_views import portfolio_view_record
from contacts import selectors as contact_selectors
from core.files.quota import storage_quota, storage_used
from core.files.uploads import UploadRejected
from core.forms import save_with_uploads
from feedback.selectors import reviews as review_selectors
from feedback.selectors import verification as verification_selectors
from feedback.selectors.employers import (
    employer_feedback_for_portfolio,
    employer_portfolio_state,
)
from feedback.selectors.outcomes import outcomes_of
from feedback.selectors.reviews import latest_released_score
from feedback.selectors.verification import events_for_achievement
from feedback.services.reviews import current_term
from journal import access as journal_access
from journal import views as journal_views
from pages.cv import may_download_cv
from pages.following import following_feed
from pages.forms import CvForm
from pages.recommending import recommendation_cards
from pages.selectors import completeness, portfolio_body_html, student_next_steps
from portfolios import access as portfolio_access
from portfolios import services as portfolio_services
from portfolios.following import follow_state
from portfolios.forms import PortfolioForm
from portfolios.headers import secret_page_headers
from portfolios.models import Portfolio, Visibility
from recommendations.selectors import students_needing_attention

# --- Dashboards ---------------------------------------------------------------------------


@login_required
@require_safe
def dashboard(request):
    """Each role's starting page."""
    user = request.user
    if user.is_staff_member:
        return render(
            request,
            "pages/dashboard_staff.html",
            {
                **account_selectors.staff_overview(),
                "open_employer_report_count": contact_selectors.open_report_count(),
                "following_feed": following_feed(user),
            },
        )
    if user.role == Role.STUDENT:
        student = account_selectors.student_with_supervisors(user)
        links = list(student.supervisor_links.all())
        portfolio = portfolio_access.access_own_portfolio(user)
        view = portfolio_view(portfolio, portfolio_access.OWNER, outline=True)
        steps = student_next_steps(student, supervisor_count=len(links), portfolio_view=view)
        return render(
            request,
            "pages/dashboard_student.html",
            {
                "student": student,
                "supervisors": [link.supervisor for link in links],
                "steps": steps,
                "steps_done": sum(step.done for step in steps),
                "portfolio": portfolio,
                "view": view,
                "completeness": completeness(view),
                "latest_review": latest_released_score(student),
                "verified_count": sum(
                    1 for s in view.sections for item in s.achievements if item.is_verified
                ),
                "pending_count": sum(
                    1
                    for s in view.sections
                    for item in s.achievements
                    if item.is_verification_pending
                ),
                "following_feed": following_feed(user),
                "open_invitation_count": contact_selectors.open_invitation_count(user),
                "recommendations": recommendation_cards(user),
                "recommendations_next": request.get_full_path(),
            },
        )
    if user.role == Role.SUPERVISOR:
        term = current_term()
        quiet = review_selectors.supervisor_students(
            supervisor=user,
            term=term,
            filters=review_selectors.StudentFilters(stale_days=30, sort="updated"),
        )[:10]
        for student in quiet:
            student.days_since_update = review_selectors.days_since(student.last_update)
        return render(
            request,
            "pages/dashboard_supervisor.html",
            {
                "term": term,
                "todo": review_selectors.supervisor_todo(supervisor=user, term=term),
                "quiet_students": quiet,
                "attention": students_needing_attention(user),
                "following_feed": following_feed(user),
            },
        )
    return render(
        request,
        "pages/dashboard_employer.html",
        {
            "profile": getattr(user, "employer_profile", None),
            "following_feed": following_feed(user),
        },
    )


@account_access.role_required(Role.SUPERVISOR)
@require_safe
def student_detail(request, pk: int):
    """A student's account as their supervisors and staff see it."""
    student = account_selectors.student_with_supervisors(
        account_access.access_student(request.user, pk)
    )
    portfolio = Portfolio.objects.filter(student=student).first()
    context = {
        "student": student,
        "portfolio": portfolio,
        "term": current_term(),
        "reviews": review_selectors.reviews_of_student(student, viewer=request.user),
        "pending": verification_selectors.pending_requests(
            supervisor=request.user, student=student
        ),
        "events": verification_selectors.events_for_student(student, limit=20),
        "outcomes": outcomes_of(student),
        "employer_feedback": [],
    }
    if portfolio is not None:
        context["employer_feedback"] = employer_feedback_for_portfolio(portfolio)
    return render(request, "pages/student_detail.html", context)


# --- The portfolio: editor, profile, preview, public and secret-link pages ----------------


@login_required
@require_safe
def editor(request):
    """The student's dashboard for their portfolio: what is there, what is missing."""
    portfolio = portfolio_access.access_own_portfolio(request.user)
    view = portfolio_view(portfolio, portfolio_access.OWNER, outline=True)
    used, quota = storage_used(portfolio), storage_quota()
    return render(
        request,
        "pages/editor.html",
        {
            "view": view,
            "portfolio": portfolio,
            "completeness": completeness(view),
            "no_supervisor": not account_selectors.has_supervisor(request.user),
            "storage_used": used,
            "storage_quota": quota,
            "storage_percent": min(100, round(100 * used / quota)) if quota else 0,
            "share_link_count": portfolio.share_links.usable().count(),
            "cv_form": CvForm(portfolio=portfolio),
            "recommendations": recommendation_cards(request.user),
            "recommendations_next": request.get_full_path(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request):
    portfolio = portfolio_access.access_own_portfolio(request.user)
    form = PortfolioForm(request.POST or None, request.FILES or None, instance=portfolio)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PortfolioForm.Meta.fields}
        try:
            portfolio_services.portfolio_update(
                portfolio=portfolio,
                skills=form.cleaned_data["skills_text"],
                photo=form.cleaned_data.get("photo_upload"),
                remove_photo=form.cleaned_data.get("remove_photo", False),
                **data,
            )
        except UploadRejected as rejection:
            form.add_error("photo_upload", rejection.message)
            portfolio.refresh_from_db()
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("portfolios:editor")
    return render(
        request,
        "portfolios/profile_form.html",
        {"form": form, "portfolio": portfolio, "skill_suggestions": skill_suggestions()},
    )


@login_required
@require_safe
def preview(request, audience):
    """The owner's own page as the public, a signed-in user or a supervisor sees it."""
    portfolio = portfolio_access.access_own_portfolio(request.user)
    viewer = portfolio_access.PREVIEW_AUDIENCES.get(audience)
    if viewer is None:
        raise Http404
    return _render_page(request, portfolio, viewer, preview=audience)


@require_safe
def public_page(request, slug):
    portfolio, audience = portfolio_access.access_portfolio_page(
        request.user, slug, with_follow_state=True
    )
    response = _render_page(request, portfolio, audience)
    # Counted on every request, whether or not the body came from the cache.
    portfolio_view_record(request=request, portfolio=portfolio)
    return response


# A link this browser opened in this browsing session, kept in a signed session cookie
# scoped to the link's own address (no row, no server session for a link holder): a reload
# or a switch of language is not a second visit, and the student is not told of it again.
SEEN_LINK_COOKIE = "shared_seen"
SEEN_LINK_SALT = "pages.shared_page"


@require_safe
def shared_page(request, token):
    link = portfolio_access.access_share_link(token)
    seen = request.get_signed_cookie(SEEN_LINK_COOKIE, default="", salt=SEEN_LINK_SALT)
    first_visit = seen != str(link.pk)
    if first_visit:
        portfolio_services.share_link_record_visit(
            link=link, user_agent=request.headers.get("User-Agent", ""), visitor=request.user
        )
    response = _render_page(request, link.portfolio, portfolio_access.share_link_audience(link))
    if first_visit:
        response.set_signed_cookie(
            SEEN_LINK_COOKIE, str(link.pk), salt=SEEN_LINK_SALT, path=request.path,
            secure=request.is_secure(), httponly=True, samesite="Lax",
        )  # fmt: skip
    return response


def _render_page(request, portfolio, audience, preview=None):
    share_token = audience.share_link.token if audience.share_link else None
    body = portfolio_body_html(portfolio, audience, share_token=share_token)
    response = render(
        request,
        "pages/portfolio_page.html",
        {
            "body": body,
            "portfolio": portfolio,
            "student": portfolio.student,
            "audience": audience,
            "preview": preview,
            "share_token": share_token,
            "is_public_page": portfolio.visibility == Visibility.PUBLIC
            and not preview
            and audience.share_link is None,
            "noindex": portfolio.noindex
            or portfolio.visibility != Visibility.PUBLIC
            or audience.share_link is not None
            or preview,
            "employer_state": _employer_state(request.user, portfolio, audience, preview),
            "follow": _follow_state(request.user, portfolio, audience, preview),
            "cv_download": not preview and may_download_cv(request.user, audience),
        },
    )
    if audience.share_link is not None or preview:
        secret_page_headers(response)
    elif audience.level < Visibility.PUBLIC:
        # This viewer sees more than the public: no shared cache may keep it.
        response["Cache-Control"] = "private, no-cache"
    return response


def _follow_state(user, portfolio, audience, preview):
    """The follow button and follower count, on the page itself only (not in a preview,
    not through a secret link), from the annotations ``public_page`` loaded."""
    if preview or audience.share_link is not None or not hasattr(portfolio, "follower_count"):
        return None
    return follow_state(user, portfolio)


def _employer_state(user, portfolio, audience, preview):
    """Shortlist and feedback state for an approved employer on the page itself (two
    queries, for them only); nobody else, and no preview or secret link, needs it."""
    if preview or audience.share_link is not None or not is_approved_employer(user):
        return None
    return employer_portfolio_state(employer=user, portfolio=portfolio)


# --- An achievement's edit page, with its verification panel --------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def achievement_edit(request, pk):
    achievement = achievement_access.access_own_achievement(request.user, pk)
    form = AchievementForm(
        request.POST or None, request.FILES or None, portfolio=achievement.portfolio,
        instance=achievement,
    )  # fmt: skip
    was_verified = achievement.is_verified
    edit_conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_with_uploads(
                form,
                achievement_services.achievement_update,
                achievement=achievement,
                skills=form.cleaned_data["skills_text"],
                files=form.prepared_files,
                version=form.cleaned_data["version"] or None,
                **form.service_fields(),
            )
        except achievement_services.EditConflict as conflict:
            form.edit_conflict(conflict)
            saved, edit_conflict = None, True
        if saved is not None:
            if form.cleaned_data["video_url"]:
                achievement_services.evidence_add_link(
                    achievement=achievement, url=form.cleaned_data["video_url"]
                )
            messages.success(request, _("Your changes have been saved."))
            warn_if_verification_reset(request, was_verified, achievement)
            return redirect("achievements:edit", pk=achievement.pk)
        achievement.refresh_from_db()
    return render(
        request,
        "pages/achievement_edit.html",
        {
            "form": form,
            "achievement": achievement,
            "evidence_list": achievement.evidence.all(),
            "skill_suggestions": skill_suggestions(),
            "verification_events": events_for_achievement(achievement)[:10],
            "no_supervisor": not account_selectors.has_supervisor(request.user),
            "edit_conflict": edit_conflict,
        },
    )


# --- The journal at /p/<slug>/journal/ and a post's page, with its comments ----------------
# Both count as a view of the portfolio (once a day with the page itself).


@require_safe
def post_list(request, slug):
    portfolio, audience = portfolio_access.access_portfolio_page(request.user, slug)
    response = journal_views.post_list_response(request, portfolio, audience)
    portfolio_view_record(request=request, portfolio=portfolio)
    return journal_views.reader_headers(response, portfolio, audience)


@require_safe
def post_detail(request, slug, pk):
    portfolio, audience, post = journal_access.access_post_page(request.user, slug, pk)
    response = journal_views.post_detail_response(
        request, portfolio, audience, post, template="pages/post_detail.html"
    )
    portfolio_view_record(request=request, portfolio=portfolio)
    return journal_views.reader_headers(response, portfolio, audience)
