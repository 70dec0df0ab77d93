"""Who may open which notification: its recipient only; anyone else gets a 404."""

from __future__ import annotations

from django.http import Http404

from notifications.models import Notification


def access_notification(user, pk: int) -> Notification:
    notification = Notification.objects.for_recipient(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification
