"""Export and import keep their names in the ``portfolios`` namespace
(``portfolios:export``, ``portfolios:import``, and a job's pages ``portfolios:transfer-job``,
``portfolios:transfer-download``): portfolio_site/urls.py adds these patterns to it."""

from django.urls import path

from transfer import views

portfolio_patterns = [
    path("portfolio/export/", views.export, name="export"),
    path("portfolio/import/", views.import_view, name="import"),
    path("portfolio/import/leap2a/", views.import_leap2a, name="import-leap2a"),
    path("portfolio/transfers/<uuid:public_id>/", views.job_detail, name="transfer-job"),
    path(
        "portfolio/transfers/<uuid:public_id>/download/",
        views.job_download,
        name="transfer-download",
    ),
]
