from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers with no concrete models: Markdown, the file stack (checks, storage,
    delivery, quota), the abstract stored-file model, shared form fields and admin bits.
    It imports none of the project's apps."""

    name = "core"

    def ready(self) -> None:
        from core.admin import translate_admin_boolean_icons

        translate_admin_boolean_icons()
