from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Derived portfolio figures, the employers' search document and the search query."""

    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from search import receivers  # noqa: F401 - connects the receivers
