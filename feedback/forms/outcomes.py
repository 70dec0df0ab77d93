from __future__ import annotations

from django import forms

from feedback.models import EmploymentOutcome


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = EmploymentOutcome
        fields = ("employer_name", "position", "start_date", "end_date", "related_to_field")
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
