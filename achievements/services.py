"""Writes for achievements and their evidence."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.models import VERIFICATION_STATE_FIELDS, Achievement, Evidence
from analytics.models import ActivityKind
from analytics.services import activity_record
from core.files.quota import storage_reserve
from core.files.storage import StoredFiles
from core.files.uploads import Kind, PreparedFile, classify_link
from portfolios.models import Portfolio
from portfolios.services import skills_resolve

# What a supervisor vouches for (feedback/services/verification.py).
VERIFIED_FIELDS = ("title", "start_date", "end_date", "organisation", "result")

ACHIEVEMENT_FIELDS = (
    "category", "title", "description", "start_date", "end_date", "organisation", "level",
    "result", "grade", "url", "visibility", "featured", "comments_enabled",
)  # fmt: skip


def _record(achievement: Achievement, kind: str, *, obj=None) -> None:
    """The student's change goes into the activity log (analytics)."""
    obj = obj if obj is not None else achievement
    activity_record(
        student_id=achievement.portfolio.student_id,
        actor_id=achievement.portfolio.student_id,
        kind=kind,
        object_id=obj.pk,
        label=str(obj),
    )


def _record_evidence(achievement: Achievement, created: list[Evidence]) -> None:
    for evidence in created:
        _record(achievement, ActivityKind.EVIDENCE_ADDED, obj=evidence)


def _next_order(queryset) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown achievement fields: {sorted(unknown)}")


def achievement_create(
    *,
    portfolio: Portfolio,
    skills: list[str] | None = None,
    files: list[PreparedFile] | None = None,
    captions: list[str] | None = None,
    **fields,
) -> Achievement:
    """Create an achievement with its evidence; on any failure no row and no file remain."""
    _check_fields(fields)
    fields.setdefault("visibility", portfolio.default_visibility)
    with StoredFiles() as stored, transaction.atomic():
        storage_reserve(portfolio, files or [])
        achievement = Achievement(portfolio=portfolio, **fields)
        achievement.order = _next_order(
            Achievement.objects.filter(portfolio=portfolio, category=achievement.category)
        )
        achievement_check_grade(achievement)
        achievement.full_clean()
        achievement.save()
        achievement.skills.set(skills_resolve(skills or []))
        created = evidence_store(stored, achievement, files or [], captions or [])
        _record(achievement, ActivityKind.ACHIEVEMENT_CREATED)
        _record_evidence(achievement, created)
    return achievement


def achievement_update(
    *,
    achievement: Achievement,
    skills: list[str] | None = None,
    files: list[PreparedFile] | None = None,
    captions: list[str] | None = None,
    **fields,
) -> Achievement:
    _check_fields(fields)
    with StoredFiles() as stored, transaction.atomic():
        storage_reserve(achievement.portfolio, files or [])
        # A bound ModelForm has already set the new values on the instance: compare with
        # what is saved.
        # Locked, so a supervisor's decision cannot land between reading and saving; the
        # verification state is taken from the row, not from this (older) instance.
        saved = (
            Achievement.objects.select_for_update(of=("self",))
            .filter(pk=achievement.pk)
            .values("category_id", *VERIFIED_FIELDS, *VERIFICATION_STATE_FIELDS)
            .get()
        )
        for name in VERIFICATION_STATE_FIELDS:
            setattr(achievement, Achievement._meta.get_field(name).attname, saved[name])
        moved = "category" in fields and fields["category"].pk != saved["category_id"]
        for name, value in fields.items():
            setattr(achievement, name, value)
        if moved:
            achievement.order = _next_order(
                Achievement.objects.filter(
                    portfolio_id=achievement.portfolio_id, category=achievement.category
                )
            )
        achievement_check_grade(achievement)
        achievement.full_clean()
        achievement.save()
        if skills is not None:
            achievement.skills.set(skills_resolve(skills))
        created = evidence_store(stored, achievement, files or [], captions or [])
        _record(achievement, ActivityKind.ACHIEVEMENT_UPDATED)
        _record_evidence(achievement, created)
        from feedback.services.verification import (
            verification_reset_if_changed,
            verification_withdraw_if_hidden,
        )

        verification_withdraw_if_hidden(achievement=achievement)
        reason = verification_reset_if_changed(
            achievement=achievement, before=saved, actor=achievement.portfolio.student_id
        )
        if not reason and files:
            reason = _reset_for_evidence(achievement)
    achievement.verification_reset_reason = reason
    return achievement


def _reset_for_evidence(achievement: Achievement) -> str:
    """New or removed evidence changes what a supervisor vouched for."""
    from feedback.services.verification import verification_reset

    return verification_reset(
        achievement=achievement,
        actor=achievement.portfolio.student_id,
        reason=_("You changed the evidence files."),
    )


def achievement_check_grade(achievement: Achievement) -> None:
    """Grades belong to academic items only (the form says so too; import relies on this)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if achievement.grade and not achievement.category.allows_grade:
        raise ValidationError({"grade": _("Only academic items have a grade.")})


@transaction.atomic
def achievement_delete(*, achievement: Achievement) -> None:
    """Its evidence rows go with it; their files are deleted after commit (signals.py)."""
    activity_record(
        student_id=achievement.portfolio.student_id,
        actor_id=achievement.portfolio.student_id,
        kind=ActivityKind.ACHIEVEMENT_DELETED,
        object_id=achievement.pk,
        label=achievement.title,
    )
    achievement.delete()


@transaction.atomic
def achievement_move(*, achievement: Achievement, direction: str) -> None:
    """Swap with the neighbour above ("up") or below ("down") in the same section."""
    siblings = list(
        Achievement.objects.select_for_update()
        .filter(portfolio_id=achievement.portfolio_id, category_id=achievement.category_id)
        .order_by("order", "-start_date", "pk")
    )
    index = next(i for i, item in enumerate(siblings) if item.pk == achievement.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])


def evidence_store(
    stored: StoredFiles, achievement: Achievement, files, captions
) -> list[Evidence]:
    """Store prepared files as evidence rows, inside the caller's transaction and
    ``StoredFiles`` block (so a failure leaves neither rows nor files)."""
    order = _next_order(achievement.evidence.all())
    return [
        Evidence.create_from_prepared(
            stored,
            item,
            achievement=achievement,
            order=order + position,
            caption=(captions[position] if position < len(captions) else "")[:200],
        )  # fmt: skip
        for position, item in enumerate(files)
    ]


def evidence_attach(
    *, achievement: Achievement, files: list[PreparedFile], captions: list[str] | None = None
) -> list[Evidence]:
    with StoredFiles() as stored, transaction.atomic():
        storage_reserve(achievement.portfolio, files)
        created = evidence_store(stored, achievement, files, captions or [])
        _touch(achievement)
        _reset_for_evidence(achievement)
        _record_evidence(achievement, created)
    return created


def _touch(achievement: Achievement) -> None:
    """Evidence changes are changes of the achievement: its "updated" time moves."""
    Achievement.objects.filter(pk=achievement.pk).update(updated_at=timezone.now())


@transaction.atomic
def evidence_add_link(*, achievement: Achievement, url: str, caption: str = "") -> Evidence:
    evidence = Evidence(
        achievement=achievement,
        kind=Kind.LINK,
        external_url=classify_link(url),
        caption=caption[:200],
        order=_next_order(achievement.evidence.all()),
    )
    evidence.full_clean()
    evidence.save()
    _touch(achievement)
    _reset_for_evidence(achievement)
    _record(achievement, ActivityKind.EVIDENCE_ADDED, obj=evidence)
    return evidence


@transaction.atomic
def evidence_update_caption(*, evidence: Evidence, caption: str) -> Evidence:
    evidence.caption = caption[:200]
    evidence.full_clean()
    evidence.save(update_fields=["caption"])
    _touch(evidence.achievement)
    _record(evidence.achievement, ActivityKind.EVIDENCE_UPDATED, obj=evidence)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence) -> None:
    """The files are deleted after commit (signals.py)."""
    _record(evidence.achievement, ActivityKind.EVIDENCE_DELETED, obj=evidence)
    evidence.delete()
    _touch(evidence.achievement)
    _reset_for_evidence(evidence.achievement)
