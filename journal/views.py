from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.files.delivery import stored_file_views
from core.forms import save_with_uploads
from core.views import confirm_delete
from journal import access, selectors, services
from journal.forms import PostForm
from portfolios import access as portfolio_access
from portfolios.headers import secret_page_headers
from portfolios.models import Visibility

PAGE_SIZE = 20


# --- The student's own journal ------------------------------------------------------------


@login_required
@require_safe
def manage(request):
    """Every post of the student, drafts and scheduled ones included."""
    portfolio = portfolio_access.access_own_portfolio(request.user)
    tag = request.GET.get("tag", "")[:40]
    page = Paginator(selectors.posts_of_owner(portfolio, tag=tag), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "journal/post_manage.html",
        {"portfolio": portfolio, "page": page, "tag": tag},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_create(request):
    portfolio = portfolio_access.access_own_portfolio(request.user)
    form = PostForm(request.POST or None, request.FILES or None, portfolio=portfolio)
    if request.method == "POST" and form.is_valid():
        post = save_with_uploads(
            form, services.post_create, portfolio=portfolio, files=form.prepared_files,
            **form.service_fields(),
        )  # fmt: skip
        if post is not None:
            messages.success(request, _("“%(title)s” has been saved.") % {"title": post.title})
            return redirect("journal:edit", pk=post.pk)
    return render(request, "journal/post_form.html", {"form": form, "portfolio": portfolio})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_edit(request, pk):
    post = access.access_post(request.user, pk, for_edit=True)
    form = PostForm(
        request.POST or None, request.FILES or None, portfolio=post.portfolio, instance=post
    )
    if request.method == "POST" and form.is_valid():
        saved = save_with_uploads(
            form, services.post_update, post=post, files=form.prepared_files,
            **form.service_fields(),
        )  # fmt: skip
        if saved is not None:
            messages.success(request, _("Your changes have been saved."))
            return redirect("journal:edit", pk=post.pk)
    if form.is_bound:
        post.refresh_from_db()  # the form set what was typed on it; the page shows the saved post
    return render(
        request,
        "journal/post_form.html",
        {
            "form": form,
            "portfolio": post.portfolio,
            "post": post,
            "attachments": post.attachments.all(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_delete(request, pk):
    post = access.access_post(request.user, pk, for_edit=True)
    return confirm_delete(
        request,
        post,
        delete=lambda: services.post_delete(post=post),
        then="journal:manage",
        template="journal/post_confirm_delete.html",
        context=lambda: {"post": post, "attachment_count": post.attachments.count()},
    )


@require_POST
@login_required
def post_publish(request, pk):
    post = access.access_post(request.user, pk, for_edit=True)
    services.post_publish(post=post)
    messages.success(request, _("“%(title)s” has been published.") % {"title": post.title})
    return redirect("journal:manage")


@require_POST
@login_required
def attachment_delete(request, public_id):
    attachment = access.access_own_attachment(request.user, public_id)
    name = str(attachment)
    services.attachment_delete(attachment=attachment)
    messages.success(request, _("“%(name)s” has been deleted.") % {"name": name})
    return redirect("journal:edit", pk=attachment.post_id)


# --- Readers -------------------------------------------------------------------------------


def reader_headers(response, portfolio, audience):
    if audience.level < Visibility.PUBLIC or portfolio.visibility < Visibility.PUBLIC:
        # This viewer sees more than the public, or the page is not public: no shared cache.
        response["Cache-Control"] = "private, no-cache"
    return response


def _journal_context(portfolio, audience, share_token=None):
    """What the reader pages share: the student, and whether the page is public (feed,
    indexing). Through a secret link there is no feed and nothing is indexed."""
    public = portfolio.visibility == Visibility.PUBLIC and share_token is None
    return {
        "portfolio": portfolio,
        "student": portfolio.student,
        "audience": audience,
        "share_token": share_token,
        "has_feed": public,
        "noindex": portfolio.noindex or not public,
    }


def post_list_response(request, portfolio, audience, share_token=None):
    """The journal's list. ``pages.views.post_list`` serves it at /p/<slug>/journal/ (and
    counts the view); ``shared_post_list`` through a secret link."""
    posts = selectors.posts_for_audience(portfolio, audience)
    tag = request.GET.get("tag", "")[:40]
    if tag:
        posts = posts.filter(tags__contains=[tag])
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _journal_context(portfolio, audience, share_token)
    return render(request, "journal/post_list.html", {**context, "page": page, "tag": tag})


def post_detail_response(
    request, portfolio, audience, post, share_token=None, *, template="journal/post_detail.html"
):
    """A post's page. ``pages.views.post_detail`` renders it with the comments under it
    (``pages/post_detail.html``); through a secret link it has none."""
    context = _journal_context(portfolio, audience, share_token)
    context["noindex"] = context["noindex"] or not post.is_visible_at(Visibility.PUBLIC)
    return render(request, template, {**context, "post": post})


@require_safe
def shared_post_list(request, token):
    link = portfolio_access.access_share_link(token)
    audience = portfolio_access.share_link_audience(link)
    return secret_page_headers(
        post_list_response(request, link.portfolio, audience, share_token=token)
    )


@require_safe
def shared_post_detail(request, token, pk):
    link = portfolio_access.access_share_link(token)
    audience, post = access.access_shared_post(link, pk)
    return secret_page_headers(
        post_detail_response(request, link.portfolio, audience, post, share_token=token)
    )


attachment_file, shared_attachment_file = stored_file_views(
    access.access_attachment_file, access_share_link=portfolio_access.access_share_link
)
