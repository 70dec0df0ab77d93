from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every app and the ``seed_demo`` command (top layer: it may use them all)."""

    name = "demo"
