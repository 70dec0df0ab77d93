"""Markdown for every user-written text field, rendered and then sanitised against an
allow-list (nh3, the Ammonia sanitiser): no scripts, no event handlers, no style, no
``javascript:`` or ``data:`` links, no images from elsewhere."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr", "table", "thead",
    "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> SafeString:
    """Markdown → safe HTML. Headings start at h3 so they sit under the page's own."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def render_on_save(instance, source: str, html: str, save_kwargs: dict) -> None:
    """Render ``instance.<source>`` into ``instance.<html>`` before a save: Markdown is
    rendered and sanitised once, when written, not on every page view. A save of some
    fields only (``update_fields``) that include the source saves the HTML too."""
    setattr(instance, html, render(getattr(instance, source)))
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and source in update_fields:
        save_kwargs["update_fields"] = {*update_fields, html}
