"""A student downloads their portfolio as a zip and restores it from one."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from core.files.storage import StorageUnavailable
from portfolios import access
from transfer import archive
from transfer.forms import ImportForm


@login_required
@require_safe
def export(request):
    """ "Download my portfolio": a zip written to a temporary file, then streamed."""
    portfolio = access.access_own_portfolio(request.user)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    try:
        archive.export_zip(portfolio, spool)
    except StorageUnavailable:
        spool.close()
        messages.error(
            request,
            _(
                "Your files could not be read from storage just now, so no download was "
                "made. Please try again in a few minutes."
            ),
        )
        return redirect("portfolios:editor")
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
            count = archive.import_zip(portfolio, form.cleaned_data["archive"])
        except archive.ImportRefused as refusal:
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
        "transfer/import.html",
        {"form": form, "portfolio": portfolio, "has_items": portfolio.achievements.exists()},
    )
