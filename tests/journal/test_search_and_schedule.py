"""Journal posts in employers' search, and scheduled posts that come due: the search
document holds the posts a signed-in user may read (and nothing else), and
``publish_due_posts`` brings documents and cached pages up to date when a date comes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from journal.models import Post, Status
from journal.services import due_posts_publish, post_update
from portfolios.models import Portfolio, SearchDocument, Visibility
from portfolios.services import portfolio_update
from search.query import portfolio_search
from tests.factories import StudentFactory, achievement_for, portfolio_for, post_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    student = StudentFactory(first_name="Aida", last_name="Bekova")
    portfolio = portfolio_for(student)
    portfolio_update(
        portfolio=portfolio, skills=[], visibility=Visibility.PUBLIC, open_to_work=True
    )
    return portfolio


def came_due(post):
    """The hour passes: the post's date and its portfolio's document move back instead of
    the clock forward (the document was written when the post was scheduled)."""
    now = timezone.now()
    Post.objects.filter(pk=post.pk).update(published_at=now - timedelta(minutes=1))
    SearchDocument.objects.filter(portfolio_id=post.portfolio_id).update(
        updated_at=now - timedelta(hours=1)
    )


def found(query: str) -> list[str]:
    return [p.slug for p in portfolio_search(query=query)]


def test_search_finds_words_of_posts_a_signed_in_user_may_read(listed):
    post_for(listed, title="Microcontrollers", body="I built a **hydroponics** controller.",
             tags=["Arduino"], visibility=Visibility.SIGNED_IN)  # fmt: skip
    post_for(listed, title="Лабораторная", body="Работа с учениками по робототехнике.")

    assert found("hydroponics") == [listed.slug]
    assert found("arduino") == [listed.slug]
    assert found("робототехника") == [listed.slug]  # Russian, stemmed


@pytest.mark.parametrize(
    "fields",
    [
        {"visibility": Visibility.SUPERVISORS},
        {"visibility": Visibility.PRIVATE},
        {"status": Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=3)},
    ],
    ids=["supervisors", "private", "draft", "scheduled"],
)
def test_posts_nobody_signed_in_may_read_make_no_match(listed, fields):
    post_for(listed, title="Secret", body="zeppelinology notes", **fields)
    assert found("zeppelinology") == []


def test_editing_or_deleting_a_post_rewrites_the_document(listed):
    post = post_for(listed, title="Notes", body="ornithology field trip")
    assert found("ornithology") == [listed.slug]

    post_update(post=post, visibility=Visibility.PRIVATE)
    assert found("ornithology") == []
    post_update(post=post, visibility=Visibility.PUBLIC)
    assert found("ornithology") == [listed.slug]
    post.delete()
    assert found("ornithology") == []


def test_a_scheduled_post_enters_search_and_the_cached_page_when_its_date_comes(client, listed):
    post = post_for(listed, title="Volcanology week", body="magma chambers",
                    published_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    page = reverse("portfolios:public", args=[listed.slug])
    assert "Volcanology week" not in client.get(page).content.decode()  # cached from here
    assert due_posts_publish() == 0  # not due yet

    came_due(post)
    assert found("magma") == []
    version = Portfolio.objects.get(pk=listed.pk).content_version

    out = StringIO()
    call_command("publish_due_posts", stdout=out)
    assert out.getvalue() == "Portfolios with posts that came due: 1.\n"
    assert found("magma") == [listed.slug]
    assert Portfolio.objects.get(pk=listed.pk).content_version == version + 1
    assert "Volcanology week" in client.get(page).content.decode()

    assert due_posts_publish() == 0  # nothing twice


def test_publishing_due_posts_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    for number in range(12):
        student = StudentFactory()
        portfolio = portfolio_for(student)
        post = post_for(portfolio, title=f"Post {number}",
                        published_at=timezone.now() + timedelta(hours=1))  # fmt: skip
        came_due(post)
    with django_assert_max_num_queries(12):
        assert due_posts_publish() == 12


def test_a_long_journal_does_not_overflow_the_document(listed):
    body = "lorem ipsum dolor " * 555  # 9,990 characters (the limit), cut at 1,000 per post
    for number in range(60):
        post_for(listed, title=f"Long {number}", body=body)
    post_for(listed, title="Newest", body="seismography")
    assert found("seismography") == [listed.slug]


def test_only_the_newest_posts_and_their_first_characters_are_indexed(listed):
    now = timezone.now()
    post_for(listed, title="Oldest", body="palaeontology", published_at=now - timedelta(days=30))
    for number in range(10):
        post_for(listed, title=f"Post {number}", published_at=now - timedelta(days=number))
    post_for(listed, title="Long", body="word " * 250 + "speleology")  # past 1,000 characters

    assert found("oldest") == []  # the 12th newest: not indexed
    assert found("palaeontology") == []
    assert found("speleology") == []
    assert found("long") == [listed.slug]


def test_text_the_sanitiser_removes_makes_no_match(listed):
    """Search reads what readers see: words hidden in markup the sanitiser strips (an
    image, with its description and address) or in a link's address are not searchable.
    HTML typed into Markdown is shown as text, so its words are found."""
    hidden = (
        "![qqimage](https://example.com/qqpicture.png) "
        "[shown](https://example.com/qqaddress) <script>typed</script>"
    )
    portfolio_update(portfolio=listed, skills=[], about=f"Teacher. {hidden}",
                     visibility=Visibility.PUBLIC, open_to_work=True)  # fmt: skip
    achievement_for(listed, title="Olympiad", description=f"Won. {hidden}",
                    visibility=Visibility.PUBLIC)  # fmt: skip
    post_for(listed, title="Notes", body=f"Seen. {hidden}")

    for word in ("qqimage", "qqpicture", "qqaddress"):
        assert found(word) == [], word
    assert found("shown") == [listed.slug]
    assert found("typed") == [listed.slug]
    assert found("olympiad") == [listed.slug]
