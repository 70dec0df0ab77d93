"""One refresh per write.

Whatever a write changes in a portfolio (its profile, items, evidence, posts, skills), the
things derived from the whole portfolio — the cached page's content version, its figures
and search document, analytics' copy of them — are brought up to date once, at the end of
the write, however many rows it saved.

A service marks what it changed and runs inside ``content_batch()``::

    with transaction.atomic(), content_batch():
        ...save rows...
        content_changed(portfolio.pk)

When the outermost batch ends (still inside the transaction), every marked portfolio's
content version moves by one in one UPDATE, and ``portfolio_content_changed`` is sent once
with all their ids. Batches nest: an import that calls ``achievement_create`` a hundred
times refreshes once. Outside a batch (the admin, a cascade), ``content_changed`` flushes
at once. A batch left by an exception flushes nothing: its transaction rolls back.

This module is the one place that moves ``Portfolio.content_version``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db.models import F

from portfolios.models import Portfolio
from portfolios.signals import portfolio_content_changed

_local = threading.local()


def _pending() -> dict[int, bool] | None:
    return getattr(_local, "pending", None)


@contextmanager
def content_batch() -> Iterator[None]:
    """Collect ``content_changed`` marks and flush them once when the outermost batch ends.
    Enter it inside the write's ``transaction.atomic()``."""
    pending = _pending()
    if pending is not None:  # an outer batch flushes; a failure here takes its marks back
        marked = dict(pending)
        try:
            yield
        except BaseException:
            pending.clear()
            pending.update(marked)
            raise
        return
    _local.pending = {}
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    _flush(pending)


def content_changed(portfolio_id: int | None, *, touch: bool = True) -> None:
    """Mark a portfolio changed by this write. ``touch``: the student changed it (its "last
    update" moves); False for a supervisor's decision or a rename of the account."""
    content_changed_many([portfolio_id], touch=touch)


def content_changed_many(portfolio_ids: Iterable[int | None], *, touch: bool = True) -> None:
    ids = [int(pk) for pk in portfolio_ids if pk is not None]
    if not ids:
        return
    pending = _pending()
    if pending is None:
        _flush(dict.fromkeys(ids, touch))
        return
    for pk in ids:
        pending[pk] = pending.get(pk, False) or touch


def _flush(pending: dict[int, bool]) -> None:
    if not pending:
        return
    ids = sorted(pending)
    Portfolio.objects.filter(pk__in=ids).update(content_version=F("content_version") + 1)
    portfolio_content_changed.send(
        sender=Portfolio,
        portfolio_ids=ids,
        touched_ids=[pk for pk in ids if pending[pk]],
    )
