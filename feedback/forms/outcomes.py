from __future__ import annotations

from django import forms

from core import dates
from feedback.models import EmploymentOutcome


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = EmploymentOutcome
        fields = ("employer_name", "position", "start_date", "end_date", "related_to_field")
        field_classes = {"start_date": dates.DateField, "end_date": dates.DateField}
