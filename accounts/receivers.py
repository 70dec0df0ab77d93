"""What the accounts app does when Django's auth events happen (connected in AccountsConfig)."""

from django.conf import settings

from accounts import services

# The language switch used while signed out keeps the choice here until sign-in.
SIGNED_OUT_LANGUAGE_SESSION_KEY = "signed_out_language"


def save_language_chosen_before_sign_in(sender, request, user, **kwargs):
    """A language chosen while signed out (on the login page, say) wins over the saved one
    and becomes the saved one; without such a choice the saved language applies
    (accounts.middleware.UserLanguageMiddleware)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    language = session.pop(SIGNED_OUT_LANGUAGE_SESSION_KEY, None)
    if language in dict(settings.LANGUAGES) and language != user.preferred_language:
        services.user_set_language(user=user, language=language)
