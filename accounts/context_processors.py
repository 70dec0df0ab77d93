from django.conf import settings


def navigation(request):
    """What base.html needs on every page: the languages and the viewer's role flags."""
    user = getattr(request, "user", None)
    return {
        "available_languages": settings.LANGUAGES,
        "is_staff_member": bool(user and user.is_authenticated and user.is_staff_member),
    }
