"""The one file stack for everything users upload (evidence, journal attachments, the
profile photo):

- ``uploads``: ``prepare_upload`` → ``PreparedFile`` or ``UploadRejected`` (the entry point),
  built on ``types`` (accepted formats, ``Kind``, rejections), ``sniffing`` (type from the
  first bytes), ``office`` (ZIP-based documents), ``images`` (decode, clean, resize) and
  ``links`` (video links, ``classify_link``);
- ``storage``: ``StoredFiles`` (write, undo on failure), ``delete_after_commit``,
  ``upload_to`` callables;
- ``s3``: ``PrivateS3Storage``, the storage class with ``S3_BUCKET`` (docs/storage.md);
- ``quota``: one storage quota per owner over every ``StoredFile`` model;
- ``delivery``: access helpers and ``file_response`` / ``variant_response`` /
  ``stored_file_views``.

Import from the modules; this package imports nothing itself.
"""
