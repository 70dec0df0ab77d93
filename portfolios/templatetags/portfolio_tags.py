from django import template
from django.urls import reverse

from core import markdown

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
