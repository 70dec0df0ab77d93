"""Writes for verification: a student asks, a supervisor decides, a change resets it.
Every step is kept as a VerificationEvent (the audit trail)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SupervisorAssignment, User
from achievements.models import VERIFICATION_STATE_FIELDS, Achievement, VerificationStatus
from feedback.models import VerificationEvent
from feedback.signals import verification_decided
from portfolios.models import Visibility

# What a supervisor vouches for: changing one of these (or the evidence files) removes a
# verification (receivers.py applies the rule when an achievement or its evidence changes).
VERIFIED_FIELDS = ("title", "start_date", "end_date", "organisation", "result")


def _record(achievement: Achievement, *, actor: User | int | None, action: str, reason: str = ""):
    """``actor`` is a user or a user id (the student, when their own edit resets it)."""
    return VerificationEvent.objects.create(
        achievement=achievement,
        achievement_title=achievement.title[:200],
        student_id=achievement.portfolio.student_id,
        actor_id=getattr(actor, "pk", actor),
        action=action,
        reason=reason,
    )


def _lock(achievement: Achievement) -> Achievement:
    """The achievement's row, locked for this transaction, with its current state."""
    return (
        Achievement.objects.select_for_update(of=("self",))
        .select_related("portfolio")
        .get(pk=achievement.pk)
    )


def version_of(achievement: Achievement) -> str:
    """What a supervisor saw: the item's last change. A decision sent with an older
    version is refused (the student changed it in between)."""
    return achievement.updated_at.isoformat()


@transaction.atomic
def verification_request(*, achievement: Achievement, student: User) -> Achievement:
    """The student asks their supervisors to verify ``achievement``."""
    achievement = _lock(achievement)
    if achievement.verification_status in (VerificationStatus.PENDING, VerificationStatus.VERIFIED):
        return achievement
    if not SupervisorAssignment.objects.filter(student=student).exists():
        raise ValidationError(
            _("You have no supervisor yet, so nobody can verify this. Ask your dean’s office."),
            code="no_supervisor",
        )
    if achievement.portfolio.visibility < Visibility.SUPERVISORS:
        raise ValidationError(
            _(
                "Your supervisors cannot see your page: it is visible only to you. "
                "Show it to your supervisors first."
            ),
            code="hidden_page",
        )
    if achievement.visibility < Visibility.SUPERVISORS:
        raise ValidationError(
            _(
                "Your supervisors cannot see this item: it is visible only to you. "
                "Show it to your supervisors first."
            ),
            code="hidden",
        )
    achievement.verification_status = VerificationStatus.PENDING
    achievement.verification_requested_at = timezone.now()
    achievement.verification_note = ""
    achievement.save(update_fields=VERIFICATION_STATE_FIELDS)
    _record(achievement, actor=student, action=VerificationEvent.Action.REQUESTED)
    return achievement


@transaction.atomic
def verification_withdraw(*, achievement: Achievement, student: User) -> Achievement:
    achievement = _lock(achievement)
    if achievement.verification_status != VerificationStatus.PENDING:
        return achievement
    achievement.verification_status = VerificationStatus.NONE
    achievement.verification_requested_at = None
    achievement.save(update_fields=VERIFICATION_STATE_FIELDS)
    _record(achievement, actor=student, action=VerificationEvent.Action.WITHDRAWN)
    return achievement


@transaction.atomic
def verification_decide(
    *,
    achievement: Achievement,
    supervisor: User,
    verify: bool,
    reason: str = "",
    version: str | None = None,
) -> Achievement:
    """Verify a pending request, or decline it with a reason the student reads.
    ``version`` is what the supervisor saw (``version_of``): if the student has changed
    the item since, the decision is refused and the supervisor looks again."""
    achievement = _lock(achievement)
    if achievement.verification_status != VerificationStatus.PENDING:
        raise ValidationError(
            _("This request has already been decided or withdrawn."), code="not_pending"
        )
    if version is not None and version != version_of(achievement):
        raise ValidationError(
            _("The student changed this achievement after you opened the page. Check it again."),
            code="changed",
        )
    reason = reason.strip()
    if verify:
        achievement.verification_status = VerificationStatus.VERIFIED
        achievement.verified_by = supervisor
        achievement.verified_at = timezone.now()
        achievement.verification_note = ""
        action = VerificationEvent.Action.VERIFIED
    else:
        if not reason:
            raise ValidationError(
                {"reason": _("Say why, so the student knows what to fix.")}, code="reason"
            )
        achievement.verification_status = VerificationStatus.DECLINED
        achievement.verified_by = None
        achievement.verified_at = None
        achievement.verification_note = reason
        action = VerificationEvent.Action.DECLINED
    achievement.save(update_fields=VERIFICATION_STATE_FIELDS)
    _record(achievement, actor=supervisor, action=action, reason=reason)
    verification_decided.send(
        sender=Achievement, achievement=achievement, supervisor=supervisor, verified=verify,
        reason=reason,
    )  # fmt: skip
    return achievement


def verification_withdraw_if_hidden(*, achievement: Achievement) -> bool:
    """A pending request for an item the student has since hidden from their supervisors
    is withdrawn: supervisors cannot check what they cannot see."""
    if (
        achievement.verification_status != VerificationStatus.PENDING
        or achievement.visibility >= Visibility.SUPERVISORS
    ):
        return False
    achievement.verification_status = VerificationStatus.NONE
    achievement.verification_requested_at = None
    achievement.save(update_fields=VERIFICATION_STATE_FIELDS)
    _record(
        achievement, actor=achievement.portfolio.student_id,
        action=VerificationEvent.Action.WITHDRAWN,
        reason=_("The item was made visible only to you."),
    )  # fmt: skip
    return True


def verification_reset_if_changed(
    *, achievement: Achievement, before: dict, actor: User | int | None
) -> str:
    """After an edit: if the achievement was verified and something the supervisor
    vouched for changed, remove the verification and say why. Returns the reason, or ""."""
    changed = [name for name in VERIFIED_FIELDS if before.get(name) != getattr(achievement, name)]
    if not changed:
        return ""
    labels = ", ".join(str(Achievement._meta.get_field(name).verbose_name) for name in changed)
    return verification_reset(
        achievement=achievement,
        actor=actor,
        reason=_("You changed what was verified (%(fields)s).") % {"fields": labels},
    )


def verification_reset(*, achievement: Achievement, actor: User | int | None, reason: str) -> str:
    """Remove a verification (or a pending request stays pending: the supervisor has not
    vouched for anything yet). Returns the reason when something was reset."""
    if achievement.verification_status != VerificationStatus.VERIFIED:
        return ""
    achievement.verification_status = VerificationStatus.NONE
    achievement.verified_by = None
    achievement.verified_at = None
    achievement.verification_requested_at = None
    achievement.verification_note = reason
    achievement.save(update_fields=VERIFICATION_STATE_FIELDS)
    _record(achievement, actor=actor, action=VerificationEvent.Action.RESET, reason=reason)
    return reason
