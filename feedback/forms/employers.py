"""Forms for employers: the search filters, a shortlist note and feedback on a portfolio."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, Program
from feedback.models import EmployerFeedback, ShortlistEntry
from portfolios.forms import SkillsField
from search.query import clean_query


class SearchQueryField(forms.CharField):
    """Free text for the search box. Whatever arrives is made safe (``clean_query``)
    before validation, so no input is refused: a NUL byte or 10,000 characters still
    search for what is left."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class EmployerSearchForm(forms.Form):
    q = SearchQueryField(
        label=_("Search"),
        required=False,
        help_text=_(
            "Names, skills, programs, achievements, organisations — in English, Russian or "
            'Kyrgyz, in either alphabet. Use "quotes" for a phrase, a minus to leave a word '
            "out and or for either word."
        ),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 200, "autocomplete": "off"}),
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All programs"),
    )
    entry_year = forms.TypedChoiceField(
        label=_("Year of entry"), required=False, coerce=int, empty_value=None
    )
    graduation_year = forms.TypedChoiceField(
        label=_("Graduation year"), required=False, coerce=int, empty_value=None
    )
    skills = SkillsField(
        label=_("Skills"),
        help_text=_("Portfolios with all of these skills. Separate them with commas."),
    )
    verified_only = forms.BooleanField(
        label=_("Only portfolios with verified achievements"), required=False
    )
    open_to_work = forms.BooleanField(label=_("Only students open to work"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.order_by("name_en")
        years = list(Cohort.objects.values_list("entry_year", "graduation_year"))
        self.fields["entry_year"].choices = [("", _("Any year"))] + [
            (year, str(year)) for year in sorted({entry for entry, _g in years}, reverse=True)
        ]
        self.fields["graduation_year"].choices = [("", _("Any year"))] + [
            (year, str(year))
            for year in sorted({graduation for _e, graduation in years if graduation}, reverse=True)
        ]

    def criteria(self) -> dict:
        """The keyword arguments of ``portfolio_search``: every valid filter (an invalid
        one is shown with its error and left out, the rest still applies)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the fields that are valid
            data = self.cleaned_data
        program = data.get("program")
        return {
            "query": data.get("q") or "",
            "program_id": program.pk if program else None,
            "cohort_year": data.get("entry_year"),
            "graduation_year": data.get("graduation_year"),
            "skills": data.get("skills") or [],
            "verified_only": bool(data.get("verified_only")),
            "open_to_work": bool(data.get("open_to_work")),
        }


class ShortlistNoteForm(forms.ModelForm):
    class Meta:
        model = ShortlistEntry
        fields = ("note",)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("Only you see this note.")}


RATING_CHOICES = [
    (1, _("1 – weak")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – excellent")),
]


def _rating_field(label, help_text) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=help_text,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )


class EmployerFeedbackForm(forms.ModelForm):
    presentation = _rating_field(
        _("Presentation"), _("Is the portfolio clear, complete and well organised?")
    )
    skills_relevance = _rating_field(
        _("Relevance of skills"), _("Do the skills shown fit the work your organisation does?")
    )
    evidence_credibility = _rating_field(
        _("Credibility of evidence"),
        _("Do certificates, files and verified achievements back up what is claimed?"),
    )

    class Meta:
        model = EmployerFeedback
        fields = (
            "presentation", "skills_relevance", "evidence_credibility", "comment",
            "would_interview",
        )  # fmt: skip
        labels = {
            "comment": _("Comment for the student"),
            "would_interview": _("I would invite this student to an interview"),
        }
        help_texts = {
            "comment": _("What is strong, and what would make the portfolio more convincing."),
        }
        widgets = {"comment": forms.Textarea(attrs={"rows": 5})}

    RATING_FIELDS = ("presentation", "skills_relevance", "evidence_credibility")

    def full_clean(self):
        """Rating radios with an error say so to assistive technology too."""
        super().full_clean()
        for name in self.RATING_FIELDS:
            if name in self.errors:
                self.fields[name].widget.attrs.update(
                    {"class": "form-check-input is-invalid", "aria-invalid": "true"}
                )

    @property
    def rating_fields(self):
        return [self[name] for name in self.RATING_FIELDS]
