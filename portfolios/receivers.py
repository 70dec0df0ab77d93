"""The portfolios app listens to the accounts app below it, and keeps the admin's and
cascades' changes of portfolios on the one refresh path (portfolios/content.py).

Services mark their changes themselves; these model-signal receivers only catch the writes
that do not go through a service (Django admin, deletions cascading from an account). Inside
a service's ``content_batch`` their marks fold into the one flush."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.signals import student_created
from core.files.storage import delete_after_commit
from portfolios.content import content_changed
from portfolios.models import Portfolio
from portfolios.services import portfolio_create


@receiver(student_created, dispatch_uid="portfolios_student_created")
def _student_created(sender, user: User, **kwargs):
    """Every student has exactly one portfolio, made with the account."""
    portfolio_create(student=user)


@receiver(post_delete, sender=Portfolio, dispatch_uid="portfolio_photo_delete")
def _portfolio_deleted(sender, instance: Portfolio, **kwargs):
    delete_after_commit([f.name for f in (instance.photo, instance.photo_thumbnail) if f])


@receiver(post_save, sender=Portfolio, dispatch_uid="portfolio_saved_refresh")
def _portfolio_saved(sender, instance: Portfolio, created, **kwargs):
    # A new, empty portfolio has never been updated by its student.
    content_changed(instance.pk, touch=not created)


@receiver(m2m_changed, sender=Portfolio.skills.through, dispatch_uid="portfolio_skills_refresh")
def _portfolio_skills_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Portfolio):
        content_changed(instance.pk)
