"""Form fields shared by the apps that take uploads (evidence, journal attachments)."""

from __future__ import annotations

from django import forms

from core.files.quota import UploadsRejected, prepare_uploads
from core.files.uploads import UploadRejected, classify_link

ACCEPT = (
    "image/jpeg,image/png,image/webp,image/gif,application/pdf,.docx,.pptx,.xlsx,.odt,.odp,"
    "audio/mpeg,audio/ogg,audio/wav,audio/mp4,.m4a,video/mp4,video/webm"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        # Empty files reach the upload rules, whose message names the file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def save_with_uploads(form, write, **arguments):
    """Call the service ``write(**arguments)``. A file refused while it is stored (a
    storage failure, or the quota checked again under the lock) becomes an error on the
    form's ``files`` field, and None is returned: the view shows the form again."""
    try:
        return write(**arguments)
    except UploadRejected as rejection:
        form.add_error("files", rejection.message)
        return None


class UploadFieldsMixin:
    """The video link and the files of a form, checked by the same rules as everywhere.

    The form sets ``storage_owner`` (whose storage quota the files count against); the
    checked files are left in ``prepared_files`` for the view to hand to a service."""

    storage_owner = None

    def clean_video_url(self):
        url = self.cleaned_data.get("video_url")
        if not url:
            return ""
        try:
            return classify_link(url)
        except UploadRejected as rejection:
            raise forms.ValidationError(rejection.message, code=rejection.code) from None

    def _prepare_files(self, files) -> None:
        """Check every file before anything is stored; keep the prepared ones for the view.
        Each refused file is named with its reason, one error each."""
        try:
            self.prepared_files = prepare_uploads(self.storage_owner, files)
        except UploadsRejected as refused:
            self.prepared_files = []
            self.add_error(
                "files",
                [
                    forms.ValidationError(rejection.message, code=rejection.code)
                    for rejection in refused.rejections
                ],
            )
