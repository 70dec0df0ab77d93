"""Forms for reviews and the supervisor's list of students."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import ProgramCohortFilterForm
from feedback.models import FEEDBACK_MAX_LENGTH, Review, RubricCriterion, weighted_total
from feedback.selectors.reviews import SORTS, StudentFilters


class ReviewForm(forms.Form):
    """One 0–100 score per rubric criterion and written feedback. Fields are named
    ``score_<criterion id>`` so a service error lands on the right field."""

    feedback = forms.CharField(
        label=_("Written feedback"),
        required=False,
        max_length=FEEDBACK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What is strong, what to improve, and how. The student reads this once you "
            "release the review. Markdown: **bold**, *italic*, lists."
        ),
    )

    def __init__(self, *args, criteria: list[RubricCriterion], review: Review | None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if review is not None and review.pk:
            initial.setdefault("feedback", review.feedback)
            for score in review.scores.all():
                initial.setdefault(f"score_{score.criterion_id}", score.score)
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = {}
        for criterion in criteria:
            scores[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=100,
                help_text=criterion.description,
                widget=forms.NumberInput(attrs={"class": "score-input", "inputmode": "numeric"}),
                error_messages={
                    "required": _("Give a score from 0 to 100."),
                    "invalid": _("Enter a whole number from 0 to 100."),
                    "min_value": _("A score is between 0 and 100."),
                    "max_value": _("A score is between 0 and 100."),
                },
            )
            scores[f"score_{criterion.pk}"].weight = criterion.weight
        # Scores first, then the feedback.
        self.fields = {**scores, **self.fields}

    def score_fields(self):
        return [self[f"score_{criterion.pk}"] for criterion in self.criteria]

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def preview_total(self):
        """The weighted total of what was typed (shown again after an error)."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return None
        scores = self.scores()
        if any(v is None for v in scores.values()):
            return None
        return weighted_total((scores[c.pk], c.weight) for c in self.criteria)

    def apply_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The student reads this: say what is missing or wrong."),
        error_messages={"required": _("Say why, so the student knows what to fix.")},
    )


class StudentFilterForm(ProgramCohortFilterForm):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    stale_days = forms.IntegerField(
        label=_("No update in (days)"), required=False, min_value=0, max_value=3650
    )
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTS], required=False)
    desc = forms.BooleanField(required=False)

    field_order = ("q", "program", "cohort", "stale_days", "sort", "desc")

    def filters(self) -> StudentFilters:
        """The valid filters; one bad value (shown as an error) does not drop the others."""
        if not self.is_bound:
            return StudentFilters()
        self.is_valid()
        data = self.cleaned_data
        return StudentFilters(
            program=data["program"].pk if data.get("program") else None,
            cohort=data["cohort"].pk if data.get("cohort") else None,
            stale_days=data.get("stale_days"),
            query=(data.get("q") or "").strip(),
            sort=data.get("sort") or "name",
            descending=bool(data.get("desc")),
        )
