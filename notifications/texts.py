"""The sentence for a notification, written when it is read, in the reader's language.

A notification stores its kind and facts; names users chose (titles, labels) are stored as
they are, names kept in three languages (a term) as a {"en", "ru", "ky"} mapping.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Kind


def localized(value) -> str:
    """A stored value in the active language: a mapping by language, or a plain string."""
    if isinstance(value, dict):
        language = (translation.get_language() or "en").split("-")[0]
        return str(value.get(language) or value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _who(notification) -> str:
    params = notification.params or {}
    if params.get("organisation"):
        return params["organisation"]
    if notification.actor is not None:
        return notification.actor.display_name
    return _("Someone")


def _comment_text(kind, params, who) -> str:
    values = {"who": who, "target": localized(params.get("target"))}
    on_page = params.get("target_kind") == "portfolio"
    if kind == Kind.REPLY:
        if on_page:  # the target is the student whose page it is
            return _("%(who)s replied to your comment on the portfolio of %(target)s") % values
        return _("%(who)s replied to your comment on “%(target)s”") % values
    if params.get("private"):
        if on_page:
            return _("%(who)s left you private feedback on your portfolio page") % values
        return _("%(who)s left you private feedback on “%(target)s”") % values
    if on_page:
        return _("%(who)s commented on your portfolio page") % values
    return _("%(who)s commented on “%(target)s”") % values


def notification_text(notification) -> str:
    params = notification.params or {}
    who = _who(notification)
    kind = notification.kind
    if kind in (Kind.COMMENT, Kind.REPLY):
        return _comment_text(kind, params, who)
    if kind == Kind.REVIEW_RELEASED:
        return _("%(who)s released your review for %(term)s") % {
            "who": who,
            "term": localized(params.get("term")),
        }
    if kind == Kind.VERIFICATION_DECIDED:
        values = {"who": who, "achievement": localized(params.get("achievement"))}
        if params.get("verified"):
            return _("%(who)s verified “%(achievement)s”") % values
        return _("%(who)s declined to verify “%(achievement)s”") % values
    if kind == Kind.EMPLOYER_FEEDBACK:
        if params.get("changed"):
            return _("%(who)s changed their feedback on your portfolio") % {"who": who}
        return _("%(who)s left feedback on your portfolio") % {"who": who}
    if kind == Kind.SHARE_LINK_OPENED:
        count = notification.count or 1
        label = localized(params.get("label"))
        if count == 1:
            return _("Your secret link “%(label)s” was opened") % {"label": label}
        return ngettext(
            "Your secret link “%(label)s” was opened %(count)s time",
            "Your secret link “%(label)s” was opened %(count)s times",
            count,
        ) % {"label": label, "count": count}
    if kind == Kind.CONTACT_REQUESTED:
        return _("%(who)s invites you to get in touch: “%(purpose)s”") % {
            "who": who,
            "purpose": localized(params.get("purpose")),
        }
    if kind == Kind.CONTACT_ANSWERED:
        values = {"who": who, "purpose": localized(params.get("purpose"))}
        if params.get("accepted"):
            return _("%(who)s accepted your invitation “%(purpose)s”") % values
        return _("%(who)s declined your invitation “%(purpose)s”") % values
    return str(Kind(kind).label) if kind in Kind.values else kind


def notification_detail(notification) -> str:
    """A second line where there is one: the comment, the reason for a decline."""
    params = notification.params or {}
    if notification.kind in (Kind.COMMENT, Kind.REPLY):
        return localized(params.get("excerpt"))
    if notification.kind == Kind.VERIFICATION_DECIDED and not params.get("verified"):
        return localized(params.get("reason"))
    if notification.kind == Kind.CONTACT_ANSWERED:
        return localized(params.get("reply"))
    return ""
