from functools import cache

from notifications.selectors import unread_count


def unread_notifications(request):
    """The unread count for the bell in the navigation: one COUNT, run only when a
    template uses it (templates call it; it is counted once per page), and never for
    visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": cache(lambda: unread_count(user))}
