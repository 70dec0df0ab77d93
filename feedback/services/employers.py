"""Writes for employers: their shortlist with private notes, and their feedback on
portfolios. One row per employer and portfolio each, held by unique constraints: a double
submit or two tabs never make a second one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction

from feedback.models import EmployerFeedback, ShortlistEntry
from feedback.signals import employer_feedback_saved
from portfolios.access import audience_for
from portfolios.models import Portfolio


def _ensure_may_open(employer, portfolio: Portfolio) -> None:
    """Views reach portfolios through the access functions; this keeps any other caller
    from acting on a page the employer cannot see."""
    if not audience_for(employer, portfolio).may_open(portfolio):
        raise PermissionDenied


def _check_length(instance, name: str) -> None:
    """A model TextField's max_length binds only forms; services hold it too."""
    limit = instance._meta.get_field(name).max_length
    try:
        MaxLengthValidator(limit)(getattr(instance, name))
    except ValidationError as error:
        raise ValidationError({name: error.error_list}) from None


@transaction.atomic
def shortlist_add(*, employer, portfolio: Portfolio) -> ShortlistEntry:
    """Put the portfolio on the employer's shortlist (already there: left as it is)."""
    _ensure_may_open(employer, portfolio)
    entry, _created = ShortlistEntry.objects.get_or_create(employer=employer, portfolio=portfolio)
    return entry


@transaction.atomic
def shortlist_remove(*, employer, portfolio: Portfolio) -> bool:
    """Take the portfolio off the shortlist, with its note; whether it was there."""
    deleted, _by_model = ShortlistEntry.objects.filter(
        employer=employer, portfolio=portfolio
    ).delete()
    return bool(deleted)


@transaction.atomic
def shortlist_note_update(*, entry: ShortlistEntry, note: str) -> ShortlistEntry:
    """Change the private note only its employer sees."""
    entry.note = note.strip()
    _check_length(entry, "note")
    entry.full_clean(exclude={"employer", "portfolio"})
    entry.save(update_fields=["note", "updated_at"])
    return entry


@transaction.atomic
def employer_feedback_save(
    *,
    employer,
    portfolio: Portfolio,
    presentation: int,
    skills_relevance: int,
    evidence_credibility: int,
    comment: str = "",
    would_interview: bool = False,
) -> EmployerFeedback:
    """Create the employer's feedback on the portfolio, or change the one they left.

    Two submits at once both find no feedback and both insert: the unique constraint
    lets one through, and the other updates the row the first one made.
    """
    _ensure_may_open(employer, portfolio)
    values = {
        "presentation": presentation,
        "skills_relevance": skills_relevance,
        "evidence_credibility": evidence_credibility,
        "comment": comment.strip(),
        "would_interview": would_interview,
    }
    feedback = _locked_feedback(employer=employer, portfolio=portfolio)
    if feedback is None:
        feedback = EmployerFeedback(employer=employer, portfolio=portfolio, **values)
        # The database decides who was first (the unique constraint), not a check before.
        _check_length(feedback, "comment")
        feedback.full_clean(exclude={"employer", "portfolio"})
        try:
            with transaction.atomic():
                feedback.save()
            employer_feedback_saved.send(sender=EmployerFeedback, feedback=feedback, changed=False)
            return feedback
        except IntegrityError:
            feedback = _locked_feedback(employer=employer, portfolio=portfolio)
            if feedback is None:  # not the unique constraint: let it surface
                raise
    for name, value in values.items():
        setattr(feedback, name, value)
    _check_length(feedback, "comment")
    feedback.full_clean(exclude={"employer", "portfolio"})
    feedback.save()
    employer_feedback_saved.send(sender=EmployerFeedback, feedback=feedback, changed=True)
    return feedback


def _locked_feedback(*, employer, portfolio: Portfolio) -> EmployerFeedback | None:
    return (
        EmployerFeedback.objects.select_for_update()
        .filter(employer=employer, portfolio=portfolio)
        .first()
    )


@transaction.atomic
def employer_feedback_delete(*, feedback: EmployerFeedback) -> None:
    """The employer withdraws their feedback; the student no longer sees it."""
    feedback.delete()
