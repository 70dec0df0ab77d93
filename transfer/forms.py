from django import forms
from django.utils.translation import gettext_lazy as _

from core.files.quota import storage_quota


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Portfolio export (.zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        if archive.size > storage_quota() + 5 * 1024 * 1024:
            raise forms.ValidationError(_("The archive is larger than your storage space."))
        return archive
