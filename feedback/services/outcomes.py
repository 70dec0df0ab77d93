"""Writes for employment outcomes."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from feedback.models import EmploymentOutcome

OUTCOME_FIELDS = ("employer_name", "position", "start_date", "end_date", "related_to_field")


@transaction.atomic
def outcome_save(
    *, student: User, recorded_by: User, outcome: EmploymentOutcome | None = None, **fields
) -> EmploymentOutcome:
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"unknown outcome fields: {sorted(unknown)}")
    if outcome is None:
        outcome = EmploymentOutcome(student=student)
    for name, value in fields.items():
        setattr(outcome, name, value)
    outcome.recorded_by = recorded_by
    outcome.full_clean()
    outcome.save()
    return outcome


@transaction.atomic
def outcome_delete(*, outcome: EmploymentOutcome) -> None:
    outcome.delete()
