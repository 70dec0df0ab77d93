from django import template
from django.urls import reverse

from journal import selectors

register = template.Library()


@register.inclusion_tag("journal/_portfolio_journal.html")
def journal_section(portfolio, audience):
    """The latest posts on the portfolio page (one query; the page's body is cached and
    its content version moves with every post, see journal/signals.py). Through a secret
    link, the posts the link reaches, at addresses under the link."""
    posts, has_more = selectors.posts_latest(portfolio, audience)
    share_token = audience.share_link.token if audience.share_link is not None else None
    return {
        "posts": posts,
        "has_more": has_more,
        "portfolio": portfolio,
        "audience": audience,
        "share_token": share_token,
    }


@register.inclusion_tag("journal/_editor_card.html")
def journal_editor_card(portfolio):
    return {"portfolio": portfolio, "counts": selectors.journal_counts(portfolio)}


@register.simple_tag
def attachment_url(attachment, variant="original", share_token=None):
    """The access-checked address of a post's attachment (through the secret link if
    given)."""
    if variant not in ("original", "display", "thumb"):
        raise ValueError(variant)
    if share_token:
        return reverse("journal:shared-file", args=[share_token, attachment.public_id, variant])
    return reverse("journal:file", args=[attachment.public_id, variant])


@register.simple_tag
def journal_url(portfolio, share_token=None):
    """The journal's address: the student's own, or under the secret link."""
    if share_token:
        return reverse("journal:shared-list", args=[share_token])
    return reverse("journal:list", args=[portfolio.slug])


@register.simple_tag
def post_url(portfolio, post, share_token=None):
    """A post's address: the student's own, or under the secret link."""
    if share_token:
        return reverse("journal:shared-detail", args=[share_token, post.pk])
    return reverse("journal:detail", args=[portfolio.slug, post.pk])


@register.simple_tag
def portfolio_url(portfolio, share_token=None):
    """The portfolio page the journal belongs to: the student's own, or the secret link."""
    if share_token:
        return reverse("portfolios:shared", args=[share_token])
    return reverse("portfolios:public", args=[portfolio.slug])
