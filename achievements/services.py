"""Writes for achievements and their evidence.

Each service writes its rows, marks the portfolio changed (one refresh at the end of the
write: portfolios/content.py) and sends the app's signal (signals.py) for what other apps do
with it: analytics records the activity, feedback applies the verification rules."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.models import VERIFICATION_STATE_FIELDS, Achievement, Evidence
from achievements.signals import achievement_deleted, achievement_saved, evidence_changed
from core import markdown
from core.files.quota import storage_reserve
from core.files.storage import StoredFiles
from core.files.uploads import Kind, PreparedFile, classify_link
from portfolios.content import content_batch, content_changed
from portfolios.models import Portfolio
from portfolios.services import skills_resolve

ACHIEVEMENT_FIELDS = (
    "category", "title", "description", "start_date", "end_date", "organisation", "level",
    "result", "grade", "url", "visibility", "featured", "comments_enabled",
)  # fmt: skip
# What ``achievement_saved`` passes as ``before`` (besides the category and the state).
SAVED_FIELDS = tuple(name for name in ACHIEVEMENT_FIELDS if name != "category")


class EditConflict(ValidationError):
    """The achievement was saved by someone else (another tab) after the form was opened;
    ``version`` is the saved one, which a form carries to save over it deliberately."""

    def __init__(self, version: str):
        super().__init__(
            _(
                "This achievement was changed in another tab or window after you opened it, "
                "so nothing was saved. Your version is below (files you chose must be chosen "
                "again): compare it with the saved one, then save again to replace it."
            ),
            code="changed",
        )
        self.version = version


def edit_version(values: dict, skill_ids) -> str:
    """What an edit form saw of an achievement: its form fields (``values`` by attribute
    name, ``category_id`` for the section) and its skills. Evidence, order and verification
    are left out: the form does not overwrite them, so changing them is no conflict."""
    seen = {name: str(values[name]) for name in ("category_id", *SAVED_FIELDS)}
    seen["skills"] = sorted(skill_ids)
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()[:32]


def achievement_edit_version(achievement: Achievement, skills) -> str:
    """``edit_version`` of a saved achievement as loaded (``skills``: its Skill rows)."""
    values = {name: getattr(achievement, name) for name in SAVED_FIELDS}
    return edit_version({**values, "category_id": achievement.category_id},
                        [skill.pk for skill in skills])  # fmt: skip


def _check_version(achievement, version: str, saved: dict, fields: dict, skills) -> None:
    """Refuse a save over changes made since ``version`` was read, unless it saves exactly
    what is there now (a double click: the first submission already saved it)."""
    current = edit_version(saved, list(achievement.skills.values_list("pk", flat=True)))
    if version == current:
        return
    wanted = {**saved, **{name: value for name, value in fields.items() if name != "category"}}
    if "category" in fields:
        wanted["category_id"] = fields["category"].pk
    wanted_skills = (
        [skill.pk for skill in skills_resolve(skills)]
        if skills is not None
        else list(achievement.skills.values_list("pk", flat=True))
    )
    if edit_version(wanted, wanted_skills) != current:
        raise EditConflict(current)


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
    achievement = Achievement(portfolio=portfolio, **fields)
    markdown.render_ahead(achievement, "description")  # before the quota locks the portfolio
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(portfolio, files or [])
        achievement.order = _next_order(
            Achievement.objects.filter(portfolio=portfolio, category=achievement.category)
        )
        achievement_check_grade(achievement)
        achievement.full_clean()
        achievement.save()
        achievement.skills.set(skills_resolve(skills or []))
        created = evidence_store(stored, achievement, files or [], captions or [])
        content_changed(portfolio.pk)
        achievement_saved.send(
            sender=Achievement, achievement=achievement, created=True, before=None,
            evidence_added=created,
        )  # fmt: skip
    return achievement


def achievement_update(
    *,
    achievement: Achievement,
    skills: list[str] | None = None,
    files: list[PreparedFile] | None = None,
    captions: list[str] | None = None,
    version: str | None = None,
    **fields,
) -> Achievement:
    """Save the edit form's ``fields``. With ``version`` (``achievement_edit_version`` when
    the form was opened), a save over changes made since is refused (``EditConflict``)."""
    _check_fields(fields)
    # Rendered before the row locks below (a bound form has set it on the instance).
    markdown.render_ahead(
        achievement, "description", fields.get("description", achievement.description)
    )
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(achievement.portfolio, files or [])
        # A bound ModelForm has already set the new values on the instance: compare with
        # what is saved (listeners get it as ``before``).
        # Locked, so a supervisor's decision cannot land between reading and saving; the
        # verification state is taken from the row, not from this (older) instance.
        saved = (
            Achievement.objects.select_for_update(of=("self",))
            .filter(pk=achievement.pk)
            .values("category_id", *SAVED_FIELDS, *VERIFICATION_STATE_FIELDS)
            .get()
        )
        if version is not None:
            _check_version(achievement, version, saved, fields, skills)
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
        content_changed(achievement.portfolio_id)
        notes = achievement_saved.send(
            sender=Achievement, achievement=achievement, created=False, before=saved,
            evidence_added=created,
        )  # fmt: skip
    # Why a verification was removed, if a listener removed it (feedback's rules).
    achievement.verification_reset_reason = _first_note(notes)
    return achievement


def _first_note(responses) -> str:
    """The first sentence a receiver returned for the student (see signals.py)."""
    return next((note for _receiver, note in responses if isinstance(note, str) and note), "")


def achievement_check_grade(achievement: Achievement) -> None:
    """Grades belong to academic items only (the form says so too; import relies on this)."""
    from django.core.exceptions import ValidationError

    if achievement.grade and not achievement.category.allows_grade:
        raise ValidationError({"grade": _("Only academic items have a grade.")})


def achievement_delete(*, achievement: Achievement) -> None:
    """Its evidence rows go with it; their files are deleted after commit (receivers.py)."""
    with transaction.atomic(), content_batch():
        achievement_deleted.send(sender=Achievement, achievement=achievement)
        content_changed(achievement.portfolio_id)
        achievement.delete()


def achievement_move(*, achievement: Achievement, direction: str) -> None:
    with transaction.atomic(), content_batch():
        _achievement_move(achievement, direction)
        content_changed(achievement.portfolio_id)


def _achievement_move(achievement: Achievement, direction: str) -> None:
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
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(achievement.portfolio, files)
        created = evidence_store(stored, achievement, files, captions or [])
        _evidence_changed(achievement, added=created)
    return created


def _evidence_changed(achievement: Achievement, *, added=(), updated=(), removed=()) -> None:
    """Evidence changes are changes of the achievement: its "updated" time moves, the
    portfolio is refreshed once, and listeners hear of it (inside the caller's batch)."""
    Achievement.objects.filter(pk=achievement.pk).update(updated_at=timezone.now())
    content_changed(achievement.portfolio_id)
    evidence_changed.send(
        sender=Evidence, achievement=achievement, added=list(added), updated=list(updated),
        removed=list(removed),
    )  # fmt: skip


def evidence_add_link(*, achievement: Achievement, url: str, caption: str = "") -> Evidence:
    with transaction.atomic(), content_batch():
        evidence = Evidence(
            achievement=achievement,
            kind=Kind.LINK,
            external_url=classify_link(url),
            caption=caption[:200],
            order=_next_order(achievement.evidence.all()),
        )
        evidence.full_clean()
        evidence.save()
        _evidence_changed(achievement, added=[evidence])
    return evidence


def evidence_update_caption(*, evidence: Evidence, caption: str) -> Evidence:
    with transaction.atomic(), content_batch():
        evidence.caption = caption[:200]
        evidence.full_clean()
        evidence.save(update_fields=["caption"])
        _evidence_changed(evidence.achievement, updated=[evidence])
    return evidence


def evidence_delete(*, evidence: Evidence) -> None:
    """The files are deleted after commit (receivers.py). Listeners hear of the removal
    before the row goes (they may still read it)."""
    with transaction.atomic(), content_batch():
        _evidence_changed(evidence.achievement, removed=[evidence])
        evidence.delete()
