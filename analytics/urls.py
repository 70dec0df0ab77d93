from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("staff/analytics/", views.dashboard, name="dashboard"),
    path("staff/analytics/<slug:table>.csv", views.export_csv, name="export"),
    path("portfolio/views/", views.portfolio_views, name="portfolio-views"),
]
