from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery, Kind


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of notification that can reach the user."""

    def __init__(self, *args, kinds: list[Kind], deliveries: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=deliveries[kind.value],
                widget=forms.RadioSelect,
            )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # translated errors, not the browser's
        self.helper.add_input(Submit("submit", _("Save settings")))

    def deliveries(self) -> dict[str, str]:
        return dict(self.cleaned_data)
