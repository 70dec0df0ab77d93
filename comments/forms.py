"""Plain forms (not ModelForms): the services build and check the rows, and an edit form
does not change the comment it was given before the service compares old and new."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comments.models import BODY_MAX_LENGTH, ReportReason


def _body_field(label):
    return forms.CharField(
        label=label,
        max_length=BODY_MAX_LENGTH,
        strip=True,
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": BODY_MAX_LENGTH}),
    )


class CommentForm(forms.Form):
    """A new comment. ``may_be_private``: the owner of the item has nobody to send private
    feedback to, so they do not get the choice."""

    body = _body_field(_("Your comment"))
    is_private = forms.BooleanField(
        label=_("Private feedback: only the owner of the page and you will see it"),
        required=False,
    )

    def __init__(self, *args, may_be_private: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_be_private:
            del self.fields["is_private"]


class CommentBodyForm(forms.Form):
    """A reply, or the author's edit of their comment."""

    body = _body_field(_("Your comment"))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything staff should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
