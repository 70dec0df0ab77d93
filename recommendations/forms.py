from django import forms
from django.utils.translation import gettext_lazy as _

from recommendations.models import Choice


class AnswerForm(forms.Form):
    """A card's three buttons post ``choice``; ``next`` is where to go back to."""

    choice = forms.ChoiceField(
        choices=Choice.choices,
        error_messages={
            "required": _("Choose done, not now or not useful."),
            "invalid_choice": _("Choose done, not now or not useful."),
        },
    )
    next = forms.CharField(required=False, max_length=500)
