from django import template
from django.urls import reverse

from core import markdown
from portfolios.access import PUBLIC

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render user Markdown as sanitised HTML."""
    return markdown.render(text or "")


@register.simple_tag
def photo_url(portfolio, variant="display", share_token=None):
    if share_token:
        return reverse("portfolios:shared-photo", args=[share_token, variant])
    return reverse("portfolios:photo", args=[portfolio.slug, variant])


@register.filter
def visibility_badge(value):
    """Bootstrap colour for a visibility level."""
    return {0: "secondary", 10: "info", 20: "primary", 30: "success"}.get(value, "secondary")


@register.filter
def public_sees(visibility):
    """Whether everyone sees an item of this visibility (the owner's page marks the rest
    so that its print stylesheet leaves them out: static/css/portfolio-print.css)."""
    return PUBLIC.sees(visibility)
