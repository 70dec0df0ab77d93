"""Signals the accounts app declares (ARCHITECTURE.md lists who listens). Sent by its
services inside their transaction.

``student_created`` (``user_create`` for a student)
    ``user``: a new student account. The portfolios app makes their portfolio.
"""

import django.dispatch

student_created = django.dispatch.Signal()
