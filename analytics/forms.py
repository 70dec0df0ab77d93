"""The dashboard's filters (GET). Invalid values show an error and fall back to defaults."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, Program
from analytics.selectors import DEFAULT_METRIC, METRICS, Filters
from feedback.models import Term

ALL_TERMS = "all"


class AnalyticsFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.order_by("name_en"), required=False,
        empty_label=_("All programs"),
    )  # fmt: skip
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.all(), required=False,
        empty_label=_("All cohorts"),
    )  # fmt: skip
    term = forms.ChoiceField(label=_("Term"), required=False)
    metric = forms.ChoiceField(
        label=_("Activity measure"), choices=[(k, m.label) for k, m in METRICS.items()],
        required=False,
    )  # fmt: skip
    bins = forms.TypedChoiceField(
        label=_("Histogram bins"), choices=[(10, _("10 points")), (5, _("5 points"))],
        coerce=int, required=False,
    )  # fmt: skip
    inactive_days = forms.IntegerField(
        label=_("No update for (days)"), min_value=1, max_value=3650, required=False
    )
    completeness_below = forms.IntegerField(
        label=_("Completeness below (%)"), min_value=1, max_value=100, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = list(Term.objects.order_by("-starts_on"))
        self.current_term = next((t for t in self.terms if t.is_current), None)
        self.fields["term"].choices = [
            *[
                (str(t.pk), t.name + (f" ({_('current')})" if t.is_current else ""))
                for t in self.terms
            ],
            (ALL_TERMS, _("All terms")),
        ]

    def filters(self, *, supervisor_id: int | None = None) -> Filters:
        """The filters asked for; fields with errors take their defaults."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        term_value = data.get("term") or (
            str(self.current_term.pk) if self.current_term else ALL_TERMS
        )
        program, cohort = data.get("program"), data.get("cohort")
        return Filters(
            program_id=program.pk if program else None,
            cohort_id=cohort.pk if cohort else None,
            term_id=None if term_value == ALL_TERMS else int(term_value),
            metric=data.get("metric") or DEFAULT_METRIC,
            bin_width=data.get("bins") or 10,
            inactive_days=data.get("inactive_days") or 30,
            completeness_below=data.get("completeness_below") or 50,
            supervisor_id=supervisor_id,
        )
