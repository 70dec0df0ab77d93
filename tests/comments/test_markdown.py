"""Hostile Markdown in comment bodies is stored and shown harmless wherever comments show:
the portfolio page, an achievement's thread, a post page, the htmx fragment, and the edit,
delete and report pages."""

import re

import pytest
from django.urls import reverse

from comments import services
from tests.portfolios.test_markdown import (
    HOSTILE,
    PAGE_FORBIDDEN_TAGS,
    assert_harmless,
    strip_site_scripts,
    tags_in,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_comment_is_stored_harmless(portfolio, people, text):
    comment = services.comment_create(author=people["supervisor"], portfolio=portfolio,
                                      body="A **safe** word\n\n" + text)  # fmt: skip
    assert_harmless(comment.body_html)
    assert "<strong>safe</strong>" in comment.body_html


def _only_site_scripts(html):
    """The page runs only the site's own scripts, and what the comments put on it (the
    thread section, or the comment quoted on a form page) is harmless. The rest of the
    page is the site's own (its navigation may draw an SVG icon)."""
    scripts = [attrs for tag, attrs in tags_in(html) if tag == "script"]
    assert all(s.get("src", "").startswith("/static/") for s in scripts), scripts
    main = html  # an htmx fragment is all comments
    if '<main id="main"' in html:
        main = html[html.index('<main id="main"') : html.index("</main>")]
    assert_harmless(strip_site_scripts(main), forbidden_tags=PAGE_FORBIDDEN_TAGS)


def test_hostile_comments_are_harmless_on_every_page(client, settings, portfolio, achievement,
                                                     post, people):  # fmt: skip
    settings.COMMENTS_PER_MINUTE = 10_000
    slug = portfolio.slug
    made = []
    for number, text in enumerate(HOSTILE):
        for target in ({"portfolio": portfolio}, {"achievement": achievement}, {"post": post}):
            first = services.comment_create(
                author=people["other_student"], body=f"Comment {number}\n\n{text}", **target
            )
            made.append(
                services.comment_create(author=people["supervisor"], parent=first, body=text)
            )
    threads = [
        reverse("portfolios:public", args=[slug]),
        reverse("comments:portfolio", args=[slug]),
        reverse("comments:achievement", args=[slug, achievement.pk]),
        reverse("journal:detail", args=[slug, post.pk]),
        reverse("comments:post", args=[slug, post.pk]),
    ]
    one = made[0]
    visits = [
        (None, []),
        (people["owner"], [reverse("comments:delete", args=[one.pk])]),
        (people["supervisor"], [reverse("comments:edit", args=[one.pk])]),
        (people["employer"], [reverse("comments:report", args=[one.pk])]),
    ]
    for viewer, extra in visits:
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        for url in threads + extra:
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = client.get(url, **headers)
                assert response.status_code == 200, url
                html = response.content.decode()
                _only_site_scripts(html)
                blocks = re.findall(r'<div class="user-content">(.*?)</div>', html, flags=re.S)
                assert blocks or "/edit/" in url, url  # the edit page has the text in a box
                for block in blocks:
                    assert_harmless(block)
