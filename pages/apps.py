from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Pages that assemble several apps: the role dashboards, the portfolio editor and
    page, the following feed, the achievement and journal post pages (top layer)."""

    name = "pages"
