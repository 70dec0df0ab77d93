from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """Shared helpers with no concrete models: Markdown, the file stack (checks, storage,
    delivery, quota), the abstract stored-file model, shared form fields and admin bits.
    It imports none of the project's apps."""

    name = "core"
    default = True

    def ready(self) -> None:
        from core.admin import translate_admin_boolean_icons

        translate_admin_boolean_icons()


class SiteAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the site's AdminSite (core/admin_site.py) as ``admin.site``."""

    default = False  # core's own config is CoreConfig
    default_site = "core.admin_site.SiteAdmin"
