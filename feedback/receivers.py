"""The feedback app listens to the achievements app: the verification rules live here
with the list of what a supervisor vouches for (services/verification.py), applied in the
transaction of the student's change."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from achievements.signals import achievement_saved, evidence_changed
from feedback.services.verification import (
    verification_reset,
    verification_reset_if_changed,
    verification_withdraw_if_hidden,
)


@receiver(achievement_saved, dispatch_uid="feedback_achievement_saved")
def _achievement_saved(sender, achievement, created, before=None, evidence_added=(), **kwargs):
    """An edit may remove a verification: a pending request for an item now hidden from
    supervisors is withdrawn; a change to what was verified, or new evidence, resets it.
    Returns why, for the student."""
    if created:
        return ""
    student_id = achievement.portfolio.student_id
    verification_withdraw_if_hidden(achievement=achievement)
    reason = verification_reset_if_changed(achievement=achievement, before=before, actor=student_id)
    if not reason and evidence_added:
        reason = _evidence_reset(achievement)
    return reason


@receiver(evidence_changed, dispatch_uid="feedback_evidence_changed")
def _evidence_changed(sender, achievement, added=(), removed=(), **kwargs):
    """New or removed evidence changes what a supervisor vouched for (a caption does not)."""
    if added or removed:
        return _evidence_reset(achievement)
    return ""


def _evidence_reset(achievement) -> str:
    return verification_reset(
        achievement=achievement,
        actor=achievement.portfolio.student_id,
        reason=_("You changed the evidence files."),
    )
