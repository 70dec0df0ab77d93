from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, EmployerProfile, Program, Role, User


def _helper(submit_label, *layout) -> FormHelper:
    helper = FormHelper()
    # The site's own translated errors, not the browser's English tooltips.
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


class UniqueEmailMixin:
    """E-mail addresses are unique regardless of letter case."""

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists."), code="email_taken"
            )
        return email


class SignUpForm(UniqueEmailMixin, auth_forms.UserCreationForm):
    """What every self-service account gives: a name, an address and a password."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = _(
            "Latin or Cyrillic letters (not both), digits and . + - _ only; you can also sign in "
            "with your e-mail."
        )
        # The form starts with the name, not with the username Django focuses by default.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["first_name"].widget.attrs["autofocus"] = True

    def account_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "username": data["username"],
            "email": data["email"],
            "password": data["password1"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
        }


class StudentSignUpForm(SignUpForm):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.none(), empty_label=_("Choose your program")
    )
    cohort = forms.ModelChoiceField(
        label=_("Year of entry"),
        queryset=Cohort.objects.none(),
        empty_label=_("Choose your year of entry"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(is_active=True).select_related(
            "faculty"
        )
        self.fields["cohort"].queryset = Cohort.objects.filter(is_active=True)
        self.fields["cohort"].label_from_instance = lambda cohort: str(cohort.entry_year)
        domains = settings.STUDENT_EMAIL_DOMAINS
        if domains:
            self.fields["email"].help_text = _("Use your university address (%(domains)s).") % {
                "domains": ", ".join("@" + d for d in domains)
            }
        self.helper = _helper(
            _("Create my account"),
            Fieldset(_("About you"), Div("first_name", "last_name"), "email"),
            Fieldset(_("Your studies"), "program", "cohort"),
            Fieldset(_("Signing in"), "username", "password1", "password2"),
        )

    def clean_email(self):
        email = super().clean_email()
        domains = settings.STUDENT_EMAIL_DOMAINS
        if domains and email.rsplit("@", 1)[-1].lower() not in domains:
            raise forms.ValidationError(
                _("Use an address at %(domains)s to sign up as a student."),
                code="email_domain",
                params={"domains": ", ".join("@" + d for d in domains)},
            )
        return email


class EmployerSignUpForm(SignUpForm):
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    website = forms.URLField(label=_("Organisation website"), required=False, assume_scheme="https")
    position = forms.CharField(label=_("Your position"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("Ask for an employer account"),
            Fieldset(_("About you"), Div("first_name", "last_name"), "email", "position"),
            Fieldset(_("Your organisation"), "organisation", "website"),
            Fieldset(_("Signing in"), "username", "password1", "password2"),
        )


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        # One message for every failure: it must not tell whether the account exists.
        "invalid_login": _("The username, e-mail or password is wrong. Please try again."),
        "inactive": _("The username, e-mail or password is wrong. Please try again."),
    }

    def __init__(self, *args, unavailable: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or e-mail")
        self.helper = _helper(_("Log in"), "username", "password")
        # Set when the sign-in limits cannot be counted: the form refuses before any
        # password is checked (accounts.views.LoginView).
        self.unavailable = unavailable

    def clean(self):
        if self.unavailable:
            raise forms.ValidationError(self.unavailable, code="unavailable")
        return super().clean()


class ProfileForm(UniqueEmailMixin, forms.ModelForm):
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only when you change your e-mail address."),
    )

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "preferred_language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["preferred_language"].choices = [
            ("", _("Same as my browser")),
            *settings.LANGUAGES,
        ]
        self._email_before = self.instance.email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        email_changed = email and email.lower() != (self._email_before or "").lower()
        # Password resets go to this address: whoever changes it must know the password.
        if email_changed and not self.instance.check_password(
            cleaned.get("current_password") or ""
        ):
            self.add_error(
                "current_password",
                _("Enter your current password to change your e-mail address."),
            )
        return cleaned


class EmployerProfileForm(forms.ModelForm):
    """Organisation details; the view saves them through ``employer_profile_update``."""

    website = forms.URLField(label=_("Organisation website"), required=False, assume_scheme="https")

    class Meta:
        model = EmployerProfile
        fields = ("organisation", "website", "position")


class CrispyPasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Change my password"), *self.fields)


class CrispyPasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send me a reset link"), "email")


class CrispySetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Set my new password"), *self.fields)


class PersonChoiceField(forms.ModelChoiceField):
    """A person picker that tells namesakes apart: program · cohort · username."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("program", "cohort"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.person_label


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("program", "cohort"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.person_label


class ProgramCohortFilterForm(forms.Form):
    """Program and cohort filters offering only those of ``students`` (a list of people
    narrowed by them: a supervisor's students, those without a supervisor)."""

    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.none(), required=False,
        empty_label=_("All programs"),
    )  # fmt: skip
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False,
        empty_label=_("All cohorts"),
    )  # fmt: skip

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(students__in=students).distinct()
        self.fields["cohort"].queryset = Cohort.objects.filter(students__in=students).distinct()
        for name in ("program", "cohort"):
            self.fields[name].widget.attrs["class"] = "form-select"


class UnassignedFilterForm(ProgramCohortFilterForm):
    """Narrow the list of students without a supervisor (a bad value is ignored); it offers
    the programs and cohorts of every student."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("students", User.objects.filter(role=Role.STUDENT))
        super().__init__(*args, **kwargs)

    def filters(self) -> dict:
        """The valid filters; a bad one is dropped, the others still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class SupervisorBulkAssignForm(forms.Form):
    """Staff pick students without a supervisor and the supervisor they all get."""

    supervisor = PersonChoiceField(
        label=_("Supervisor"),
        queryset=User.objects.supervisors()
        .filter(is_active=True)
        .order_by("last_name", "first_name", "username"),
        empty_label=_("Choose a supervisor"),
        error_messages={"required": _("Choose the supervisor to assign.")},
    )
    students = PersonMultipleChoiceField(
        label=_("Students"),
        queryset=User.objects.students().filter(is_active=True),
        error_messages={
            "required": _("Tick at least one student."),
            "invalid_choice": _("A ticked student no longer exists. Reload the page."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].widget.attrs["class"] = "form-select"
