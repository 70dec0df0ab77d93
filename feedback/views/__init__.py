"""Views of the feedback app, one module per part: reviews, verification, employers,
outcomes."""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default: str) -> str:
    """Where a button's form asked to go back to (its ``next`` field), if that is a page of
    this site; else ``default`` (a URL or a URL name)."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default if default.startswith("/") else reverse(default)
