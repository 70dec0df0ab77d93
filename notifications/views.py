from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from notifications import selectors, services
from notifications.access import access_notification
from notifications.forms import NotificationPreferencesForm
from notifications.texts import notification_detail

# htmx stops polling when a response has this status (the session ended, say).
HTMX_STOP_POLLING = 286


@login_required
@require_safe
def notification_list(request):
    page = selectors.notifications_page(request.user, request.GET.get("page"))
    items = [(n, notification_detail(n)) for n in page.object_list]
    return render(request, "notifications/notification_list.html", {"page": page, "items": items})


@require_POST
@login_required
def notification_open(request, pk):
    """Mark it read and go where it points (a form, so it works without JavaScript)."""
    notification = access_notification(request.user, pk)
    return redirect(services.notification_open(notification=notification))


@require_POST
@login_required
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notifications:list")


@login_required
def preferences(request):
    user = request.user
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None,
        kinds=selectors.kinds_for(user),
        deliveries=selectors.deliveries_for(user),
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_save(user=user, deliveries=form.deliveries())
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:settings")
    return render(
        request, "notifications/preference_form.html", {"form": form, "has_email": bool(user.email)}
    )


@require_safe
def unread_badge(request):
    """The bell's badge alone, for htmx to swap in every 30 seconds."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponse(status=HTMX_STOP_POLLING)
        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "notifications/_unread_badge.html",
        {"count": selectors.unread_count(request.user)},
    )
