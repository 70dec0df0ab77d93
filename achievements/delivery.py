"""Private file delivery. Files are never at a public URL: every request passes an access
check, then gets the file from storage (a file response for local storage, a short-lived
signed URL for S3-compatible storage)."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import content_disposition_header

# A file opened in the browser can run nothing and load nothing from elsewhere.
FILE_CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)
INLINE_TYPES = ("image/", "audio/", "video/", "application/pdf")


def _uses_signed_urls(storage) -> bool:
    return hasattr(storage, "bucket_name") and getattr(storage, "querystring_auth", False)


def file_response(field_file, *, filename: str, content_type: str = ""):
    if not field_file:
        raise Http404
    content_type = (
        content_type or mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    )
    inline = content_type.startswith(INLINE_TYPES)
    disposition = content_disposition_header(not inline, filename)
    storage = field_file.storage
    if _uses_signed_urls(storage):
        url = storage.url(
            field_file.name,
            parameters={"ResponseContentDisposition": disposition,
                        "ResponseContentType": content_type},
            expire=settings.FILE_URL_EXPIRE_SECONDS,
        )  # fmt: skip
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = disposition
        response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
