"""A student downloads their portfolio as a zip and restores it from one. Both run as jobs
(transfer/services.py): starting one leads to its own page, which follows its progress
(htmx asks again every two seconds; without JavaScript the page reloads itself) and then
offers the download, or says what was imported, or what went wrong."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.files.delivery import file_response
from core.files.types import UploadRejected
from portfolios import access
from transfer import archive, selectors, services
from transfer.access import access_own_job
from transfer.forms import ImportForm, Leap2AImportForm
from transfer.models import Kind, Status

# htmx stops polling when a response has this status (the session ended, say).
HTMX_STOP_POLLING = 286


def _job_redirect(job):
    return redirect("portfolios:transfer-job", public_id=job.public_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export(request):
    """ "Download my portfolio": the recent downloads, and a button that prepares one."""
    portfolio = access.access_own_portfolio(request.user)
    if request.method == "POST":
        kind = Kind.LEAP2A_EXPORT if request.POST.get("format") == "leap2a" else Kind.EXPORT
        try:
            job = services.export_start(
                owner=request.user, portfolio=portfolio, language=translation.get_language(),
                kind=kind,
            )  # fmt: skip
        except services.TransferBusy as busy:
            messages.info(request, busy.message)
            return _job_redirect(busy.job) if busy.job else redirect("portfolios:export")
        return _job_redirect(job)
    return render(
        request,
        "transfer/export.html",
        {
            "portfolio": portfolio,
            "jobs": selectors.recent_jobs(request.user, Kind.EXPORT, Kind.LEAP2A_EXPORT),
            "export_days": settings.TRANSFER_EXPORT_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request):
    portfolio = access.access_own_portfolio(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(
                owner=request.user, portfolio=portfolio, upload=form.cleaned_data["archive"],
                language=translation.get_language(),
            )  # fmt: skip
        except archive.ImportRefused as refusal:
            form.add_error("archive", refusal.message)
        except UploadRejected as rejection:  # the storage could not keep the upload
            form.add_error("archive", rejection.message)
        except services.TransferBusy as busy:
            messages.info(request, busy.message)
            return _job_redirect(busy.job) if busy.job else redirect("portfolios:import")
        else:
            return _job_redirect(job)
    return render(
        request,
        "transfer/import.html",
        {
            "form": form,
            "portfolio": portfolio,
            "has_items": portfolio.achievements.exists(),
            "jobs": selectors.recent_jobs(request.user, Kind.IMPORT),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_leap2a(request):
    """Import from Mahara: a Leap2A zip or leap2a.xml, added beside what the portfolio has,
    everything as "only me"; the job's page then lists what went where and what not."""
    portfolio = access.access_own_portfolio(request.user)
    form = Leap2AImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.leap2a_import_start(
                owner=request.user, portfolio=portfolio, upload=form.cleaned_data["archive"],
                language=translation.get_language(),
            )  # fmt: skip
        except UploadRejected as rejection:  # the storage could not keep the upload
            form.add_error("archive", rejection.message)
        except services.TransferBusy as busy:
            messages.info(request, busy.message)
            return _job_redirect(busy.job) if busy.job else redirect("portfolios:import-leap2a")
        else:
            return _job_redirect(job)
    return render(
        request,
        "transfer/import_leap2a.html",
        {
            "form": form,
            "portfolio": portfolio,
            "jobs": selectors.recent_jobs(request.user, Kind.LEAP2A_IMPORT),
        },
    )


@never_cache
@require_safe
def job_detail(request, public_id):
    """The job's page. htmx asks for its status part alone, sending the state it shows
    (``shown``): unchanged is a 204 (nothing swapped, nothing said again to a screen
    reader); a finished job's part has no trigger, so the polling stops there."""
    if request.htmx and not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = access_own_job(request.user, public_id)
    context = {"job": job, "state": _state(job), "summary": _import_summary(job)}
    if request.htmx:
        if request.GET.get("shown") == context["state"]:
            return HttpResponse(status=204)
        return render(request, "transfer/_job_status.html", context)
    return render(request, "transfer/job_detail.html", context)


def _import_summary(job) -> list[str]:
    """What a finished import brought back, in sentences."""
    if not job.is_import or job.status != Status.DONE:
        return []
    if job.is_leap2a:
        return _leap2a_summary(job.summary)
    count, posts = job.summary.get("achievements", 0), job.summary.get("posts", 0)
    lines = [
        ngettext(
            "Your portfolio has been restored: %(count)d achievement.",
            "Your portfolio has been restored: %(count)d achievements.",
            count,
        )
        % {"count": count}
    ]
    if posts:  # a version 1 zip restores none (it imports beside the posts there are)
        lines.append(
            ngettext(
                "%(count)d journal post has been restored.",
                "%(count)d journal posts have been restored.",
                posts,
            )
            % {"count": posts}
        )
    return lines


def _leap2a_summary(report: dict) -> list[str]:
    achievements, posts = report.get("achievements", 0), report.get("posts", 0)
    files, skipped = report.get("files", 0), len(report.get("skipped", []))
    return [
        ngettext("Imported %(count)d achievement", "Imported %(count)d achievements",
                 achievements) % {"count": achievements}
        + ", "
        + ngettext("%(count)d journal post", "%(count)d journal posts", posts) % {"count": posts}
        + ", "
        + ngettext("%(count)d file.", "%(count)d files.", files) % {"count": files},
        ngettext("%(count)d entry was skipped (see below).",
                 "%(count)d entries were skipped (see below).", skipped) % {"count": skipped}
        if skipped else _("Nothing was skipped."),
        _("Everything imported is visible to you only until you choose who may see it."),
    ]  # fmt: skip


def _state(job) -> str:
    """What the status part shows, in one word (for the 204 above)."""
    return f"{job.status}-{job.stage}-{job.progress_done}-{job.progress_total}"


@login_required
@require_safe
def job_download(request, public_id):
    """The export's zip, for its owner only, until it expires."""
    job = access_own_job(request.user, public_id)
    if not job.download_ready():
        raise Http404
    suffix = "-leap2a" if job.is_leap2a else ""
    day = timezone.localdate(job.finished_at)
    filename = f"portfolio-{job.portfolio.slug}-{day:%Y-%m-%d}{suffix}.zip"
    response = file_response(job.archive, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response
