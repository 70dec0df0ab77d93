import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import is_approved_employer
from core.files.delivery import file_response
from core.files.quota import storage_quota, storage_used
from core.files.uploads import UploadRejected
from portfolios import access, following, selectors, services, transfer
from portfolios.forms import ImportForm, PortfolioForm, ShareLinkForm
from portfolios.headers import secret_page_headers
from portfolios.models import Visibility


@login_required
@require_safe
def editor(request):
    """The student's dashboard for their portfolio: what is there, what is missing."""
    portfolio = access.access_own_portfolio(request.user)
    view = selectors.portfolio_view(portfolio, access.OWNER, outline=True)
    used, quota = storage_used(portfolio), storage_quota()
    return render(
        request,
        "portfolios/editor.html",
        {
            "view": view,
            "portfolio": portfolio,
            "completeness": selectors.completeness(view),
            "storage_used": used,
            "storage_quota": quota,
            "storage_percent": min(100, round(100 * used / quota)) if quota else 0,
            "share_link_count": portfolio.share_links.usable().count(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request):
    portfolio = access.access_own_portfolio(request.user)
    form = PortfolioForm(request.POST or None, request.FILES or None, instance=portfolio)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PortfolioForm.Meta.fields}
        try:
            services.portfolio_update(
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
        {"form": form, "portfolio": portfolio, "skill_suggestions": selectors.skill_suggestions()},
    )


@login_required
@require_safe
def preview(request, audience):
    """The owner's own page as the public, a signed-in user or a supervisor sees it."""
    portfolio = access.access_own_portfolio(request.user)
    viewer = access.PREVIEW_AUDIENCES.get(audience)
    if viewer is None:
        raise Http404
    return _render_page(request, portfolio, viewer, preview=audience)


@require_safe
def public_page(request, slug):
    portfolio, audience = access.access_portfolio_page(request.user, slug, with_follow_state=True)
    return _render_page(request, portfolio, audience)


@require_safe
def shared_page(request, token):
    link = access.access_share_link(token)
    services.share_link_record_visit(
        link=link, user_agent=request.headers.get("User-Agent", ""), visitor=request.user
    )
    return _render_page(request, link.portfolio, access.share_link_audience(link))


def _render_page(request, portfolio, audience, preview=None):
    share_token = audience.share_link.token if audience.share_link else None
    body = selectors.portfolio_body_html(portfolio, audience, share_token=share_token)
    response = render(
        request,
        "portfolios/portfolio_page.html",
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
    return following.follow_state(user, portfolio)


def _employer_state(user, portfolio, audience, preview):
    """Shortlist and feedback state for an approved employer on the page itself (two
    queries, for them only); nobody else, and no preview or secret link, needs it."""
    if preview or audience.share_link is not None or not is_approved_employer(user):
        return None
    from feedback.selectors.employers import employer_portfolio_state

    return employer_portfolio_state(employer=user, portfolio=portfolio)


@require_safe
def photo(request, slug, variant):
    portfolio, _audience = access.access_portfolio_page(request.user, slug)
    return _photo_response(portfolio, variant)


@require_safe
def shared_photo(request, token, variant):
    link = access.access_share_link(token)
    return _photo_response(link.portfolio, variant)


def _photo_response(portfolio, variant):
    field = portfolio.photo_thumbnail if variant == "thumb" else portfolio.photo
    if not field:
        raise Http404
    extension = field.name.rsplit(".", 1)[-1]
    return file_response(field, filename=f"{portfolio.slug}-{variant}.{extension}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_links(request):
    portfolio = access.access_own_portfolio(request.user)
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = services.share_link_create(
            portfolio=portfolio, label=form.cleaned_data["label"], expires_at=form.expires_at()
        )
        messages.success(
            request, _("The link “%(label)s” is ready. Copy it below.") % {"label": link.label}
        )
        return redirect("portfolios:share-links")
    return render(
        request,
        "portfolios/share_links.html",
        {
            "form": form,
            "portfolio": portfolio,
            "links": selectors.share_links_with_visits(portfolio),
        },
    )


@login_required
@require_safe
def share_link_visits(request, pk):
    link = access.access_own_share_link(request.user, pk)
    return render(
        request,
        "portfolios/share_link_visits.html",
        {"link": link, "visits": link.visits.all()[:500]},
    )


@require_POST
@login_required
def share_link_revoke(request, pk):
    link = access.access_own_share_link(request.user, pk)
    services.share_link_revoke(link=link)
    messages.success(request, _("The link “%(label)s” no longer works.") % {"label": link.label})
    return redirect("portfolios:share-links")


@login_required
@require_safe
def export(request):
    """ "Download my portfolio": a zip written to a temporary file, then streamed."""
    portfolio = access.access_own_portfolio(request.user)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    transfer.export_zip(portfolio, spool)
    spool.seek(0)
    filename = f"portfolio-{portfolio.slug}-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(spool, as_attachment=True, filename=filename,
                            content_type="application/zip")  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request):
    portfolio = access.access_own_portfolio(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        posts_before = portfolio.posts.count()  # a version 1 zip imports beside posts
        try:
            count = transfer.import_zip(portfolio, form.cleaned_data["archive"])
        except transfer.ImportRefused as refusal:
            form.add_error("archive", refusal.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Your portfolio has been restored: %(count)d achievement.",
                    "Your portfolio has been restored: %(count)d achievements.",
                    count,
                )
                % {"count": count},
            )
            posts = portfolio.posts.count() - posts_before
            if posts:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d journal post has been restored.",
                        "%(count)d journal posts have been restored.",
                        posts,
                    )
                    % {"count": posts},
                )
            return redirect("portfolios:editor")
    return render(
        request,
        "portfolios/import.html",
        {"form": form, "portfolio": portfolio, "has_items": portfolio.achievements.exists()},
    )


@require_POST
@login_required
def follow(request, slug):
    portfolio = following.access_follow_target(request.user, slug)
    following.follow_add(follower=request.user, portfolio=portfolio)
    return _follow_response(
        request,
        portfolio,
        _("You follow this portfolio now: its updates appear on your dashboard."),
    )


@require_POST
@login_required
def unfollow(request, slug):
    portfolio = following.access_unfollow_target(request.user, slug)
    following.follow_remove(follower=request.user, portfolio=portfolio)
    return _follow_response(request, portfolio, _("You no longer follow this portfolio."))


def _follow_response(request, portfolio, message):
    """With htmx, the button in its new state (swapped in place); without, back where the
    form was (``next``) with a message."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = portfolio.get_absolute_url()
    if request.htmx:
        return render(
            request,
            "portfolios/_follow_button.html",
            {"follow": following.follow_state(request.user, portfolio), "next_url": next_url},
        )
    messages.success(request, message)
    return redirect(next_url)


@login_required
@require_safe
def following_list(request):
    """The portfolios I follow, each with its unfollow button."""
    return render(
        request,
        "portfolios/following.html",
        {"followed": following.followed_portfolios(request.user)},
    )
