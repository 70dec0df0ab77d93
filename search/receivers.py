"""The search package listens: whatever changed a portfolio's content, its figures and
search document follow, once per write (portfolios/content.py batches the marks)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import Faculty, Program, User
from portfolios.models import Category, Portfolio
from portfolios.signals import portfolio_content_changed
from search.derived import portfolio_refresh, portfolio_refresh_all


@receiver(portfolio_content_changed, dispatch_uid="search_portfolio_content_changed")
def _content_changed(sender, portfolio_ids, touched_ids, **kwargs):
    touched = set(touched_ids)
    portfolio_refresh(touched, touch=True)
    portfolio_refresh([pk for pk in portfolio_ids if pk not in touched], touch=False)


@receiver(post_save, sender=User, dispatch_uid="search_user_saved")
def _user_saved(sender, instance: User, created, update_fields=None, **kwargs):
    """Names and the active flag are part of the search document (changed in the profile
    form or the admin)."""
    if created or (
        update_fields and not {"first_name", "last_name", "is_active"} & set(update_fields)
    ):
        return
    portfolio_id = Portfolio.objects.filter(student=instance).values_list("pk", flat=True).first()
    if portfolio_id is not None:
        portfolio_refresh([portfolio_id], touch=False)


_NAMES = ("name_en", "name_ru", "name_ky")


def _names(model, pk) -> tuple | None:
    return model.objects.filter(pk=pk).values_list(*_NAMES).first() if pk else None


@receiver(pre_save, sender=Category, dispatch_uid="search_category_before_save")
def _category_saving(sender, instance: Category, **kwargs):
    saved = Category.objects.filter(pk=instance.pk).values_list("is_active", *_NAMES).first()
    instance._activity_changed = saved is None or saved[0] != instance.is_active
    instance._renamed = saved is not None and saved[1:] != tuple(
        getattr(instance, name) for name in _NAMES
    )


@receiver(post_save, sender=Category, dispatch_uid="search_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="search_category_deleted")
def _category_changed(sender, instance: Category, **kwargs):
    """Switching a section on or off changes every portfolio's completeness; renaming one
    changes the search documents, which hold the sections' names (rare: staff do both
    in admin)."""
    if getattr(instance, "_activity_changed", True):
        portfolio_refresh_all(search=getattr(instance, "_renamed", False))
    elif getattr(instance, "_renamed", False):
        portfolio_refresh_all()


@receiver(pre_save, sender=Program, dispatch_uid="search_program_before_save")
@receiver(pre_save, sender=Faculty, dispatch_uid="search_faculty_before_save")
def _names_saving(sender, instance, **kwargs):
    instance._renamed = _names(sender, instance.pk) not in (
        None,
        tuple(getattr(instance, name) for name in _NAMES),
    )


@receiver(post_save, sender=Program, dispatch_uid="search_program_saved")
@receiver(post_save, sender=Faculty, dispatch_uid="search_faculty_saved")
def _names_changed(sender, instance, **kwargs):
    """The search documents hold the names of their student's program and faculty."""
    if not getattr(instance, "_renamed", False):
        return
    students = User.objects.filter(
        **({"program": instance} if sender is Program else {"program__faculty": instance})
    )
    portfolio_ids = Portfolio.objects.filter(student__in=students).values_list("pk", flat=True)
    ids = list(portfolio_ids)
    for start in range(0, len(ids), 2000):
        portfolio_refresh(ids[start : start + 2000], touch=False)
