"""Plain forms: the services build and check the rows."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import FOLLOW_UP_MAX_LENGTH, MESSAGE_MAX_LENGTH, ContactDetails


class ContactRequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose or position"),
        max_length=150,
        help_text=_("For example, “Summer internship in data analysis”."),
    )
    message = forms.CharField(
        label=_("Message to the student"),
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_(
            "A few lines: who you are and why you would like to talk. "
            "Markdown: **bold**, *italic*, lists, links."
        ),  # fmt: skip
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MESSAGE_MAX_LENGTH}),
    )


class ContactDetailsForm(forms.ModelForm):
    class Meta:
        model = ContactDetails
        fields = list(ContactDetails.SHAREABLE)


class AnswerForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("Accept and share contact details")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    share = forms.MultipleChoiceField(
        label=_("What the employer may see"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what you tick is shown to this employer, for this invitation."),
    )
    reply = forms.CharField(
        label=_("Short reply (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def __init__(self, *args, details: ContactDetails, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share"].choices = [
            (name, f"{label}: {value}") for name, label, value in details.filled()
        ]

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.ACCEPT and not data.get("share"):
            if self.fields["share"].choices:
                self.add_error("share", _("Tick at least one contact detail to share."))
            else:
                self.add_error("share", _("Fill in your contact details first, then accept."))
        return data


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=FOLLOW_UP_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": FOLLOW_UP_MAX_LENGTH}),
    )


class EmployerReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What happened?"),
        max_length=1000,
        help_text=_("Staff read every report. The employer is not told who reported them."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
    )
    block = forms.BooleanField(label=_("Also block this employer"), required=False, initial=True)
