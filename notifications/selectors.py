"""Reads for notifications: the unread count, the centre's page, each user's settings."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from accounts.models import Role
from notifications.models import DEFAULT_DELIVERY, Kind, Notification, NotificationPreference

PAGE_SIZE = 25


def unread_count(user) -> int:
    """One COUNT on the (recipient, read_at, created_at) index."""
    return Notification.objects.for_recipient(user).unread().count()


def notifications_page(user, page_number) -> Page:
    """Newest first; two queries (count and rows) whatever the page holds."""
    notifications = Notification.objects.for_recipient(user).select_related("actor")
    return Paginator(notifications.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(page_number)


def kinds_for(user) -> list[Kind]:
    """The kinds that can reach this user: students own commented, reviewed, verified and
    shared content and receive invitations; everyone else hears of replies to their
    comments, and employers of the answers to their invitations."""
    if user.role == Role.STUDENT:
        return [kind for kind in Kind if kind != Kind.CONTACT_ANSWERED]
    if user.role == Role.EMPLOYER:
        return [Kind.REPLY, Kind.CONTACT_ANSWERED]
    return [Kind.REPLY]


def deliveries_for(user) -> dict[str, str]:
    """How the user hears of each kind: their choice, else the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.value: chosen.get(kind.value, DEFAULT_DELIVERY[kind]) for kind in Kind}
