"""What other apps' services call when something happened that someone should hear of.
Each turns the app's object into a notification (who, the facts, where it leads), so the
services themselves change by one line."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Kind
from notifications.services import notify


def notify_review_released(*, review) -> None:
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


def notify_verification_decided(*, achievement, supervisor, verified: bool, reason: str) -> None:
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


def notify_employer_feedback(*, feedback, changed: bool) -> None:
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


def notify_share_link_opened(*, link, visitor=None) -> None:
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
