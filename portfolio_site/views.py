from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts import selectors as account_selectors


@require_safe
def home(request):
    """Explain the site to a visitor; send a signed-in user to their dashboard."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "core/home.html", {"stats": account_selectors.site_overview()})
