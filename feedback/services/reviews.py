"""Writes for terms, rubrics and reviews."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import markdown
from feedback.access import supervised_students
from feedback.models import (
    Review,
    ReviewRevision,
    ReviewScore,
    Rubric,
    RubricCriterion,
    Term,
    weighted_total,
)
from feedback.signals import review_released


def rubric_for(*, student: User) -> Rubric | None:
    """The rubric in use for the student's program, else the default one."""
    rubrics = {
        rubric.program_id: rubric
        for rubric in Rubric.objects.active().filter(
            Q(program_id=student.program_id) | Q(program__isnull=True)
        )
    }
    return rubrics.get(student.program_id) or rubrics.get(None)


def rubric_check_weights(criteria: list[RubricCriterion] | list[int]) -> None:
    """The weights of a rubric's criteria sum to 100 (admin and reviews both ask here)."""
    weights = [c.weight if isinstance(c, RubricCriterion) else c for c in criteria]
    if not weights:
        raise ValidationError(_("A rubric needs at least one criterion."), code="no_criteria")
    if sum(weights) != 100:
        raise ValidationError(
            _("The weights add up to %(sum)s; they must add up to 100.") % {"sum": sum(weights)},
            code="weights_sum",
        )


@transaction.atomic
def term_make_current(*, term: Term) -> Term:
    """Mark ``term`` current and every other term not current."""
    Term.objects.select_for_update().filter(is_current=True).exclude(pk=term.pk).update(
        is_current=False
    )
    term.is_current = True
    term.full_clean()
    term.save()
    return term


def current_term() -> Term | None:
    return Term.objects.filter(is_current=True).first()


def _score_errors(criteria, scores: dict[int, int | None]) -> dict[str, str]:
    errors = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or isinstance(value, bool):
            errors[f"score_{criterion.pk}"] = _("Give a score from 0 to 100.")
        elif not 0 <= value <= 100:
            errors[f"score_{criterion.pk}"] = _("A score is between 0 and 100.")
    return errors


def _snapshot(review: Review) -> ReviewRevision:
    return ReviewRevision(
        review=review,
        total=review.total,
        feedback=review.feedback,
        scores=[
            {
                "criterion_id": s.criterion_id,
                "criterion": s.criterion.name_en,
                "names": {
                    "en": s.criterion.name_en,
                    "ru": s.criterion.name_ru,
                    "ky": s.criterion.name_ky,
                },
                "weight": s.weight,
                "score": s.score,
            }
            for s in review.scores.select_related("criterion")
        ],
        released_at=review.released_at,
    )


def review_save(
    *,
    supervisor: User,
    student: User,
    term: Term,
    scores: dict[int, int | None],
    feedback: str = "",
    release: bool = False,
    expected_rubric: Rubric | None = None,
) -> Review:
    """Create or update the one review of ``student`` by ``supervisor`` for ``term``.

    Scores are keyed by criterion id and checked against the review's rubric; the total
    is their weighted mean. Changing a released review keeps what it said before as a
    revision. Two submissions at once (a double click, a second tab) end in one review.
    The feedback's Markdown is rendered before the review's row is locked.
    """
    feedback_html = markdown.render_within_limit(Review, "feedback", feedback)
    return _review_save(
        supervisor=supervisor, student=student, term=term, scores=scores, feedback=feedback,
        feedback_html=feedback_html, release=release, expected_rubric=expected_rubric,
    )  # fmt: skip


@transaction.atomic
def _review_save(
    *,
    supervisor: User,
    student: User,
    term: Term,
    scores: dict[int, int | None],
    feedback: str,
    feedback_html: str | None,
    release: bool,
    expected_rubric: Rubric | None,
) -> Review:
    review = (
        Review.objects.select_for_update(of=("self",))
        .filter(student=student, supervisor=supervisor, term=term)
        .order_by("pk")
        .first()
    )
    if review is None:
        rubric = expected_rubric or rubric_for(student=student)
        if rubric is None:
            raise ValidationError(
                _("No rubric is in use. Ask staff to set one up in the administration."),
                code="no_rubric",
            )
        review = Review(student=student, supervisor=supervisor, term=term, rubric=rubric)
    criteria = list(review.rubric.criteria.order_by("order", "pk"))
    if review.pk:
        # A review keeps the weights it was written with, whatever staff change later.
        stored = dict(review.scores.values_list("criterion_id", "weight"))
        for criterion in criteria:
            criterion.weight = stored.get(criterion.pk, criterion.weight)
    rubric_check_weights(criteria)
    errors = _score_errors(criteria, scores)
    if errors:
        raise ValidationError(errors)
    pairs = [(scores[c.pk], c.weight) for c in criteria]
    new_total = weighted_total(pairs)
    if review.pk and review.is_released:
        saved = {s.criterion_id: s.score for s in review.scores.all()}
        changed = (
            saved != {c.pk: scores[c.pk] for c in criteria}
            or review.feedback != feedback
            or review.total != new_total
        )
        if changed:
            revision = _snapshot(review)
            revision.replaced_by = supervisor
            revision.save()
    review.total = new_total
    review.feedback = feedback
    if feedback_html is not None:
        markdown.remember_rendered(review, "feedback", feedback, feedback_html)
    just_released = release and not review.is_released
    if just_released:
        review.status = Review.Status.RELEASED
        review.released_at = timezone.now()
    review.full_clean(validate_unique=False, validate_constraints=False)
    if review.pk is None:
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            # The other submission created it first: update that one instead.
            return _review_save(
                supervisor=supervisor, student=student, term=term, scores=scores,
                feedback=feedback, feedback_html=feedback_html, release=release,
                expected_rubric=None,
            )  # fmt: skip
    else:
        review.save()
    for criterion in criteria:
        ReviewScore.objects.update_or_create(
            review=review,
            criterion=criterion,
            defaults={"score": scores[criterion.pk], "weight": criterion.weight},
        )
    if just_released:
        _record_received(review)
    return review


def _record_received(review: Review) -> None:
    """A released review goes into the student's activity log (analytics) and the student
    is told (notifications): both listen to ``review_released``."""
    review_released.send(sender=Review, review=review)


@transaction.atomic
def review_release(*, review: Review) -> Review:
    if review.is_released:
        return review
    review.status = Review.Status.RELEASED
    review.released_at = timezone.now()
    review.save(update_fields=["status", "released_at", "updated_at"])
    _record_received(review)
    return review


@transaction.atomic
def reviews_release_all(*, supervisor: User, term: Term) -> int:
    """Release every draft ``supervisor`` wrote for ``term``; how many were released."""
    drafts = list(
        Review.objects.drafts()
        .select_for_update(of=("self",))
        .order_by("pk")
        .filter(supervisor=supervisor, term=term, student__in=supervised_students(supervisor))
    )
    for review in drafts:
        review_release(review=review)
    return len(drafts)


@transaction.atomic
def review_delete_draft(*, review: Review) -> None:
    if review.is_released:
        raise ValidationError(_("A released review cannot be deleted."), code="released")
    review.delete()
