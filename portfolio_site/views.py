from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import selectors as account_selectors


@require_safe
def home(request):
    """Explain the site to a visitor; send a signed-in user to their dashboard."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "core/home.html", {"stats": account_selectors.site_overview()})


@never_cache
@require_safe
def healthz(request):
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
