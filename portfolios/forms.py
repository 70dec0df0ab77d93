from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import dates
from core.files.uploads import Kind, UploadRejected, prepare_upload
from portfolios.models import Portfolio, ShareLink, Skill
from portfolios.services import RESERVED_SLUGS


def split_skills(text: str) -> list[str]:
    """ "Python, public speaking; Figma" → ["Python", "public speaking", "Figma"]."""
    parts = [p for chunk in text.replace(";", ",").split(",") for p in [chunk.strip()] if p]
    seen, result = set(), []
    for part in parts:
        display, key = Skill.normalise(part)
        if key not in seen:
            seen.add(key)
            result.append(display)
    return result


class SkillsField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Skills"))
        kwargs.setdefault("help_text", _("Separate skills with commas, e.g. “Python, teamwork”."))
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "skill-suggestions", "autocomplete": "off"})

    def clean(self, value):
        names = split_skills(super().clean(value) or "")
        if len(names) > 30:
            raise forms.ValidationError(_("Choose at most 30 skills."), code="too_many")
        return names


class PortfolioForm(forms.ModelForm):
    skills_text = SkillsField()
    photo_upload = forms.FileField(
        label=_("Photo"),
        required=False,
        allow_empty_file=True,  # the upload rules reject it with a message naming the file
        help_text=_("JPEG, PNG or WebP. Location and camera data are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    linkedin = forms.URLField(label=_("LinkedIn"), required=False, assume_scheme="https")
    github = forms.URLField(label=_("GitHub"), required=False, assume_scheme="https")

    class Meta:
        model = Portfolio
        fields = (
            "headline", "about", "interests", "visibility", "default_visibility", "slug",
            "noindex", "open_to_work", "show_email", "phone", "website", "linkedin", "github",
            "telegram", "comments_enabled",
        )  # fmt: skip
        widgets = {
            "about": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "open_to_work": _(
                "Shows an “Open to work” badge on your page, and employers can search for "
                "students who are open to work."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["skills_text"] = ", ".join(s.name for s in self.instance.skills.all())

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved. Choose another one."))
        taken = Portfolio.objects.filter(slug__iexact=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This address is taken. Choose another one."))
        return slug

    def clean_photo_upload(self):
        uploaded = self.cleaned_data.get("photo_upload")
        if not uploaded:
            return None
        try:
            prepared = prepare_upload(uploaded)
        except UploadRejected as rejection:
            raise forms.ValidationError(rejection.message, code=rejection.code) from None
        if prepared.kind != Kind.IMAGE:
            raise forms.ValidationError(
                _("“%(name)s” is not an image."), params={"name": prepared.display_name}
            )
        return prepared


class ShareLinkForm(forms.ModelForm):
    expires_on = dates.DateField(
        label=_("Works until"),
        required=False,
        help_text=_("Leave empty for a link that works until you revoke it."),
    )

    class Meta:
        model = ShareLink
        fields = ("label",)

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if not day:
            return None
        end_of_day = datetime.datetime.combine(day, datetime.time(23, 59, 59))
        return timezone.make_aware(end_of_day)
