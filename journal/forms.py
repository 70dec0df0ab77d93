from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import dates
from core.forms import MultipleFileField, UploadFieldsMixin
from journal.models import MAX_TAGS, TAG_LENGTH, Post, Status
from journal.services import tags_normalise
from portfolios.forms import split_skills


class TagsField(forms.CharField):
    """Comma-separated tags, normalised as skills are (trimmed, no repeats by case)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Tags"))
        kwargs.setdefault("help_text", _("Separate tags with commas, e.g. “practice, robotics”."))
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off"})

    def clean(self, value):
        raw = split_skills(super().clean(value) or "")
        if any(len(name) > TAG_LENGTH for name in raw):
            raise forms.ValidationError(
                _("A tag can have at most %(length)d characters.") % {"length": TAG_LENGTH},
                code="too_long",
            )
        names = tags_normalise(raw)
        if len(raw) > MAX_TAGS:
            raise forms.ValidationError(
                _("Choose at most %(count)d tags.") % {"count": MAX_TAGS}, code="too_many"
            )
        return names


class PostForm(UploadFieldsMixin, forms.ModelForm):
    tags_text = TagsField()
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "Images, PDF, Word/PowerPoint/Excel or OpenDocument, audio, video — checked like "
            "evidence files."
        ),
    )

    class Meta:
        model = Post
        fields = ("title", "body", "visibility", "status", "published_at", "comments_enabled")
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "status": forms.RadioSelect,
        }
        field_classes = {"published_at": dates.DateTimeField}

    def __init__(self, *args, portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.portfolio = self.storage_owner = portfolio
        self.fields["published_at"].help_text = _(
            "Empty: the moment you publish. A date in the future schedules the post."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["tags_text"] = ", ".join(self.instance.tags)
        elif not self.instance.pk and "visibility" not in self.initial:
            self.initial["visibility"] = portfolio.default_visibility
        self.prepared_files = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.PUBLISHED and not cleaned.get("published_at"):
            # Published without a date: now (or when it was first published).
            cleaned["published_at"] = self.instance.published_at or timezone.now()
        files = cleaned.get("files") or []
        if files and not self.errors:
            self._prepare_files(files)
        return cleaned

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["tags"] = self.cleaned_data["tags_text"]
        return fields
