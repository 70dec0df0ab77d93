"""Model signals of the journal app, for what does not go through a service: files follow
their rows, and a change made in the admin still reaches the portfolio's one refresh path
(portfolios/content.py; inside a service's batch these marks fold into its single flush)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.files.storage import delete_after_commit
from core.signals import deleted_by_cascade
from journal.models import Post, PostAttachment
from portfolios.content import content_changed


@receiver(post_delete, sender=PostAttachment, dispatch_uid="post_attachment_files_delete")
def _attachment_deleted(sender, instance: PostAttachment, **kwargs):
    delete_after_commit(instance.stored_names())


@receiver(post_save, sender=Post, dispatch_uid="post_saved_bump")
@receiver(post_delete, sender=Post, dispatch_uid="post_deleted_bump")
def _post_changed(sender, instance: Post, origin=None, **kwargs):
    if deleted_by_cascade(origin, Post):
        return  # the portfolio or the account goes with it
    content_changed(instance.portfolio_id)


@receiver(post_save, sender=PostAttachment, dispatch_uid="post_attachment_saved_bump")
@receiver(post_delete, sender=PostAttachment, dispatch_uid="post_attachment_deleted_bump")
def _attachment_changed(sender, instance: PostAttachment, origin=None, **kwargs):
    if deleted_by_cascade(origin, PostAttachment):
        return
    content_changed(instance.post.portfolio_id)
