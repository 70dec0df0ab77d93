"""The site's answer to an unexpected error: 503 "unavailable for a moment" when the
database cannot be reached (stopped, restarting, failing over, out of connections), else
Django's 500 page. Neither touches the database (no context processors run)."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 30


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether ``exception`` says the database cannot be reached or lost the connection.
    Also a statement cancelled or a deadlock (both OperationalError): a retry may succeed,
    and the error is logged either way."""
    return isinstance(exception, (OperationalError, InterfaceError))


@requires_csrf_token
def server_error_or_unavailable(request, template_name="500.html"):
    """``handler500``: Django calls it while the exception is being handled."""
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return server_error(request, template_name)
