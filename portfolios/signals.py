"""Signals the portfolios app declares. Its services send them explicitly; other apps listen
in their ``receivers.py`` (connected in ``AppConfig.ready``). Receivers run inside the
sender's transaction; anything that leaves the process waits for ``transaction.on_commit``.
ARCHITECTURE.md lists who listens.

``portfolio_content_changed`` (sent by ``portfolios.content``, once per write)
    ``portfolio_ids``: every portfolio the write changed; ``touched_ids``: those whose
    student changed them (their "last update" moves; a supervisor's decision does not).
    Their content versions have already moved. The search package refreshes their
    figures and search documents.
``profile_updated`` (``portfolio_update``)
    ``portfolio``: the student saved their profile.
``share_link_opened`` (``share_link_record_visit``)
    ``link``, ``visitor`` (the signed-in user or an anonymous one): a secret link was opened.
"""

import django.dispatch

portfolio_content_changed = django.dispatch.Signal()
profile_updated = django.dispatch.Signal()
share_link_opened = django.dispatch.Signal()
