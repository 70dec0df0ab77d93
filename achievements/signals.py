"""Files follow their rows: whatever deletes an evidence row or a portfolio (a service, a
cascade from a deleted account, the admin) deletes its stored files once committed.

Every change to a portfolio's content also bumps its content version (cached pages) and
refreshes its completeness and search document (portfolios/derived.py)."""

from django.db.models import F, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import User
from achievements.models import VERIFICATION_STATE_FIELDS, Achievement, Evidence
from core.files.storage import delete_after_commit
from portfolios.derived import portfolio_refresh, portfolio_refresh_all
from portfolios.models import Category, Portfolio


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_files_delete")
def _evidence_deleted(sender, instance: Evidence, **kwargs):
    delete_after_commit(instance.stored_names())


def _bump(portfolio_id, *, touch: bool = True) -> None:
    """Cached portfolio pages show the new content at once (see portfolio_body_html)."""
    Portfolio.objects.filter(pk=portfolio_id).update(content_version=F("content_version") + 1)
    portfolio_refresh([portfolio_id], touch=touch)


@receiver(post_save, sender=Achievement, dispatch_uid="achievement_saved_bump")
@receiver(post_delete, sender=Achievement, dispatch_uid="achievement_deleted_bump")
def _achievement_changed(sender, instance: Achievement, update_fields=None, origin=None, **kwargs):
    if _cascade_from_elsewhere(origin, Achievement):
        return  # the portfolio or the account goes with it: nothing to refresh
    # Saving only the verification state is a supervisor's decision, not a student's update.
    touch = not (update_fields and set(update_fields) <= set(VERIFICATION_STATE_FIELDS))
    _bump(instance.portfolio_id, touch=touch)


def _cascade_from_elsewhere(origin, model) -> bool:
    """Whether a post_delete comes from deleting something else (whose own signal, if
    any, refreshes what is left)."""
    if origin is None:
        return False
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return origin_model is not model


@receiver(post_save, sender=Evidence, dispatch_uid="evidence_saved_bump")
@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_deleted_bump")
def _evidence_changed(sender, instance: Evidence, origin=None, **kwargs):
    if _cascade_from_elsewhere(origin, Evidence):
        return
    portfolio_id = (
        Achievement.objects.filter(pk=instance.achievement_id)
        .values_list("portfolio_id", flat=True)
        .first()
    )
    if portfolio_id is not None:
        _bump(portfolio_id)


@receiver(m2m_changed, sender=Achievement.skills.through, dispatch_uid="achievement_skills_bump")
def _achievement_skills_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Achievement):
        _bump(instance.portfolio_id)


@receiver(post_delete, sender=Portfolio, dispatch_uid="portfolio_photo_delete")
def _portfolio_deleted(sender, instance: Portfolio, **kwargs):
    delete_after_commit([f.name for f in (instance.photo, instance.photo_thumbnail) if f])


@receiver(post_save, sender=Portfolio, dispatch_uid="portfolio_saved_refresh")
def _portfolio_saved(sender, instance: Portfolio, created, update_fields=None, **kwargs):
    # A new, empty portfolio has never been updated by its student.
    portfolio_refresh([instance.pk], touch=not created)


@receiver(m2m_changed, sender=Portfolio.skills.through, dispatch_uid="portfolio_skills_refresh")
def _portfolio_skills_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Portfolio):
        portfolio_refresh([instance.pk], touch=True)


@receiver(post_save, sender=User, dispatch_uid="user_saved_search_refresh")
def _user_saved(sender, instance: User, created, update_fields=None, **kwargs):
    """Names and the active flag are part of the search document."""
    if created or (
        update_fields and not {"first_name", "last_name", "is_active"} & set(update_fields)
    ):
        return
    portfolio_id = Portfolio.objects.filter(student=instance).values_list("pk", flat=True).first()
    if portfolio_id is not None:
        portfolio_refresh([portfolio_id], touch=False)


@receiver(pre_save, sender=Category, dispatch_uid="category_before_save")
def _category_saving(sender, instance: Category, **kwargs):
    saved = Category.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    instance._activity_changed = saved is None or saved != instance.is_active


@receiver(post_save, sender=Category, dispatch_uid="category_saved_refresh")
@receiver(post_delete, sender=Category, dispatch_uid="category_deleted_refresh")
def _category_changed(sender, instance: Category, **kwargs):
    """Switching a section on or off changes every portfolio's completeness (rare: staff
    do it in admin); renaming one changes nothing stored."""
    if getattr(instance, "_activity_changed", True):
        portfolio_refresh_all(search=False)
