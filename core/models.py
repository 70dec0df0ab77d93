"""The abstract stored-file model: a file a user uploaded (achievement evidence, a journal
post's attachment), checked by core.files.uploads, written by core.files.storage and
served by core.files.delivery. No concrete models live here."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.files.storage import StoredFiles, evidence_upload_to, extension_of
from core.files.types import Kind
from core.files.uploads import PreparedFile, stored_size


class StoredFile(models.Model):
    """An uploaded file with its display copy and thumbnail (images), what it is and what
    it takes in storage.

    A concrete subclass names, in ``quota_owner``, the lookup from its rows to the owner
    whose storage quota they count against (e.g. ``"achievement__portfolio"``): the
    quota (core.files.quota) sums ``stored_bytes`` over every subclass."""

    quota_owner: str  # set by every concrete subclass
    storage_folder = "evidence"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=200)
    display_file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=200)
    thumbnail_file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=150, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    stored_bytes = models.PositiveBigIntegerField(
        _("stored bytes"), default=0, help_text=_("The file with its display copy and thumbnail.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def stored_names(self) -> list[str]:
        return [f.name for f in (self.file, self.display_file, self.thumbnail_file) if f]

    @classmethod
    def create_from_prepared(cls, stored: StoredFiles, item: PreparedFile, **fields):
        """A row for a prepared file: its copies written through ``stored`` (the caller's
        ``StoredFiles`` block, inside its transaction, so a failure leaves neither rows
        nor files), then checked and saved. ``fields``: the owner, order and the like."""
        upload = cls(
            kind=item.kind,
            original_name=item.display_name,
            content_type=item.content_type,
            size=item.size,
            stored_bytes=stored_size(item),
            sha256=item.sha256,
            width=item.width,
            height=item.height,
            **fields,
        )
        copies = (
            (upload.file, item.content, item.extension),
            (upload.display_file, item.display, None),
            (upload.thumbnail_file, item.thumbnail, None),
        )
        for field_file, content, extension in copies:
            if content is not None:
                stored.save(
                    field_file, content, folder=cls.storage_folder,
                    extension=extension or extension_of(content, item.extension),
                    label=item.display_name,
                )  # fmt: skip
        # The row comes from a checked file and its owner is a saved object: the database
        # enforces the constraints, the foreign keys and the (random) public id's
        # uniqueness, so a file costs one INSERT rather than six statements.
        upload.full_clean(
            exclude=[f.name for f in cls._meta.concrete_fields if f.is_relation],
            validate_unique=False,
            validate_constraints=False,
        )
        upload.save()
        return upload
