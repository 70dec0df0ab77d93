from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Export a portfolio as a zip and import it again (top layer)."""

    name = "transfer"
