from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from portfolio_site import views

admin.site.site_header = _("Student Portfolio administration")
admin.site.site_title = _("Student Portfolio")
admin.site.index_title = _("Site administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("", include("portfolios.urls")),
    path("", include("achievements.urls")),
    path("", include("feedback.urls")),
    path("", include("analytics.urls")),
    path("", include("journal.urls")),
    path("", include("comments.urls")),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
