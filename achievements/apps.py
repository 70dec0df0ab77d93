from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "achievements"
    verbose_name = _("Achievements")

    def ready(self):
        from achievements import receivers  # noqa: F401 - connects the receivers
