from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def lockout_username(request, credentials=None) -> str:
    """The account a login attempt is about, for django-axes' lockout: "AIBEK",
    "aibek" and aibek's e-mail address all count against the same account."""
    data = credentials if credentials is not None else getattr(request, "POST", {})
    login = (data.get("username") or "").strip()
    if "@" in login:
        username = (
            get_user_model()
            ._default_manager.filter(email__iexact=login)
            .values_list("username", flat=True)
            .first()
        )
        if username:
            return username.lower()
    return login.lower()


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with either the username or the e-mail address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        login = username.strip()
        users = user_model._default_manager
        # A username match wins, so nobody can capture a login with a look-alike e-mail.
        user = users.filter(username__iexact=login).first()
        if user is None and "@" in login:
            user = users.filter(email__iexact=login).first()
        if user is None:
            # Spend the time of a password check anyway, so the response time does not
            # tell whether the account exists.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
