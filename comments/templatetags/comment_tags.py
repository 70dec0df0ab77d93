from django import template
from django.template.loader import render_to_string

from comments.access import Target, may_report

register = template.Library()


@register.simple_tag(takes_context=True)
def comments_section(context, item):
    """The thread under a portfolio page or a journal post, outside any cached HTML. None
    on previews and secret-link pages (they show the page as someone else sees it)."""
    if context.get("preview") or context.get("share_token"):
        return ""
    audience = context["audience"]
    if audience.share_link is not None:
        return ""
    from comments.views import thread_context

    portfolio = context["portfolio"]
    kind = "portfolio" if item is portfolio or item.__class__ is portfolio.__class__ else "post"
    target = Target(kind, item, portfolio, audience)
    request = context["request"]
    return render_to_string(
        "comments/_thread.html", thread_context(request, target), request=request
    )


@register.filter
def reportable_by(comment, viewer_id) -> bool:
    """``{% if comment|reportable_by:viewer_id %}``: the report view's own rule."""
    return may_report(viewer_id, comment)
