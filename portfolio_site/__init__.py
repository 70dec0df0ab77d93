# The Celery application is loaded with Django, so tasks queued from the site use its
# settings (portfolio_site/celery.py).
from portfolio_site.celery import app as celery_app

__all__ = ("celery_app",)
