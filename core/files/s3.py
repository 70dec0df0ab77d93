"""The S3-compatible store for uploads (``S3_BUCKET``; docs/storage.md).

django-storages' ``S3Storage`` with what every object of a private store needs, set when
it is written: its type from the site's own table by the extension the site checked (an
``UploadedFile`` would otherwise hand over the browser's Content-Type header), a
Content-Disposition of ``attachment`` for anything a browser would not show inline, and a
private Cache-Control. No ACL is sent: the bucket is private by its own settings
(ACLs disabled, Block Public Access on), and a bucket with ACLs disabled refuses a PUT
that names one. Downloads are signed URLs made by ``core.files.delivery``, which force the
type and the disposition again through the URL's ``response-*`` parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from storages.backends.s3 import S3Storage

from core.files.delivery import CACHE_CONTROL
from core.files.types import content_type_for_name, shown_inline


class PrivateS3Storage(S3Storage):
    def get_object_parameters(self, name: str) -> dict:
        params = super().get_object_parameters(name)
        content_type = content_type_for_name(name)
        params["ContentType"] = content_type
        params["ContentDisposition"] = "inline" if shown_inline(content_type) else "attachment"
        params.setdefault("CacheControl", CACHE_CONTROL)
        return params

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """(name, last modified) of every object under the storage's prefix, from the
        bucket's listing (1,000 a request) rather than a HEAD request per object."""
        prefix = f"{self.location}/" if self.location else ""
        for entry in self.bucket.objects.filter(Prefix=prefix):
            yield entry.key[len(prefix) :], entry.last_modified
