"""Notifications listen: each receiver turns another app's declared signal into a
notification (who, the facts, where it leads). They run inside the sender's transaction;
the e-mail, if any, leaves after commit (services.notify)."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from comments.signals import comment_posted
from contacts.signals import contact_answered, contact_requested
from feedback.signals import employer_feedback_saved, review_released, verification_decided
from notifications.models import Kind
from notifications.services import notify
from portfolios.signals import share_link_opened


@receiver(review_released, dispatch_uid="notify_review_released")
def notify_review_released(sender, review, **kwargs) -> None:
    """The student hears that their supervisor released a review."""
    term = review.term
    notify(
        recipient=review.student_id,
        kind=Kind.REVIEW_RELEASED,
        actor=review.supervisor_id,
        url=reverse("feedback:my-reviews"),
        params={
            "review_id": review.pk,
            "term": {"en": term.name_en, "ru": term.name_ru, "ky": term.name_ky},
        },
    )


@receiver(verification_decided, dispatch_uid="notify_verification_decided")
def notify_verification_decided(
    sender, achievement, supervisor, verified: bool, reason: str, **kwargs
) -> None:
    """The student hears that a supervisor verified or declined their achievement."""
    notify(
        recipient=achievement.portfolio.student_id,
        kind=Kind.VERIFICATION_DECIDED,
        actor=supervisor,
        url=reverse("achievements:edit", args=[achievement.pk]),
        params={
            "achievement_id": achievement.pk,
            "achievement": achievement.title,
            "verified": verified,
            "reason": "" if verified else reason,
        },
    )


@receiver(employer_feedback_saved, dispatch_uid="notify_employer_feedback")
def notify_employer_feedback(sender, feedback, changed: bool, **kwargs) -> None:
    """The student hears that an employer left (or changed) feedback on their portfolio."""
    profile = getattr(feedback.employer, "employer_profile", None)
    notify(
        recipient=feedback.portfolio.student_id,
        kind=Kind.EMPLOYER_FEEDBACK,
        actor=feedback.employer,
        url=reverse("feedback:received"),
        params={
            "feedback_id": feedback.pk,
            "organisation": getattr(profile, "organisation", ""),
            "changed": changed,
        },
    )


@receiver(share_link_opened, dispatch_uid="notify_share_link_opened")
def notify_share_link_opened(sender, link, visitor=None, **kwargs) -> None:
    """The student hears that someone opened one of their secret links (not themselves;
    visits within an hour add up on one notification)."""
    student_id = link.portfolio.student_id
    if visitor is not None and getattr(visitor, "pk", None) == student_id:
        return  # the student trying their own link
    notify(
        recipient=student_id,
        kind=Kind.SHARE_LINK_OPENED,
        # The visitor stays anonymous: a secret link is opened by whoever holds it.
        actor=None,
        url=reverse("portfolios:share-link-visits", args=[link.pk]),
        params={"link_id": link.pk, "label": link.label},
    )


def _thread_url(name: str, args: list, fallback: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the comments app's pages are not there (yet)
        return fallback


def comment_target(comment) -> tuple[int, dict, str]:
    """The student who owns what was commented on, the facts for the sentence, and where
    the thread shows (as comments' Target.page_url: the portfolio page, the post page, the
    achievement's thread page)."""
    if getattr(comment, "achievement", None) is not None:
        achievement = comment.achievement
        portfolio = achievement.portfolio
        url = _thread_url(
            "comments:achievement",
            [portfolio.slug, achievement.pk],
            reverse("portfolios:public", args=[portfolio.slug]),
        )
        return (
            portfolio.student_id,
            {"target_kind": "achievement", "target": achievement.title},
            url,
        )
    if getattr(comment, "post", None) is not None:
        post = comment.post
        portfolio = post.portfolio
        url = reverse("journal:detail", args=[portfolio.slug, post.pk])
        return portfolio.student_id, {"target_kind": "post", "target": post.title}, url
    portfolio = comment.portfolio
    url = reverse("portfolios:public", args=[portfolio.slug])
    return (
        portfolio.student_id,
        {"target_kind": "portfolio", "target": portfolio.student.display_name},
        url,
    )


@receiver(comment_posted, dispatch_uid="notifications_comment_posted")
def comment_posted_notify(sender, comment, **kwargs) -> None:
    """The owner hears of a comment, the parent's author of a reply; nobody of their own
    comment, and nobody twice."""
    owner_id, params, url = comment_target(comment)
    url = f"{url}#comment-{comment.pk}"
    params = {**params, "private": bool(getattr(comment, "is_private", False))}
    author_id = comment.author_id
    parent = getattr(comment, "parent", None)
    parent_author_id = parent.author_id if parent is not None else None
    if parent_author_id is not None and parent_author_id != author_id:
        notify(recipient=parent_author_id, kind=Kind.REPLY, actor=author_id, url=url, params=params)
    if owner_id != parent_author_id:
        notify(recipient=owner_id, kind=Kind.COMMENT, actor=author_id, url=url, params=params)


@receiver(contact_requested, dispatch_uid="notify_contact_requested")
def notify_contact_requested(sender, contact_request, **kwargs) -> None:
    """The student hears that an employer invites them to get in touch."""
    profile = getattr(contact_request.employer, "employer_profile", None)
    notify(
        recipient=contact_request.student_id,
        kind=Kind.CONTACT_REQUESTED,
        actor=contact_request.employer_id,
        url=reverse("contacts:detail", args=[contact_request.pk]),
        params={
            "contact_request_id": contact_request.pk,
            "organisation": getattr(profile, "organisation", ""),
            "purpose": contact_request.purpose,
        },
    )


@receiver(contact_answered, dispatch_uid="notify_contact_answered")
def notify_contact_answered(sender, contact_request, **kwargs) -> None:
    """The employer hears the student's answer (what was shared shows on the request's
    page only, never in an e-mail)."""
    notify(
        recipient=contact_request.employer_id,
        kind=Kind.CONTACT_ANSWERED,
        actor=contact_request.student_id,
        url=reverse("contacts:detail", args=[contact_request.pk]),
        params={
            "contact_request_id": contact_request.pk,
            "purpose": contact_request.purpose,
            "accepted": contact_request.is_accepted,
            "reply": contact_request.reply,
        },
    )
