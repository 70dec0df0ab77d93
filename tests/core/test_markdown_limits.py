"""Markdown cannot be used to deny service: the worst texts a field may hold render fast,
every Markdown field has a length limit, and writes render before they lock rows."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection

from achievements.models import Achievement
from achievements.services import achievement_create, achievement_update
from comments.models import Comment
from comments.services import comment_create, comment_update
from core import markdown
from feedback.models import Review
from feedback.services.reviews import review_save
from journal.models import Post
from journal.services import post_create, post_update
from portfolios.models import Portfolio, Visibility
from portfolios.services import portfolio_update
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    TermFactory,
    achievement_for,
    default_rubric,
    portfolio_for,
    post_for,
    scores_for,
    section,
)

# Every field rendered through core.markdown: (model, source field, HTML field).
MARKDOWN_FIELDS = [
    (Portfolio, "about", "about_html"),
    (Achievement, "description", "description_html"),
    (Post, "body", "body_html"),
    (Comment, "body", "body_html"),
    (Review, "feedback", "feedback_html"),
]


def _repeat(unit: str):
    return lambda n: (unit * (n // len(unit) + 1))[:n]


# Texts that made Python-Markdown quadratic (unbalanced brackets: "[" * 8000 took 15 s)
# and others that stress a Markdown parser: nesting, emphasis runs, wide tables.
PATHOLOGICAL = {
    "[": _repeat("["),
    "[ then ]": lambda n: "[" * (n // 2) + "]" * (n - n // 2),
    "![": _repeat("!["),
    "[](": _repeat("[]("),
    "[a](b ": _repeat("[a](b "),
    "[[[…](": _repeat("[" * 1000 + "]("),
    "*_": _repeat("*_"),
    "**a": _repeat("**a"),
    "`a": _repeat("`a"),
    "<a": _repeat("<a"),
    ">": _repeat(">"),
    "- ": _repeat("- "),
    "nested lists": _repeat("".join("  " * depth + "- a\n" for depth in range(100))),
    "[a]: <": _repeat("[a]: <"),
    "&#1;": _repeat("&#1;"),
    "table rows": lambda n: ("|a|b|\n|-|-|\n" + "|x|y|\n" * n)[:n],
    "wide table": lambda n: ("|a" * 100 + "\n" + "|-" * 100 + "\n" + ("|" * 100 + "\n") * n)[:n],
}

# The renderer's work, counted as Python and C function calls (deterministic, unlike a
# clock on a shared machine; bench/markdown_render.py prints the times, about 0.1 s at
# most). The worst text today makes about 190 calls per character; a quadratic parser
# made thousands at this length, and doubling the text would quadruple them.
CALLS_PER_CHARACTER = 300
GROWTH_WHEN_DOUBLED = 2.5


def _limit(model, name) -> int:
    return model._meta.get_field(name).max_length


def _render_calls(text: str) -> int:
    """How many functions (Python and C) one render calls."""
    calls = 0

    def count(_frame, event, _arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        markdown.render(text)
    finally:
        sys.setprofile(previous)
    return calls


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_the_worst_text_any_field_may_hold_renders_in_linear_work(name):
    # At the longest any field may hold (each field's own limit is at most this: below).
    limit = markdown.SOURCE_MAX_LENGTH
    text = PATHOLOGICAL[name](limit)
    assert len(text) == limit

    full = _render_calls(text)
    half = _render_calls(PATHOLOGICAL[name](limit // 2))

    assert full <= CALLS_PER_CHARACTER * limit
    assert full <= GROWTH_WHEN_DOUBLED * max(half, 1)


def test_the_work_count_sees_a_quadratic_renderer(monkeypatch):
    # The measure itself can fail: a renderer that rescans the text for every character.
    def quadratic(text):
        for position in range(len(text)):
            for _char in text[position:]:
                str.isalpha(_char)

    monkeypatch.setattr(markdown, "render", quadratic)
    full, half = _render_calls("[" * 400), _render_calls("[" * 200)

    assert full > GROWTH_WHEN_DOUBLED * half


@pytest.mark.parametrize(("model", "source", "html"), MARKDOWN_FIELDS)
def test_every_markdown_field_has_a_length_limit(model, source, html):
    field = model._meta.get_field(source)

    assert field.max_length is not None
    assert field.max_length <= markdown.SOURCE_MAX_LENGTH
    # Checked by full_clean (a TextField's max_length alone only sizes the form field).
    with pytest.raises(ValidationError) as refused:
        field.clean("a" * (field.max_length + 1), None)
    assert "at most" in str(refused.value)
    field.clean("a" * field.max_length, None)
    # The form field says so in the browser too.
    assert field.formfield().widget.attrs["maxlength"] == str(field.max_length)


def test_a_limit_above_what_renders_fast_is_refused():
    with pytest.raises(ValueError):
        markdown.source_validators(markdown.SOURCE_MAX_LENGTH + 1)


# --- CommonMark -------------------------------------------------------------------------


def test_raw_html_is_shown_as_text():
    html = str(markdown.render("Hi <b>there</b>\n\n<div>block</div>"))

    assert "&lt;b&gt;there&lt;/b&gt;" in html
    assert "&lt;div&gt;block&lt;/div&gt;" in html
    assert "<b>" not in html


def test_headings_sit_under_the_pages_own():
    html = str(markdown.render("# One\n\n## Two\n\n### Three\n\nSetext\n======"))

    assert html == "<h3>One</h3>\n<h4>Two</h4>\n<h3>Three</h3>\n<h3>Setext</h3>"


def test_an_image_is_left_out_and_loads_nothing():
    html = str(markdown.render("My poster: ![poster](https://example.org/poster.png)"))

    assert html == "<p>My poster: </p>"


def test_a_list_right_after_a_paragraph_is_a_list():
    # CommonMark; Python-Markdown wanted a blank line before it.
    html = str(markdown.render("My plan:\n- read\n- write"))

    assert "<ul>\n<li>read</li>\n<li>write</li>\n</ul>" in html


def test_bare_addresses_are_not_linked_but_autolinks_are():
    html = str(markdown.render("see https://example.org or <https://example.org/a>"))

    assert html.count("<a ") == 1
    assert 'href="https://example.org/a"' in html


# --- Rendered once, outside locks ------------------------------------------------------


class _Calls:
    """What happened, in order: each render (with how many transactions were open
    around it) and each SQL statement that locks rows."""

    def __init__(self, monkeypatch):
        self.events: list[str] = []
        self.depth = len(connection.savepoint_ids)  # the test's own transaction
        real_render = markdown.render

        def render(text):
            inside = len(connection.savepoint_ids) > self.depth
            self.events.append(f"render{' in a transaction' if inside else ''}:{text[:20]}")
            return real_render(text)

        monkeypatch.setattr(markdown, "render", render)

    def __call__(self, execute, sql, params, many, context):
        if "FOR UPDATE" in sql.upper():
            self.events.append("lock")
        return execute(sql, params, many, context)

    def renders(self) -> list[str]:
        return [event for event in self.events if event.startswith("render")]

    def assert_rendered_once_before_any_transaction(self, text: str):
        # Once, outside the write's transaction, so before any lock it takes.
        assert self.renders() == [f"render:{text[:20]}"], self.events
        assert self.events[0].startswith("render"), self.events


def _watch(monkeypatch, write):
    calls = _Calls(monkeypatch)
    with connection.execute_wrapper(calls):
        result = write()
    return calls, result


@pytest.fixture
def portfolio():
    return portfolio_for(StudentFactory(), visibility=Visibility.PUBLIC)


TEXT = "Rendered **before** the lock"


@pytest.mark.django_db
def test_a_profile_is_rendered_before_its_row_is_locked(monkeypatch, portfolio):
    calls, saved = _watch(
        monkeypatch, lambda: portfolio_update(portfolio=portfolio, skills=[], about=TEXT)
    )

    calls.assert_rendered_once_before_any_transaction(TEXT)
    assert "lock" in calls.events
    saved.refresh_from_db()
    assert saved.about_html == "<p>Rendered <strong>before</strong> the lock</p>"


@pytest.mark.django_db
def test_an_achievement_is_rendered_before_the_write_begins(monkeypatch, portfolio):
    calls, item = _watch(
        monkeypatch,
        lambda: achievement_create(
            portfolio=portfolio, category=section("certificates"), title="Cup", description=TEXT
        ),
    )
    calls.assert_rendered_once_before_any_transaction(TEXT)
    assert "<strong>before</strong>" in Achievement.objects.get(pk=item.pk).description_html

    calls, _item = _watch(
        monkeypatch, lambda: achievement_update(achievement=item, description=TEXT + "!")
    )
    calls.assert_rendered_once_before_any_transaction(TEXT + "!")
    assert "lock" in calls.events
    assert Achievement.objects.get(pk=item.pk).description_html.endswith("the lock!</p>")


@pytest.mark.django_db
def test_a_post_is_rendered_before_the_write_begins(monkeypatch, portfolio):
    calls, post = _watch(
        monkeypatch, lambda: post_create(portfolio=portfolio, title="Week 1", body=TEXT)
    )
    calls.assert_rendered_once_before_any_transaction(TEXT)

    calls, _post = _watch(monkeypatch, lambda: post_update(post=post, body=TEXT + "?"))
    calls.assert_rendered_once_before_any_transaction(TEXT + "?")
    assert Post.objects.get(pk=post.pk).body_html.endswith("the lock?</p>")


@pytest.mark.django_db
def test_a_comment_is_rendered_before_the_write_begins(monkeypatch, portfolio):
    author = StudentFactory()
    calls, comment = _watch(
        monkeypatch, lambda: comment_create(author=author, portfolio=portfolio, body=TEXT)
    )
    calls.assert_rendered_once_before_any_transaction(TEXT)

    calls, _comment = _watch(monkeypatch, lambda: comment_update(comment=comment, body=TEXT + "."))
    calls.assert_rendered_once_before_any_transaction(TEXT + ".")
    assert Comment.objects.get(pk=comment.pk).body_html.endswith("the lock.</p>")


@pytest.mark.django_db
def test_review_feedback_is_rendered_before_the_review_is_locked(monkeypatch):
    student = StudentFactory()
    supervisor = SupervisorAssignmentFactory(student=student).supervisor
    calls, review = _watch(
        monkeypatch,
        lambda: review_save(
            supervisor=supervisor,
            student=student,
            term=TermFactory(is_current=True),
            scores=scores_for(default_rubric(), 60, 60, 60, 60, 60),
            feedback=TEXT,
        ),
    )

    calls.assert_rendered_once_before_any_transaction(TEXT)
    assert "lock" in calls.events
    assert Review.objects.get(pk=review.pk).feedback_html.startswith("<p>Rendered <strong>")


@pytest.mark.django_db
def test_a_save_of_other_fields_renders_nothing(monkeypatch, portfolio):
    item = achievement_for(portfolio, title="Cup", description="**old**")
    post = post_for(portfolio, body="**old**")
    calls = _Calls(monkeypatch)

    item.order = 7
    item.save(update_fields=["order"])
    post.title = "Renamed"
    post.save(update_fields=["title"])

    assert calls.renders() == []


@pytest.mark.django_db
def test_html_rendered_ahead_for_other_text_is_not_used(portfolio):
    item = achievement_for(portfolio, title="Cup", description="first")
    markdown.render_ahead(item, "description")
    item.description = "**second**"  # changed after it was rendered ahead

    item.save()

    assert Achievement.objects.get(pk=item.pk).description_html == "<p><strong>second</strong></p>"


@pytest.mark.django_db
def test_too_long_text_is_refused_without_being_rendered(monkeypatch, portfolio):
    calls = _Calls(monkeypatch)
    limit = _limit(Post, "body")

    with pytest.raises(ValidationError) as refused:
        post_create(portfolio=portfolio, title="Long", body="[" * (limit + 1))

    assert "body" in refused.value.message_dict
    assert calls.renders() == []
    assert not Post.objects.filter(title="Long").exists()


# --- Stored HTML rendered again ---------------------------------------------------------


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.mark.django_db
def test_the_migrations_render_stored_html_again(portfolio):
    item = achievement_for(portfolio, title="Cup", description="# Cup\n\n**won**")
    post = post_for(portfolio, body="Day *one*")
    comment = comment_create(author=StudentFactory(), portfolio=portfolio, body="Nice `code`")
    other = portfolio_for(StudentFactory(), about="Untouched")
    portfolio_update(portfolio=portfolio, skills=[], about="I *like* maths")
    # HTML as the old renderer left it (or any other stale HTML).
    Achievement.objects.filter(pk=item.pk).update(description_html="<h1>old</h1>")
    Post.objects.filter(pk=post.pk).update(body_html="<p>old</p>")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>old</p>")
    Portfolio.objects.filter(pk=portfolio.pk).update(about_html="<p>old</p>")
    versions = dict(Portfolio.objects.values_list("pk", "content_version"))
    updated_at = Achievement.objects.get(pk=item.pk).updated_at

    for app, name in [
        ("achievements", "0006_rerender_markdown_commonmark"),
        ("journal", "0004_rerender_markdown_commonmark"),
        ("comments", "0002_rerender_markdown_commonmark"),
        ("portfolios", "0013_rerender_markdown_commonmark"),
        ("feedback", "0006_rerender_markdown_commonmark"),
    ]:
        _migration(app, name).rerender(django_apps, connection.schema_editor())

    saved = Achievement.objects.get(pk=item.pk)
    assert saved.description_html == "<h3>Cup</h3>\n<p><strong>won</strong></p>"
    assert saved.updated_at == updated_at  # nobody edited it
    assert Post.objects.get(pk=post.pk).body_html == "<p>Day <em>one</em></p>"
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>Nice <code>code</code></p>"
    assert Portfolio.objects.get(pk=portfolio.pk).about_html == "<p>I <em>like</em> maths</p>"
    # The cached page of the changed portfolio is not served again; the other one's is.
    after = dict(Portfolio.objects.values_list("pk", "content_version"))
    assert after[portfolio.pk] == versions[portfolio.pk] + 2  # its about and its item
    assert after[other.pk] == versions[other.pk]


@pytest.mark.django_db
def test_rendering_again_skips_a_row_edited_meanwhile(monkeypatch, portfolio):
    item = achievement_for(portfolio, title="Cup", description="first")
    Achievement.objects.filter(pk=item.pk).update(description_html="<p>old</p>")
    real_render = markdown.render

    def render_while_the_student_edits(text):
        # The student saves new text after the batch was read, before it is written.
        Achievement.objects.filter(pk=item.pk).update(
            description="second", description_html="<p>second</p>"
        )
        return real_render(text)

    monkeypatch.setattr(markdown, "render", render_while_the_student_edits)

    changed = markdown.rerender_stored(
        Achievement, "description", "description_html", changed_key="portfolio_id"
    )

    assert changed == set()
    assert Achievement.objects.get(pk=item.pk).description_html == "<p>second</p>"
