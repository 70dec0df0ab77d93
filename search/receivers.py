"""The search package listens: whatever changed a portfolio's content, its figures and
search document follow, once per write (portfolios/content.py batches the marks)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import User
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


@receiver(pre_save, sender=Category, dispatch_uid="search_category_before_save")
def _category_saving(sender, instance: Category, **kwargs):
    saved = Category.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    instance._activity_changed = saved is None or saved != instance.is_active


@receiver(post_save, sender=Category, dispatch_uid="search_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="search_category_deleted")
def _category_changed(sender, instance: Category, **kwargs):
    """Switching a section on or off changes every portfolio's completeness (rare: staff
    do it in admin); renaming one changes nothing stored."""
    if getattr(instance, "_activity_changed", True):
        portfolio_refresh_all(search=False)
