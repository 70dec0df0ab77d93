from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import urls as accounts_urls
from accounts import views as account_views
from achievements import urls as achievements_urls
from journal import urls as journal_urls
from pages import urls as pages_urls
from portfolio_site import health, views
from portfolios import urls as portfolios_urls
from transfer import urls as transfer_urls

admin.site.site_header = _("Student Portfolio administration")
admin.site.site_title = _("Student Portfolio")
admin.site.index_title = _("Site administration")


def namespace(app_urls, *upper_patterns):
    """An app's URL namespace with the composed pages' patterns added to it: the pages
    (``pages``, ``transfer``) sit above the app and keep its URL names (``portfolios:editor``,
    ``accounts:dashboard``, ...), but the app's urls.py cannot import them. No added path
    overlaps one of the app's, so the order decides nothing."""
    patterns = [pattern for patterns in upper_patterns for pattern in patterns]
    return include((patterns + app_urls.urlpatterns, app_urls.app_name))


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", namespace(accounts_urls, pages_urls.account_patterns)),
    path(
        "",
        namespace(portfolios_urls, pages_urls.portfolio_patterns, transfer_urls.portfolio_patterns),
    ),
    path("", namespace(achievements_urls, pages_urls.achievement_patterns)),
    path("", include("feedback.urls")),
    path("", include("analytics.urls")),
    path("", include("experiments.urls")),
    path("", namespace(journal_urls, pages_urls.journal_patterns)),
    path("", include("comments.urls")),
    path("", include("contacts.urls")),
    path("", include("notifications.urls")),
    path("", include("recommendations.urls")),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached gets "unavailable for a moment" (503), not a 500.
handler500 = "portfolio_site.errors.server_error_or_unavailable"
