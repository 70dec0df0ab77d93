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


class Leap2AImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Leap2A export (.zip or .xml)"),
        help_text=_(
            "The zip Mahara makes with “Export → Standalone HTML and Leap2A”, or its "
            "leap2a.xml alone (then without files)."
        ),  # fmt: skip
        widget=forms.ClearableFileInput(
            attrs={"accept": ".zip,.xml,application/zip,application/xml,text/xml"}
        ),
    )

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        name = (archive.name or "").lower()
        if not name.endswith((".zip", ".xml")):
            raise forms.ValidationError(_("Choose a .zip or .xml file exported from Mahara."))
        if archive.size > storage_quota() + 20 * 1024 * 1024:
            raise forms.ValidationError(_("The archive is larger than your storage space."))
        return archive
