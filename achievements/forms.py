from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from achievements.models import Achievement
from achievements.services import EditConflict, achievement_edit_version
from core import dates
from core.forms import MultipleFileField, UploadFieldsMixin
from portfolios.forms import SkillsField
from portfolios.models import Category


class AchievementForm(UploadFieldsMixin, forms.ModelForm):
    skills_text = SkillsField()
    url = forms.URLField(label=_("external link"), required=False, assume_scheme="https")
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_(
            "Several at once: images, PDF, Word/PowerPoint/Excel or OpenDocument, audio, video."
        ),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("A video on YouTube, Vimeo or another https address."),
    )
    # What the item was when the form was opened: a save over a later change is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = Achievement
        fields = (
            "category", "title", "description", "start_date", "end_date", "organisation",
            "level", "result", "grade", "url", "visibility", "featured", "comments_enabled",
        )  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        field_classes = {"start_date": dates.DateField, "end_date": dates.DateField}

    def __init__(self, *args, portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.portfolio = self.storage_owner = portfolio
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = None
        if self.instance.pk and not self.is_bound:
            skills = list(self.instance.skills.all())
            self.initial["skills_text"] = ", ".join(skill.name for skill in skills)
            self.initial["version"] = achievement_edit_version(self.instance, skills)
        elif not self.instance.pk and "visibility" not in self.initial:
            self.initial["visibility"] = portfolio.default_visibility
        self.prepared_files = []

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        if cleaned.get("grade") and category is not None and not category.allows_grade:
            self.add_error("grade", _("Only academic items have a grade."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if end and not start:
            self.add_error("start_date", _("Give the start date too."))
        elif start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        files = cleaned.get("files") or []
        if files and not self.errors:
            self._prepare_files(files)
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def edit_conflict(self, conflict: EditConflict) -> None:
        """Show the conflict and carry the saved version: saving again replaces it."""
        self.add_error(None, conflict)
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = conflict.version


class EvidenceUploadForm(UploadFieldsMixin, forms.Form):
    files = MultipleFileField(label=_("Add files"), required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, *args, portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.portfolio = self.storage_owner = portfolio
        self.prepared_files = []

    def clean(self):
        cleaned = super().clean()
        files = cleaned.get("files") or []
        if not files and not cleaned.get("video_url") and not self.errors:
            raise forms.ValidationError(_("Choose at least one file or give a video link."))
        if files:
            self._prepare_files(files)
        return cleaned


class CaptionForm(forms.Form):
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
