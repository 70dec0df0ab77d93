"""Files follow their rows, and every change of a post moves the portfolio's content
version so cached portfolio pages show it at once (as achievements/signals.py does)."""

from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.files.storage import delete_after_commit
from journal.models import Post, PostAttachment
from portfolios.derived import portfolio_refresh
from portfolios.models import Portfolio


def _bump(portfolio_id) -> None:
    Portfolio.objects.filter(pk=portfolio_id).update(content_version=F("content_version") + 1)
    portfolio_refresh([portfolio_id], touch=True)


def _cascade_from_elsewhere(origin, model) -> bool:
    if origin is None:
        return False
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return origin_model is not model


@receiver(post_delete, sender=PostAttachment, dispatch_uid="post_attachment_files_delete")
def _attachment_deleted(sender, instance: PostAttachment, **kwargs):
    delete_after_commit(instance.stored_names())


@receiver(post_save, sender=Post, dispatch_uid="post_saved_bump")
@receiver(post_delete, sender=Post, dispatch_uid="post_deleted_bump")
def _post_changed(sender, instance: Post, origin=None, **kwargs):
    if _cascade_from_elsewhere(origin, Post):
        return  # the portfolio or the account goes with it
    _bump(instance.portfolio_id)


@receiver(post_save, sender=PostAttachment, dispatch_uid="post_attachment_saved_bump")
@receiver(post_delete, sender=PostAttachment, dispatch_uid="post_attachment_deleted_bump")
def _attachment_changed(sender, instance: PostAttachment, origin=None, **kwargs):
    if _cascade_from_elsewhere(origin, PostAttachment):
        return
    portfolio_id = (
        Post.objects.filter(pk=instance.post_id).values_list("portfolio_id", flat=True).first()
    )
    if portfolio_id is not None:
        _bump(portfolio_id)
