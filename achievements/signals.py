"""Signals the achievements app declares. Its services send them explicitly, inside their
transaction; other apps listen in their ``receivers.py`` (ARCHITECTURE.md lists who).

``achievement_saved`` (``achievement_create``, ``achievement_update``)
    ``achievement``, ``created``, ``before`` (the saved row's field values before an
    update, ``None`` on create), ``evidence_added`` (the Evidence rows stored with it).
    A receiver may return a sentence for the student (why a verification was removed);
    the service puts the first on ``achievement.verification_reset_reason``.
``achievement_deleted`` (``achievement_delete``, before the row goes)
    ``achievement``.
``evidence_changed`` (``evidence_attach``, ``evidence_add_link``, ``evidence_update_caption``,
``evidence_delete``)
    ``achievement``, ``added``, ``updated``, ``removed`` (lists of Evidence; removed rows
    are sent before they are deleted). Whether what a supervisor vouched for changed is
    the listener's rule (feedback), not the sender's.
"""

import django.dispatch

achievement_saved = django.dispatch.Signal()
achievement_deleted = django.dispatch.Signal()
evidence_changed = django.dispatch.Signal()
