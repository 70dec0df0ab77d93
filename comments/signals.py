"""Signals other apps listen to. ``comment_posted`` is sent inside ``comment_create``, after
the comment is saved (still inside its transaction: a receiver that sends mail or pushes a
notification should wait with ``transaction.on_commit``).

    comment_posted.send(sender=Comment, comment=comment)
"""

import django.dispatch

comment_posted = django.dispatch.Signal()
