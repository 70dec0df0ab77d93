from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.access import role_required
from accounts.forms import (
    CrispyPasswordChangeForm,
    CrispyPasswordResetForm,
    CrispySetPasswordForm,
    EmployerProfileForm,
    EmployerSignUpForm,
    LoginForm,
    ProfileForm,
    StudentSignUpForm,
    SupervisorBulkAssignForm,
    UnassignedFilterForm,
)
from accounts.models import Role
from accounts.receivers import SIGNED_OUT_LANGUAGE_SESSION_KEY
from accounts.tasks import password_reset_send
from core.limits import Limit, LimitUnavailable
from core.tasks import enqueue

BACKEND = "accounts.backends.UsernameOrEmailBackend"


def _current_language(request) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _anonymous_only(view):
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:dashboard")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_http_methods(["GET", "HEAD", "POST"])
@_anonymous_only
def student_signup(request):
    """A student creates their own account and is signed in straight away."""
    form = StudentSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.student_sign_up(
            **form.account_fields(),
            program=form.cleaned_data["program"],
            cohort=form.cleaned_data["cohort"],
            preferred_language=_current_language(request),
        )
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/signup_student.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@_anonymous_only
def employer_signup(request):
    """An employer asks for an account; staff approve it before it sees more than a visitor."""
    form = EmployerSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.employer_sign_up(
            **form.account_fields(),
            organisation=form.cleaned_data["organisation"],
            website=form.cleaned_data["website"],
            position=form.cleaned_data["position"],
            preferred_language=_current_language(request),
        )
        login(request, user, backend=BACKEND)
        messages.info(
            request,
            _("Thank you! Staff will check your organisation and approve your account soon."),
        )
        return redirect("accounts:dashboard")
    return render(request, "accounts/signup_employer.html", {"form": form})


def _client_address(request) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


# Failed sign-ins from one address across all usernames (django-axes locks a username from
# one address; this blocks an address that tries many), and reset e-mails per address and
# per client. Counted in the shared store, so every app server counts together.
LOGIN_ADDRESS_FAILURES = Limit(
    "login-address",
    maximum=lambda: settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    window=lambda: int(settings.AXES_COOLOFF_TIME.total_seconds()),
)
RESETS_PER_EMAIL = Limit(
    "password-reset-email", maximum=lambda: settings.PASSWORD_RESET_LIMIT, window=lambda: 3600
)
RESETS_PER_CLIENT = Limit(
    "password-reset-client", maximum=lambda: settings.PASSWORD_RESET_LIMIT, window=lambda: 3600
)


SIGN_IN_UNAVAILABLE = gettext_lazy(
    "Signing in is unavailable for a moment. Please try again in a minute."
)


def _unavailable(response):
    """The limits could not be counted, so nothing was done: "try again in a minute"."""
    response.status_code = 503
    response["Retry-After"] = "60"
    return response


class LoginView(auth_views.LoginView):
    """Log in by username or e-mail. django-axes locks a username from one address after
    a few failures; this view also blocks an address that fails for many usernames. When
    that count cannot be reached, nobody signs in (no password is checked) for the moment."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    limits_unavailable = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.limits_unavailable:
            kwargs["unavailable"] = SIGN_IN_UNAVAILABLE
        return kwargs

    def post(self, request, *args, **kwargs):
        try:
            if LOGIN_ADDRESS_FAILURES.reached(_client_address(request)):
                return lockout(request)
        except LimitUnavailable:
            self.limits_unavailable = True
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if not self.limits_unavailable:
            try:
                LOGIN_ADDRESS_FAILURES.hit(_client_address(self.request))
            except LimitUnavailable:
                self.limits_unavailable = True
                form.add_error(None, SIGN_IN_UNAVAILABLE)
        response = super().form_invalid(form)
        return _unavailable(response) if self.limits_unavailable else response


class LogoutView(auth_views.LogoutView):
    """Log out by POST only (Django refuses GET)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = CrispyPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Reset by e-mail. Too many requests for one address or from one client are answered
    like any other (no hint), but send nothing, so nobody can flood a mailbox. When they
    cannot be counted, nothing is sent and the form says to try again in a minute."""

    form_class = CrispyPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        counted = [
            (RESETS_PER_EMAIL, form.cleaned_data["email"].lower()),
            (RESETS_PER_CLIENT, _client_address(self.request)),
        ]
        try:
            allowed = [limit.allows(subject) for limit, subject in counted]  # each counts
        except LimitUnavailable:
            form.add_error(
                None,
                _("Password resets are unavailable for a moment. Please try again in a minute."),
            )
            return _unavailable(self.form_invalid(form))
        if not all(allowed):
            return redirect(self.success_url)
        return self.queue_reset_email(form)

    def queue_reset_email(self, form):
        """Queue one task for any address, with nothing about accounts looked up here: a
        known address and an unknown one cost the request the same (the task finds the
        accounts and queues their e-mails, accounts.tasks.password_reset_send)."""
        enqueue(
            password_reset_send,
            email=form.cleaned_data["email"],
            language=_current_language(self.request),
            domain=get_current_site(self.request).domain,
            use_https=self.request.is_secure(),
        )
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = CrispySetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    """Name, e-mail and preferred language; an employer also edits their organisation."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=user)
    employer_profile = getattr(user, "employer_profile", None) if user.is_employer else None
    org_form = (
        EmployerProfileForm(data, instance=employer_profile, prefix="org")
        if employer_profile is not None
        else None
    )
    forms_valid = form.is_valid() & (org_form is None or org_form.is_valid())
    if request.method == "POST" and forms_valid:
        with transaction.atomic():
            services.user_update_profile(
                user=user,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                email=form.cleaned_data["email"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
            back_to_review = org_form is not None and services.employer_profile_update(
                profile=employer_profile,
                organisation=org_form.cleaned_data["organisation"],
                website=org_form.cleaned_data["website"],
                position=org_form.cleaned_data["position"],
            )
        messages.success(request, _("Your profile has been saved."))
        if back_to_review:
            messages.info(
                request,
                _("Your organisation changed, so staff will approve your account again."),
            )
        response = redirect("accounts:profile")
        if user.preferred_language:
            # The same attributes as Django's language switch sets (Secure in production).
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        else:  # "Same as my browser": forget an earlier choice too
            response.delete_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
    return render(request, "accounts/profile.html", {"form": form, "org_form": org_form})


@require_POST
def set_language(request):
    """Django's language switch; a signed-in user's choice is also saved to their profile."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        else:
            # Chosen while signed out (say on the login page): it wins at sign-in and is
            # saved then (accounts/receivers.py), over the language saved in the profile.
            request.session[SIGNED_OUT_LANGUAGE_SESSION_KEY] = language
    return response


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this after too many failed logins for a username from one address."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "accounts/lockout.html", {"lockout_minutes": minutes}, status=429)


UNASSIGNED_PER_PAGE = 50


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.STAFF)
def unassigned_students(request):
    """Staff: students without a supervisor, by name, and one supervisor for the ticked ones."""
    filter_form = UnassignedFilterForm(request.GET or None)
    students = selectors.unassigned_students(**filter_form.filters())
    form = SupervisorBulkAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        supervisor = form.cleaned_data["supervisor"]
        count = services.supervisor_assign_many(
            supervisor=supervisor, students=form.cleaned_data["students"]
        )
        message = ngettext(
            "%(count)d student assigned to %(supervisor)s.",
            "%(count)d students assigned to %(supervisor)s.",
            count,
        )
        messages.success(request, message % {"count": count, "supervisor": supervisor.display_name})
        return redirect(request.get_full_path())
    page = Paginator(students, UNASSIGNED_PER_PAGE).get_page(request.GET.get("page"))
    ticked = {str(pk) for pk in request.POST.getlist("students")}
    return render(
        request,
        "accounts/unassigned_students.html",
        {"filter_form": filter_form, "form": form, "page": page, "ticked": ticked},
        status=400 if form.is_bound else 200,
    )
