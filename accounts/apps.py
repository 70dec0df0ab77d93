from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _refresh_staff_group(sender, **kwargs):
    # Permissions of models added by a migration exist only after it ran, so the staff
    # group is brought up to date after every migrate.
    from accounts.services import staff_group_ensure

    staff_group_ensure()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.receivers import save_language_chosen_before_sign_in

        post_migrate.connect(_refresh_staff_group, dispatch_uid="refresh_staff_group")
        user_logged_in.connect(
            save_language_chosen_before_sign_in, dispatch_uid="save_language_chosen_before_sign_in"
        )
