"""Each student's Atom feed: their public, published posts, only while the portfolio page
itself is public (whoever asks: the feed is what everyone may read)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from journal import selectors
from journal.models import Post
from portfolios.models import Portfolio, Visibility

FEED_LENGTH = 20


class PostFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        portfolio = (
            Portfolio.objects.select_related("student")
            .filter(slug=slug.lower(), student__is_active=True, visibility=Visibility.PUBLIC)
            .first()
        )
        if portfolio is None:
            raise Http404
        return portfolio

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def title(self, portfolio: Portfolio) -> str:
        return _("Journal of %(name)s") % {"name": portfolio.student.display_name}

    def subtitle(self, portfolio: Portfolio) -> str:
        return portfolio.headline

    def link(self, portfolio: Portfolio) -> str:
        return reverse("journal:list", args=[portfolio.slug])

    def feed_url(self, portfolio: Portfolio) -> str:
        return reverse("journal:feed", args=[portfolio.slug])

    def author_name(self, portfolio: Portfolio) -> str:
        return portfolio.student.display_name

    def items(self, portfolio: Portfolio):
        posts = list(selectors.posts_public(portfolio, limit=FEED_LENGTH))
        for post in posts:
            post.portfolio = portfolio
        return posts

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        return post.body_html  # sanitised when saved (core/markdown.py)

    def item_link(self, post: Post) -> str:
        return post.get_absolute_url()

    def item_guid(self, post: Post) -> str:
        return post.get_absolute_url()

    def item_pubdate(self, post: Post):
        return post.published_at

    def item_updateddate(self, post: Post):
        return post.updated_at

    def item_categories(self, post: Post):
        return post.tags
