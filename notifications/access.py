"""Who may open which notification: its recipient only; anyone else gets a 404.

And who may stop which e-mails without signing in: whoever holds the signed token from a
notification e-mail. The token names one user and one kind (or every kind, ``ALL_KINDS``);
it cannot be made or altered without SECRET_KEY, and it does not expire (an old e-mail's
link keeps working, as mail providers expect of List-Unsubscribe).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404

from notifications.models import Kind, Notification

ALL_KINDS = "all"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def access_notification(user, pk: int) -> Notification:
    notification = Notification.objects.for_recipient(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """The token for "stop e-mailing ``user_id`` about ``kind``" (a Kind or ALL_KINDS)."""
    if kind != ALL_KINDS:
        kind = Kind(kind).value  # ValueError for anything else
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT)


def access_unsubscribe(token: str):
    """The user and the kind (or ALL_KINDS) a token names; Http404 for a token that was
    not made here, was altered, or names someone who no longer exists."""
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise Http404 from error
    if not isinstance(user_id, int) or (kind != ALL_KINDS and kind not in Kind.values):
        raise Http404
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user, kind
