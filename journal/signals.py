"""Signals the journal app declares. Its services send them inside their transaction;
listeners (analytics: ARCHITECTURE.md) write there.

``post_saved`` (``post_create``, ``post_update``, ``post_publish``, ``post_unpublish``,
``attachment_delete``)
    ``post``, ``created``.
``post_deleted`` (``post_delete``, before the row goes)
    ``post``.
"""

import django.dispatch

post_saved = django.dispatch.Signal()
post_deleted = django.dispatch.Signal()
