"""Markdown written by students is shown to everyone: whatever they type, the page runs no
script of theirs, loads nothing from elsewhere and links nowhere dangerous."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from core.markdown import render
from portfolios.models import Visibility
from tests.factories import StudentFactory, achievement_for, portfolio_for

HOSTILE = [
    # script tags, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<script type="module">import("//evil.example")</script>',
    # javascript:, data:, vbscript: links (plain, mixed case, encoded, spaced)
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](%6Aavascript:alert(1))",
    '[click]( "javascript:alert(1)")',
    "[click]: javascript:alert(1)\n\n[ref][click]",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="  javascript:alert(1)">spaces</a>',
    '<a href="java\nscript:alert(1)">newline</a>',
    "<javascript:alert(1)>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![img](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    "[vb](vbscript:msgbox(1))",
    '<a href="VBScript:msgbox(1)">vb</a>',
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">click me</p>',
    "<a href=https://example.org onmouseover=alert(1)>hover</a>",
    '<body onload="alert(1)">',
    '<details open ontoggle="alert(1)">',
    "<input autofocus onfocus=alert(1)>",
    # style and CSS expressions
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="width:expression(alert(1))">styled</p>',
    '<div style="background-image:url(javascript:alert(1))">div</div>',
    # frames and plugins
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # SVG and MathML
    "<svg onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # malformed and nested HTML (mutation XSS)
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<img src="x` `<script>alert(1)</script>"` `>',
    '<a href="https://example.org"<script>alert(1)</script>>x</a>',
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<p><a href="https://ok.example">ok</a><img/src=x/onerror=alert(1)></p>',
    # Markdown inside HTML and HTML inside Markdown
    '**bold <img src=x onerror="alert(1)">**',
    "- item <script>alert(1)</script>\n- [x](javascript:alert(1))",
    "> quote <iframe src=//evil.example>",
    "| a | b |\n|---|---|\n| <svg onload=alert(1)> | [x](javascript:alert(1)) |",
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "style", "svg", "math", "img", "form", "input",
    "meta", "base", "link", "body", "details", "button", "frame", "frameset",
}  # fmt: skip
PAGE_FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "math", "img"}
# The site's own scripts (Bootstrap, htmx), served by the app: the only ones a page may have.
SITE_SCRIPTS = (
    '<script src="/static/vendor/bootstrap/js/bootstrap.bundle.min.js" defer></script>',
    '<script src="/static/django_htmx/htmx-2.min.js" defer></script>',
)


def strip_site_scripts(html: str) -> str:
    for script in SITE_SCRIPTS:
        html = html.replace(script, "")
    return html


BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def tags_in(html):
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def dangerous_url(value):
    # Browsers ignore whitespace and control characters inside a scheme.
    squeezed = "".join(ch for ch in value if ord(ch) > 0x20).lower()
    return squeezed.startswith(BAD_SCHEMES)


def assert_harmless(html, *, forbidden_tags=FORBIDDEN_TAGS):
    lowered = html.lower()
    for tag in ("<script", "<iframe", "<object", "<embed", "<style", "<svg", "<math", "<img"):
        assert tag not in lowered, html
    # An event handler in a tag; quoted attribute values are skipped: raw HTML typed into
    # Markdown is shown as (escaped) text, which may end up in a quoted attribute such as
    # a page's meta description.
    assert not re.search(r"<[a-z](?:[^>\"']|\"[^\"]*\"|'[^']*')*\son\w+\s*=", lowered), html
    for tag, attrs in tags_in(html):
        assert tag not in forbidden_tags, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name not in ("style", "srcdoc", "formaction"), html
            if name in ("href", "src", "action", "data", "xlink:href", "poster", "background"):
                assert not dangerous_url(value), html


def test_the_corpus_is_big_enough():
    assert len(HOSTILE) >= 25


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_harmless(text):
    assert_harmless(str(render(text)))


def test_the_corpus_all_at_once_renders_harmless():
    assert_harmless(str(render("\n\n".join(HOSTILE))))


# --- What students may use -------------------------------------------------------------


def test_allowed_markdown_still_renders():
    html = str(
        render(
            "# My project\n\n"
            "I am **proud** of *this*.\n\n"
            "- planning\n- coding\n\n"
            "1. first\n2. second\n\n"
            "See [the report](https://example.org/report) or write to "
            "[me](mailto:aida@example.edu).\n\n"
            "`print('hi')`\n\n"
            "| Year | Grade |\n|---|---|\n| 2025 | 5 |"
        )
    )

    assert "<h3>My project</h3>" in html  # headings sit under the page's own
    assert "<h1>" not in html
    assert "<strong>proud</strong>" in html
    assert "<em>this</em>" in html
    assert "<ul>\n<li>planning</li>\n<li>coding</li>\n</ul>" in html
    assert "<ol>" in html
    assert "<code>print('hi')</code>" in html or "<code>print(&#x27;hi&#x27;)</code>" in html
    assert "<table>" in html
    link = next(attrs for tag, attrs in tags_in(html) if tag == "a")
    assert link["href"] == "https://example.org/report"
    assert "nofollow" in link["rel"].split()
    assert "noopener" in link["rel"].split()
    assert 'href="mailto:aida@example.edu"' in html


def test_a_hostile_link_keeps_its_text():
    html = str(render("[my slides](javascript:alert(1))"))

    assert "my slides" in html
    assert "href" not in html


def test_empty_text_renders_nothing():
    assert str(render("")) == ""


# --- Through the public page -------------------------------------------------------------


@pytest.mark.django_db
def test_public_page_with_hostile_about_and_descriptions_runs_nothing(client):
    student = StudentFactory(username="mallory")
    portfolio = portfolio_for(
        student,
        visibility=Visibility.PUBLIC,
        # Safe text first: an unclosed hostile tag may swallow what follows it (harmlessly).
        about="I like **chess** and [my blog](https://blog.example).\n\n" + "\n\n".join(HOSTILE),
        headline='"><script>alert("headline")</script>',
        interests="<img src=x onerror=alert(1)>",
    )
    for number, text in enumerate(HOSTILE):
        achievement_for(
            portfolio,
            title=f"<script>alert({number})</script> item {number}",
            description="- a **safe** list item\n\n" + text,
            visibility=Visibility.PUBLIC,
            organisation="<iframe src=//evil.example>",
            result='"><svg onload=alert(1)>',
        )

    response = client.get(reverse("portfolios:public", args=[portfolio.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    # The only scripts on the page are the site's own (Bootstrap, htmx).
    scripts = [attrs for tag, attrs in tags_in(html) if tag == "script"]
    assert [s.get("src", "") for s in scripts] == [
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js", "/static/django_htmx/htmx-2.min.js",
    ]  # fmt: skip
    # The page's own markup (forms, meta, links) is allowed outside the students' text.
    assert_harmless(strip_site_scripts(html), forbidden_tags=PAGE_FORBIDDEN_TAGS)
    user_blocks = re.findall(r'<div class="user-content">(.*?)</div>', html, flags=re.S)
    assert len(user_blocks) == 1 + len(HOSTILE)
    for block in user_blocks:
        assert_harmless(block)
    assert "<strong>chess</strong>" in html
    assert html.count("<strong>safe</strong>") == len(HOSTILE)
    assert 'href="https://blog.example" rel="nofollow noopener noreferrer ugc"' in html
    assert "&lt;script&gt;alert(0)&lt;/script&gt; item 0" in html  # titles are text, not HTML
