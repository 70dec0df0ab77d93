"""Reads for employment outcomes."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from feedback.models import EmploymentOutcome


def outcomes_of(student: User) -> QuerySet:
    return EmploymentOutcome.objects.filter(student=student).order_by("-start_date", "-pk")
