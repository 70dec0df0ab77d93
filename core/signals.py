"""Helpers for model-signal receivers (the apps' ``receivers.py``)."""

from django.db.models import QuerySet


def deleted_by_cascade(origin, model) -> bool:
    """Whether a ``post_delete`` of ``model`` comes from deleting something else (a
    portfolio, an account: whose own receivers, if any, refresh what is left)."""
    if origin is None:
        return False
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return origin_model is not model
