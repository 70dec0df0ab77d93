from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

from core import markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render user Markdown as sanitised HTML."""
    return markdown.render(text or "")


_ID = "00000000-0000-0000-0000-000000000000"


@lru_cache(maxsize=16)
def _file_url_pattern(script_prefix: str, shared: bool) -> str:
    """Reversing is slow for hundreds of files on a page: reverse once, fill in after."""
    if shared:
        return reverse("achievements:shared-file", args=["TOKEN", _ID, "variant"])
    return reverse("achievements:file", args=[_ID, "variant"])


@register.simple_tag
def evidence_url(evidence, variant="original", share_token=None):
    """The access-checked address of an evidence file (through the secret link if given)."""
    if variant not in ("original", "display", "thumb"):
        raise ValueError(variant)
    pattern = _file_url_pattern(get_script_prefix(), bool(share_token))
    url = pattern.replace(_ID, str(evidence.public_id)).replace("/variant/", f"/{variant}/")
    return url.replace("/TOKEN/", f"/{share_token}/") if share_token else url


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
