"""Signals the feedback app declares. Its services send them inside their transaction;
listeners (analytics, notifications: ARCHITECTURE.md) write their rows there and leave
anything that goes out of the process (mail) to ``transaction.on_commit``.

``review_released`` (``review_save`` with release, ``review_release``)
    ``review``: the student can now read it.
``verification_decided`` (``verification_decide``)
    ``achievement``, ``supervisor``, ``verified`` (bool), ``reason`` (why it was declined).
``employer_feedback_saved`` (``employer_feedback_save``)
    ``feedback``, ``changed`` (False when it was just left, True when it was changed).
"""

import django.dispatch

review_released = django.dispatch.Signal()
verification_decided = django.dispatch.Signal()
employer_feedback_saved = django.dispatch.Signal()
