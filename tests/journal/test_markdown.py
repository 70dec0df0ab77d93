"""Hostile Markdown in post bodies and titles is rendered harmless wherever posts show: the
post page, the journal list, the portfolio page and the Atom feed."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import post_for
from tests.portfolios.test_markdown import (
    HOSTILE,
    PAGE_FORBIDDEN_TAGS,
    assert_harmless,
    strip_site_scripts,
    tags_in,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_in_a_post_body_is_stored_harmless(portfolio, text):
    post = post_for(portfolio, title="t", body="- a **safe** item\n\n" + text)

    assert_harmless(post.body_html)
    assert "<strong>safe</strong>" in post.body_html


def _only_site_scripts(html):
    scripts = [attrs for tag, attrs in tags_in(html) if tag == "script"]
    assert [s.get("src", "").startswith("/static/") for s in scripts] == [True, True]
    assert_harmless(strip_site_scripts(html), forbidden_tags=PAGE_FORBIDDEN_TAGS)


def test_hostile_posts_are_harmless_on_every_page_and_in_the_feed(client, portfolio):
    posts = [
        post_for(portfolio, title=f"<script>alert({number})</script> post {number}",
                 body="I like **chess**.\n\n" + text,
                 tags=['"><svg onload=alert(1)>', "<img src=x onerror=alert(1)>"])
        for number, text in enumerate(HOSTILE)
    ]  # fmt: skip
    slug = portfolio.slug

    for url in [
        reverse("portfolios:public", args=[slug]),
        reverse("journal:list", args=[slug]),
        reverse("journal:list", args=[slug]) + "?page=2",
        reverse("journal:list", args=[slug]) + "?page=3",
        *[reverse("journal:detail", args=[slug, post.pk]) for post in posts],
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        _only_site_scripts(html)
        for block in re.findall(r'<div class="user-content">(.*?)</div>', html, flags=re.S):
            assert_harmless(block)

    detail = client.get(reverse("journal:detail", args=[slug, posts[0].pk])).content.decode()
    assert "&lt;script&gt;alert(0)&lt;/script&gt; post 0" in detail  # titles are text
    assert "<strong>chess</strong>" in detail

    root = ET.fromstring(client.get(reverse("journal:feed", args=[slug])).content)
    for entry in root.findall("{http://www.w3.org/2005/Atom}entry"):
        assert_harmless(entry.find("{http://www.w3.org/2005/Atom}summary").text)
        assert "<" in entry.find("{http://www.w3.org/2005/Atom}title").text  # text, escaped in XML
