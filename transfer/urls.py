"""Export and import keep their names in the ``portfolios`` namespace
(``portfolios:export``, ``portfolios:import``): portfolio_site/urls.py adds these patterns
to it."""

from django.urls import path

from transfer import views

portfolio_patterns = [
    path("portfolio/export/", views.export, name="export"),
    path("portfolio/import/", views.import_view, name="import"),
]
