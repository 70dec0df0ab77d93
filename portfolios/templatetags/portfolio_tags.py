from django import template

from portfolio_site import markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render user Markdown as sanitised HTML."""
    return markdown.render(text or "")


@register.simple_tag
def evidence_url(evidence, variant="original", share_token=None):
    """The access-checked address of an evidence file (through the secret link if given)."""
    from django.urls import reverse

    if share_token:
        return reverse("achievements:shared-file", args=[share_token, evidence.public_id, variant])
    return reverse("achievements:file", args=[evidence.public_id, variant])


@register.simple_tag
def photo_url(portfolio, variant="display", share_token=None):
    from django.urls import reverse

    if share_token:
        return reverse("portfolios:shared-photo", args=[share_token, variant])
    return reverse("portfolios:photo", args=[portfolio.slug, variant])


@register.filter
def visibility_badge(value):
    """Bootstrap colour for a visibility level."""
    return {0: "secondary", 10: "info", 20: "primary", 30: "success"}.get(value, "secondary")
