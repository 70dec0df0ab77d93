"""Private file delivery. Files are never at a public URL: every request passes an access
check, then gets the file from storage (a file response for local storage, a short-lived
signed URL for S3-compatible storage)."""

from __future__ import annotations

import mimetypes
import re

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from core.files.types import shown_inline

# A file opened in the browser can run nothing and load nothing from elsewhere.
FILE_CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)
CACHE_CONTROL = "private, max-age=300"


def _uses_signed_urls(storage) -> bool:
    return hasattr(storage, "bucket_name") and getattr(storage, "querystring_auth", False)


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(start, end) of a single "bytes=" range; None without one; False if unsatisfiable."""
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        length = min(int(last), size)
        start, end = size - length, size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return False
    return start, end


def _chunks(handle, length: int, chunk_size: int = 256 * 1024):
    try:
        while length > 0:
            data = handle.read(min(chunk_size, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def file_response(field_file, *, filename: str, content_type: str = "", request=None):
    """The file for a viewer already allowed to see it. Audio and video players (Safari in
    particular) ask for byte ranges: a local file answers them with 206."""
    if not field_file:
        raise Http404
    content_type = (
        content_type or mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    )
    disposition = content_disposition_header(not shown_inline(content_type), filename)
    storage = field_file.storage
    cache_control = CACHE_CONTROL
    if _uses_signed_urls(storage):
        # The store answers with the type, disposition and caching signed into the URL
        # (S3's response-* parameters), whatever the object's own metadata says; the
        # store cannot add nosniff or a CSP (docs/storage.md: the operator's proxy can).
        expire = settings.FILE_URL_EXPIRE_SECONDS
        url = storage.url(
            field_file.name,
            parameters={"ResponseContentDisposition": disposition,
                        "ResponseContentType": content_type,
                        "ResponseCacheControl": CACHE_CONTROL},
            expire=expire,
        )  # fmt: skip
        response = HttpResponseRedirect(url)
        # A browser must not follow a remembered redirect to a URL that has expired.
        cache_control = f"private, max-age={max(expire // 2, 0)}"
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        size = field_file.size
        wanted = _byte_range(request.headers.get("Range", ""), size) if request else None
        if wanted is False:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
        elif wanted:
            start, end = wanted
            handle.seek(start)
            response = StreamingHttpResponse(
                _chunks(handle, end - start + 1), status=206, content_type=content_type
            )
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
        else:
            response = FileResponse(handle, content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        response["Content-Disposition"] = disposition
        if content_type != "application/pdf":
            # Browsers' PDF viewers do not run in a sandboxed document; a PDF's scripts run
            # inside the viewer, never with this site's origin.
            response["Content-Security-Policy"] = FILE_CSP
        else:
            # Nor under the pages' policy, which the CSP middleware would add otherwise.
            response._csp_exempt = True
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = cache_control
    response["Referrer-Policy"] = "no-referrer"
    return response


VARIANTS = ("original", "display", "thumb")


def stored_file_or_404(queryset, public_id, *, may_see=None):
    """The stored file (a ``core.models.StoredFile`` row) with this public id in
    ``queryset``, if ``may_see(row)`` allows it; anything else is a 404, never a 403: a
    file the viewer may not see does not give its existence away."""
    upload = queryset.filter(public_id=public_id).first()
    if upload is None or (may_see is not None and not may_see(upload)):
        raise Http404
    return upload


def own_stored_file_or_404(user, queryset, public_id, *, owner: str):
    """The user's own stored file; ``owner`` is the lookup from the row to the user who
    owns it (e.g. ``"achievement__portfolio__student"``). Anyone else, staff included, and
    anonymous visitors get a 404."""
    if not user.is_authenticated:
        raise Http404
    return stored_file_or_404(queryset.filter(**{owner: user}), public_id)


def variant_response(request, upload, variant: str):
    """One variant of a stored file (any ``core.models.StoredFile``) for a viewer already
    allowed to see it: the thumbnail or display copy of an image where there is one, else
    the original; an unknown variant or no file is a 404."""
    if variant not in VARIANTS or not upload.file:
        raise Http404
    field_file = variant_file(upload, variant)
    if field_file.name != upload.file.name:
        return file_response(field_file, filename=upload.original_name)
    return file_response(
        upload.file, filename=upload.original_name, content_type=upload.content_type,
        request=request,
    )  # fmt: skip


def variant_file(upload, variant: str):
    """The stored copy that ``variant`` names (the pages' file addresses and the PDF CV
    use the same): the thumbnail or display copy of an image where there is one, else
    the original."""
    if variant == "thumb" and upload.thumbnail_file:
        return upload.thumbnail_file
    if variant in ("thumb", "display") and upload.display_file:
        return upload.display_file
    return upload.file


def stored_file_views(access_file, *, access_share_link):
    """The two views of one kind of stored file: for the viewer, and through a secret
    link. ``access_file(user, public_id, share_link=None)`` returns the row or raises
    ``Http404``; ``access_share_link(token)`` returns a usable link or raises ``Http404``."""

    @require_safe
    def file_view(request, public_id, variant):
        upload = access_file(request.user, public_id)
        return variant_response(request, upload, variant)

    @require_safe
    def shared_file_view(request, token, public_id, variant):
        link = access_share_link(token)
        upload = access_file(request.user, public_id, share_link=link)
        return variant_response(request, upload, variant)

    return file_view, shared_file_view
