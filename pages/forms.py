"""Forms of the composed pages: the PDF CV's audience and language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pages.cv import AUDIENCES
from portfolios.models import Portfolio, Visibility

AUDIENCE_CHOICES = [
    ("public", Visibility.PUBLIC.label),
    ("signed-in", _("Signed-in users and employers")),
    ("supervisor", _("My supervisors")),
]


class CvForm(forms.Form):
    """Who the student's PDF CV is for, and in which language. A GET form: it changes
    nothing, and its address can be bookmarked."""

    audience = forms.ChoiceField(
        label=_("For whom"),
        choices=AUDIENCE_CHOICES,
        initial="public",
        help_text=_("The PDF shows only what they may see on your page."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, portfolio: Portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.portfolio = portfolio
        self.fields["language"].initial = (get_language() or "en").split("-")[0]
        self.fields["audience"].initial = _widest_audience(portfolio)

    @property
    def chosen_audience(self):
        return AUDIENCES[self.cleaned_data["audience"]]

    def clean_audience(self):
        code = self.cleaned_data["audience"]
        if not AUDIENCES[code].may_open(self.portfolio):
            raise forms.ValidationError(
                _(
                    "Your page is open only to “%(page)s”, so a PDF for “%(audience)s” "
                    "would show nothing. Choose another audience, or let more people see "
                    "your page in your profile first."
                ),
                code="audience_cannot_open",
                params={
                    "page": self.portfolio.get_visibility_display(),
                    "audience": dict(AUDIENCE_CHOICES)[code],
                },
            )
        return code


def _widest_audience(portfolio: Portfolio) -> str:
    """The widest audience that may open the page: the form's first suggestion."""
    for code, _label in AUDIENCE_CHOICES:
        if AUDIENCES[code].may_open(portfolio):
            return code
    return "supervisor"
