"""Threads and the actions on comments. Every form posts normally and redirects back to the
thread without JavaScript; with htmx (``request.htmx``) the answer is the thread fragment,
swapped in place of the old one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comments import access, selectors, services
from comments.forms import CommentBodyForm, CommentForm, ReportForm
from portfolios.models import Visibility


def _add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: its fields' messages where they belong,
    the rest (the rate limit) above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def thread_context(request, target, *, form=None, reply_to=None, reply_form=None, notice=""):
    """What comments/_thread.html needs (the thread tag on pages uses it too)."""
    viewer = request.user
    is_owner = viewer.is_authenticated and viewer.pk == target.owner_id
    may_write = access.may_write(viewer, target)
    if form is None and may_write:
        form = CommentForm(may_be_private=not is_owner)
    return {
        "thread": selectors.thread_for(target, viewer),
        "target": target,
        "form": form,
        "may_write": may_write,
        "is_owner": is_owner,
        "viewer_id": viewer.pk if viewer.is_authenticated else None,
        "reply_to": reply_to,
        "reply_form": reply_form,
        "notice": notice,
        # "/comments/": the actions' addresses are this, the comment's id and the action
        # (a {% url %} per comment and action is most of a long thread's rendering time).
        "comments_url": reverse("comments:edit", args=[0]).removesuffix("0/edit/"),
        "login_url": f"{reverse('accounts:login')}?next={target.page_url()}%23comments",
    }


def _thread_response(request, target, **kwargs):
    """The fragment for htmx, else the thread on a page of its own."""
    context = thread_context(request, target, **kwargs)
    template = "comments/_thread.html" if request.htmx else "comments/thread_page.html"
    response = render(request, template, context)
    if request.user.is_authenticated or target.audience.level < Visibility.PUBLIC:
        response["Cache-Control"] = "private, no-cache"
    return response


def _done(request, target, notice: str, anchor: str = "comments"):
    """After a change: the fresh fragment for htmx, else back to the thread."""
    if request.htmx:
        return _thread_response(request, target, notice=notice)
    messages.success(request, notice)
    return redirect(f"{target.page_url()}#{anchor}")


@require_http_methods(["GET", "HEAD", "POST"])
def thread(request, slug, pk=None, *, kind):
    """GET: the thread (a page, or the fragment for htmx). POST: a new comment."""
    target = access.access_thread(request.user, kind, slug, pk)
    if request.method != "POST":
        return _thread_response(request, target)
    if not request.user.is_authenticated:
        return redirect_to_login(f"{target.page_url()}#comments")
    access.check_may_write(request.user, target)
    form = CommentForm(request.POST, may_be_private=request.user.pk != target.owner_id)
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=request.user,
                body=form.cleaned_data["body"],
                is_private=form.cleaned_data.get("is_private", False),
                **target.filter,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, target, _("Your comment has been posted."),
                         anchor=f"comment-{comment.pk}")  # fmt: skip
    return _thread_response(request, target, form=form)


@require_POST
@login_required
def reply(request, pk):
    parent, target = access.access_comment(request.user, pk, action="reply")
    form = CommentBodyForm(request.POST, auto_id=f"reply-{parent.pk}-%s")
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, target, _("Your reply has been posted."),
                         anchor=f"comment-{comment.pk}")  # fmt: skip
    return _thread_response(request, target, reply_to=parent.pk, reply_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    comment, target = access.access_comment(request.user, pk, action="edit")
    form = CommentBodyForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(comment=comment, body=form.cleaned_data["body"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your comment has been saved."))
            return redirect(f"{target.page_url()}#comment-{comment.pk}")
    return render(
        request, "comments/comment_form.html", {"form": form, "comment": comment, "target": target}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request, pk):
    comment, target = access.access_comment(request.user, pk, action="delete")
    if request.method == "POST":
        services.comment_delete(comment=comment)
        return _done(request, target, _("The comment has been deleted."))
    return render(
        request,
        "comments/comment_confirm_delete.html",
        {"comment": comment, "target": target, "reply_count": comment.replies.count()},
    )


@require_POST
@login_required
def hide(request, pk):
    comment, target = access.access_comment(request.user, pk, action="hide")
    services.comment_hide(comment=comment, by=request.user)
    return _done(request, target, _("The comment is hidden."), anchor=f"comment-{comment.pk}")


@require_POST
@login_required
def unhide(request, pk):
    comment, target = access.access_comment(request.user, pk, action="hide")
    services.comment_unhide(comment=comment)
    return _done(request, target, _("The comment is shown again."),
                 anchor=f"comment-{comment.pk}")  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request, pk):
    comment, target = access.access_comment(request.user, pk, action="report")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_report(comment=comment, reporter=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you. Staff will look at the comment."))
            return redirect(f"{target.page_url()}#comment-{comment.pk}")
    return render(
        request,
        "comments/comment_report.html",
        {"form": form, "comment": comment, "target": target},
    )
