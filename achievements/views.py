from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from achievements import access, services
from achievements.forms import AchievementForm, CaptionForm, EvidenceUploadForm
from achievements.selectors import skill_suggestions
from core.files.delivery import stored_file_views
from core.files.uploads import UploadRejected
from core.forms import save_with_uploads
from core.views import confirm_delete
from portfolios import access as portfolio_access
from portfolios.models import Category


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def achievement_create(request):
    portfolio = portfolio_access.access_own_portfolio(request.user)
    initial = {}
    section = request.GET.get("section")
    if section:
        initial["category"] = Category.objects.filter(code=section, is_active=True).first()
    form = AchievementForm(
        request.POST or None, request.FILES or None, portfolio=portfolio, initial=initial
    )
    achievement = None
    if request.method == "POST" and form.is_valid():
        achievement = save_with_uploads(
            form,
            services.achievement_create,
            portfolio=portfolio,
            skills=form.cleaned_data["skills_text"],
            files=form.prepared_files,
            captions=[],
            **form.service_fields(),
        )
    if achievement is not None:
        if form.cleaned_data["video_url"]:
            services.evidence_add_link(achievement=achievement, url=form.cleaned_data["video_url"])
        messages.success(request, _("“%(title)s” has been added.") % {"title": achievement.title})
        return redirect("achievements:edit", pk=achievement.pk)
    return render(
        request,
        "achievements/achievement_form.html",
        {"form": form, "skill_suggestions": skill_suggestions()},
    )


def warn_if_verification_reset(request, was_verified: bool, achievement) -> None:
    """A change to what a supervisor verified removes the verification: say so and why."""
    if was_verified and not achievement.is_verified:
        messages.warning(
            request,
            _("%(reason)s The verification was removed; ask your supervisor to verify it again.")
            % {"reason": achievement.verification_note},
        )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def achievement_delete(request, pk):
    achievement = access.access_own_achievement(request.user, pk)
    return confirm_delete(
        request,
        achievement,
        delete=lambda: services.achievement_delete(achievement=achievement),
        then="portfolios:editor",
        template="achievements/achievement_confirm_delete.html",
        context=lambda: {
            "achievement": achievement,
            "evidence_count": achievement.evidence.count(),
        },
    )


@require_POST
@login_required
def achievement_move(request, pk, direction):
    achievement = access.access_own_achievement(request.user, pk)
    if direction not in ("up", "down"):
        raise Http404
    services.achievement_move(achievement=achievement, direction=direction)
    return redirect(f"{reverse('portfolios:editor')}#section-{achievement.category.code}")


@require_POST
@login_required
def evidence_upload(request, pk):
    achievement = access.access_own_achievement(request.user, pk)
    form = EvidenceUploadForm(request.POST, request.FILES, portfolio=achievement.portfolio)
    created = []
    was_verified = achievement.is_verified
    if form.is_valid():
        try:
            created = services.evidence_attach(achievement=achievement, files=form.prepared_files)
        except UploadRejected as rejection:
            messages.error(request, rejection.message)
            return redirect("achievements:edit", pk=achievement.pk)
        if form.cleaned_data["video_url"]:
            services.evidence_add_link(achievement=achievement, url=form.cleaned_data["video_url"])
        if created:
            messages.success(
                request,
                ngettext("%(count)d file added.", "%(count)d files added.", len(created))
                % {"count": len(created)},
            )
        if form.cleaned_data["video_url"]:
            messages.success(request, _("The video link has been added."))
        warn_if_verification_reset(request, was_verified, achievement)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("achievements:edit", pk=achievement.pk)


@require_POST
@login_required
def evidence_caption(request, public_id):
    evidence = access.access_own_evidence(request.user, public_id)
    form = CaptionForm(request.POST)
    if form.is_valid():
        services.evidence_update_caption(evidence=evidence, caption=form.cleaned_data["caption"])
        messages.success(request, _("Caption saved."))
    return redirect("achievements:edit", pk=evidence.achievement_id)


@require_POST
@login_required
def evidence_delete(request, public_id):
    evidence = access.access_own_evidence(request.user, public_id)
    name = str(evidence)
    was_verified = evidence.achievement.is_verified
    services.evidence_delete(evidence=evidence)
    messages.success(request, _("“%(name)s” has been deleted.") % {"name": name})
    warn_if_verification_reset(request, was_verified, evidence.achievement)
    return redirect("achievements:edit", pk=evidence.achievement_id)


evidence_file, shared_evidence_file = stored_file_views(
    access.access_evidence_file, access_share_link=portfolio_access.access_share_link
)
