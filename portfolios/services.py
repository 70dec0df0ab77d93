"""Writes for portfolios: creation with the account, profile edits, skills, share links."""

from __future__ import annotations

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import markdown
from core.files.storage import StoredFiles, delete_after_commit, extension_of
from core.files.uploads import Kind, PreparedFile
from portfolios.content import content_batch, content_changed
from portfolios.models import Portfolio, ShareLink, ShareLinkVisit, Skill
from portfolios.signals import profile_updated, share_link_opened

RESERVED_SLUGS = {"admin", "api", "static", "media", "files", "new", "edit", "share", "preview"}


def _slug_base(username: str) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", username.lower()).strip("-")
    base = re.sub(r"-{2,}", "-", base)[:36].strip("-")
    if len(base) < 3 or base in RESERVED_SLUGS:
        base = f"student-{base}".strip("-")[:36]
    return base


PHOTO_BOX = 1600


def _free_slug(base: str) -> str:
    taken = set(Portfolio.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def portfolio_get_or_create(*, student) -> Portfolio:
    """Every student has exactly one portfolio, made with the account."""
    existing = Portfolio.objects.filter(student=student).first()
    if existing is not None:
        return existing
    return portfolio_create(student=student)


@transaction.atomic
def portfolio_create(*, student) -> Portfolio:
    """The student's portfolio at the first free address made from the username. Two
    sign-ups may race for the same address, or two requests for the same student: the
    loser of the first race tries the next address, the loser of the second takes the
    portfolio the winner made."""
    base = _slug_base(student.username)
    for _attempt in range(5):
        portfolio = Portfolio(student=student, slug=_free_slug(base))
        portfolio.full_clean()
        try:
            with transaction.atomic():
                portfolio.save()
        except IntegrityError:
            existing = Portfolio.objects.filter(student=student).first()
            if existing is not None:
                return existing
            continue
        return portfolio
    raise IntegrityError(f"no free portfolio address for {student.username!r}")


def skills_resolve(names: list[str]) -> list[Skill]:
    """Normalised skills for the given names, creating the new ones."""
    skills: dict[str, Skill] = {}
    for raw in names:
        display, key = Skill.normalise(raw)
        if not key or key in skills:
            continue
        skill, _created = Skill.objects.get_or_create(key=key, defaults={"name": display})
        skills[key] = skill
    return list(skills.values())


PROFILE_FIELDS = (
    "slug", "headline", "about", "interests", "show_email", "phone", "website", "linkedin",
    "github", "telegram", "open_to_work", "visibility", "default_visibility", "noindex",
    "comments_enabled",
)  # fmt: skip


def portfolio_update(
    *,
    portfolio: Portfolio,
    skills: list[str],
    photo: PreparedFile | None = None,
    remove_photo: bool = False,
    **fields,
) -> Portfolio:
    """Save the profile. A new photo replaces the old one; the old files go after commit,
    the new ones are deleted again if anything fails."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown portfolio fields: {sorted(unknown)}")
    if photo is not None and photo.kind != Kind.IMAGE:
        raise ValueError("a portfolio photo must be an image")
    markdown.render_ahead(portfolio, "about", fields.get("about", portfolio.about))  # unlocked
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        # The names on disk now, read under a lock (another tab may have replaced them).
        saved = (
            Portfolio.objects.select_for_update()
            .filter(pk=portfolio.pk)
            .values_list("photo", "photo_thumbnail")
            .first()
        )
        old_names = [name for name in saved or () if name]
        for name, value in fields.items():
            setattr(portfolio, name, value)
        portfolio.telegram = portfolio.telegram.lstrip("@")
        if photo is not None:
            # A photo small enough is kept as prepared (its checksum survives export and
            # import); a larger one is stored at display size.
            fits = (photo.width or 0) <= PHOTO_BOX and (photo.height or 0) <= PHOTO_BOX
            main = photo.content if fits or photo.display is None else photo.display
            thumbnail = photo.thumbnail or photo.content
            stored.save(portfolio.photo, main, folder="photos", label=photo.display_name,
                        extension=extension_of(main, photo.extension))  # fmt: skip
            stored.save(portfolio.photo_thumbnail, thumbnail, folder="photos",
                        label=photo.display_name,
                        extension=extension_of(thumbnail, photo.extension))  # fmt: skip
        elif remove_photo:
            portfolio.photo = ""
            portfolio.photo_thumbnail = ""
        portfolio.full_clean()
        portfolio.save()
        portfolio.skills.set(skills_resolve(skills))
        if photo is not None or remove_photo:
            delete_after_commit(old_names)
        content_changed(portfolio.pk)
        profile_updated.send(sender=Portfolio, portfolio=portfolio)
    return portfolio


@transaction.atomic
def share_link_create(
    *, portfolio: Portfolio, label: str, expires_at: datetime | None = None
) -> ShareLink:
    link = ShareLink(portfolio=portfolio, label=label, expires_at=expires_at)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def share_link_revoke(*, link: ShareLink) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def share_link_record_visit(
    *, link: ShareLink, user_agent: str = "", visitor=None
) -> ShareLinkVisit:
    """Log the visit; the student is told, unless ``visitor`` (signed in) is the student."""
    visit = ShareLinkVisit.objects.create(link=link, user_agent=user_agent[:200])
    share_link_opened.send(sender=ShareLink, link=link, visitor=visitor)
    return visit
