from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, Program
from experiments.models import PRIMARY_METRICS, Experiment, Metric
from feedback.models import Term


class ExperimentForm(forms.Form):
    """An experiment's settings. The effect is typed in percent (20 = +20%)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    hypothesis = forms.CharField(
        label=_("Hypothesis"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you expect and why, written before the data come in."),
    )  # fmt: skip
    with_rules_arm = forms.BooleanField(
        label=_("Add a rules-only arm"), required=False,
        help_text=_("Besides control (no recommendations) and treatment (recommendations), "
                    "a third arm that sees only the simple rules' recommendations."),
    )  # fmt: skip
    programs = forms.ModelMultipleChoiceField(
        label=_("Programs"), queryset=Program.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every program."),
    )  # fmt: skip
    cohorts = forms.ModelMultipleChoiceField(
        label=_("Cohorts"), queryset=Cohort.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every cohort."),
    )  # fmt: skip
    term = forms.ModelChoiceField(
        label=_("Term"), queryset=Term.objects.all(),
        help_text=_("The metrics are measured in this term; the term before it gives the "
                    "baseline."),
    )  # fmt: skip
    primary_metric = forms.ChoiceField(
        label=_("Primary metric"),
        choices=[(m.value, m.label) for m in PRIMARY_METRICS],
    )
    secondary_metrics = forms.MultipleChoiceField(
        label=_("Secondary metrics"), choices=Metric.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    mde_percent = forms.FloatField(
        label=_("Minimum detectable effect, %"), min_value=1, max_value=500, initial=20,
        help_text=_("The smallest relative change worth finding: 20 means +20%."),
    )  # fmt: skip
    alpha = forms.FloatField(
        label=_("Significance level (alpha)"), min_value=0.001, max_value=0.2, initial=0.05
    )
    power = forms.FloatField(label=_("Power"), min_value=0.5, max_value=0.99, initial=0.8)

    def __init__(self, *args, experiment: Experiment | None = None, **kwargs):
        if experiment is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": experiment.name, "hypothesis": experiment.hypothesis,
                "with_rules_arm": experiment.with_rules_arm,
                "programs": list(experiment.programs.all()),
                "cohorts": list(experiment.cohorts.all()), "term": experiment.term_id,
                "primary_metric": experiment.primary_metric,
                "secondary_metrics": experiment.secondary_metrics,
                "mde_percent": round(100 * experiment.mde, 4), "alpha": experiment.alpha,
                "power": experiment.power,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        if not Term.objects.exists():
            self.fields["term"].help_text = _("No term yet: add one in the administration.")

    def clean(self):
        data = super().clean()
        primary, secondary = data.get("primary_metric"), data.get("secondary_metrics") or []
        if primary and primary in secondary:
            self.add_error(
                "secondary_metrics", _("The primary metric cannot also be a secondary one.")
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"], "hypothesis": data["hypothesis"],
            "with_rules_arm": data["with_rules_arm"], "term": data["term"],
            "primary_metric": data["primary_metric"],
            "secondary_metrics": list(data["secondary_metrics"]),
            "mde": data["mde_percent"] / 100, "alpha": data["alpha"], "power": data["power"],
            "programs": list(data["programs"]), "cohorts": list(data["cohorts"]),
        }  # fmt: skip
