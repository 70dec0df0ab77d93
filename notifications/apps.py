from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Comments are another app; when it is installed, its comment_posted signal
        # tells the owner of the content and the author of the comment replied to.
        if apps.is_installed("comments"):
            from notifications import signals

            signals.connect_comments()
