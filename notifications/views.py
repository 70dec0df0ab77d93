from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications import selectors, services
from notifications.access import ALL_KINDS, access_notification, access_unsubscribe
from notifications.forms import NotificationPreferencesForm
from notifications.models import Delivery, Kind
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
    """The bell's badge alone, for htmx to swap in every 30 seconds.

    htmx sends the count the page shows (``shown``). When it is still right the answer is
    204 and htmx swaps nothing; when it changed, the new badge comes with the sentence for
    the bell's live region, so a screen reader says the new count once, not every poll."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponse(status=HTMX_STOP_POLLING)
        return redirect_to_login(request.get_full_path())
    count = selectors.unread_count(request.user)
    shown = request.GET.get("shown")
    if request.htmx and shown == str(count):
        return HttpResponse(status=204)
    return render(
        request,
        "notifications/_unread_badge.html",
        {"count": count, "announce": bool(request.htmx and shown is not None)},
    )


@csrf_exempt  # RFC 8058: a mail program's one-click POST carries no CSRF token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Stop e-mails of one kind (or all) for the user the signed token names, without
    signing in. GET only asks (link scanners open links); POST makes the change, and that
    change — "site only" for the token's kind and user — is all this view can ever do:
    it reads nothing from the request but the token."""
    user, kind = access_unsubscribe(token)
    context = {
        "token_user": user,
        "all_kinds": kind == ALL_KINDS,
        "kind_label": None if kind == ALL_KINDS else Kind(kind).label,
        "site_only": Delivery.IN_APP.label,
    }
    if request.method != "POST":
        if services.notifications_unsubscribed(user=user, kind=kind):
            # Already off (the link was used before): say so rather than ask again.
            return render(request, "notifications/unsubscribe_done.html", context)
        return render(request, "notifications/unsubscribe_confirm.html", context)
    changed = services.notifications_unsubscribe(user=user, kind=kind)
    context["changes"] = [(Kind(k).label, Delivery(d).label) for k, d in changed.items()]
    return render(request, "notifications/unsubscribe_done.html", context)
