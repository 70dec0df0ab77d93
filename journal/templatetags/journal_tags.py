from django import template
from django.urls import reverse

from journal import selectors

register = template.Library()


@register.inclusion_tag("journal/_portfolio_journal.html")
def journal_section(portfolio, audience):
    """The latest posts on the portfolio page (one query; the page's body is cached and
    its content version moves with every post, see journal/signals.py). A secret link
    shows no journal: its posts live at the student's own address."""
    if audience.share_link is not None:
        return {"posts": [], "portfolio": portfolio}
    posts, has_more = selectors.posts_latest(portfolio, audience)
    return {"posts": posts, "has_more": has_more, "portfolio": portfolio, "audience": audience}


@register.inclusion_tag("journal/_editor_card.html")
def journal_editor_card(portfolio):
    return {"portfolio": portfolio, "counts": selectors.journal_counts(portfolio)}


@register.simple_tag
def attachment_url(attachment, variant="original"):
    """The access-checked address of a post's attachment."""
    if variant not in ("original", "display", "thumb"):
        raise ValueError(variant)
    return reverse("journal:file", args=[attachment.public_id, variant])
