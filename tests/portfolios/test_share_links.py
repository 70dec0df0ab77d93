"""Secret share links: made by the student, they show the page as a signed-in user sees it
(never supervisor-only or private items), record every visit, and stop working when
revoked or expired."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolios.models import ShareLink, ShareLinkVisit, Visibility
from portfolios.services import share_link_create, share_link_revoke
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
)

pytestmark = pytest.mark.django_db

V = Visibility
TITLES = {
    V.PRIVATE: "Private draft of my thesis",
    V.SUPERVISORS: "Transcript for my supervisor",
    V.SIGNED_IN: "Internship at Ala-Too Soft",
    V.PUBLIC: "Volleyball cup, 1st place",
}


def titles_on(response):
    html = response.content.decode()
    return {t.strip() for t in re.findall(r'<h3 id="achievement-\d+"[^>]*>([^<]*)', html)}


@pytest.fixture
def student():
    return StudentFactory(username="aida")


@pytest.fixture
def portfolio(student):
    """A page only the student's supervisors may open, with an item at each visibility."""
    portfolio = portfolio_for(student, visibility=V.SUPERVISORS)
    for visibility, title in TITLES.items():
        achievement_for(
            portfolio,
            title=title,
            visibility=visibility,
            files=[(f"proof-{visibility}.pdf", pdf_bytes(title))],
        )
    return portfolio


@pytest.fixture
def link(portfolio):
    return share_link_create(portfolio=portfolio, label="For Bakai Bank")


def evidence_of(portfolio, visibility):
    return portfolio.achievements.get(visibility=visibility).evidence.get()


def shared_file_url(link, evidence, variant="original"):
    return reverse("achievements:shared-file", args=[link.token, evidence.public_id, variant])


# --- Making links --------------------------------------------------------------------


def test_student_creates_a_link_and_sees_its_address(client, student, portfolio):
    client.force_login(student)

    response = client.post(
        reverse("portfolios:share-links"),
        {"label": "For Bakai Bank", "expires_on": ""},
        follow=True,
    )

    link = ShareLink.objects.get(portfolio=portfolio)
    assert link.label == "For Bakai Bank"
    assert link.expires_at is None
    assert len(link.token) >= 40  # 32 random bytes, URL-safe: unguessable
    html = response.content.decode()
    assert "The link “For Bakai Bank” is ready" in html
    assert f"http://testserver/s/{link.token}/" in html


def test_a_link_with_an_expiry_works_until_the_end_of_that_day(client, student, portfolio):
    client.force_login(student)
    day = timezone.localdate() + datetime.timedelta(days=7)

    client.post(reverse("portfolios:share-links"), {"label": "Week", "expires_on": day})

    link = ShareLink.objects.get(portfolio=portfolio)
    expires = timezone.localtime(link.expires_at)
    assert expires.date() == day
    assert (expires.hour, expires.minute) == (23, 59)


def test_an_expiry_in_the_past_is_refused(client, student, portfolio):
    client.force_login(student)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(
        reverse("portfolios:share-links"), {"label": "Old", "expires_on": yesterday}
    )

    assert response.status_code == 200
    assert "Choose today or a later day." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_two_links_have_different_tokens(portfolio):
    first = share_link_create(portfolio=portfolio, label="A")
    second = share_link_create(portfolio=portfolio, label="B")

    assert first.token != second.token


def test_share_links_page_needs_a_signed_in_student(client, db):
    response = client.get(reverse("portfolios:share-links"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Opening a link --------------------------------------------------------------------


def test_link_shows_items_up_to_signed_in_even_on_a_page_for_supervisors(client, link):
    response = client.get(reverse("portfolios:shared", args=[link.token]))

    assert response.status_code == 200
    assert titles_on(response) == {TITLES[V.SIGNED_IN], TITLES[V.PUBLIC]}


def test_the_same_page_without_the_link_is_a_404(client, link, portfolio):
    assert client.get(reverse("portfolios:public", args=[portfolio.slug])).status_code == 404


def test_shared_page_is_not_cached_or_indexed_and_leaks_no_referrer(client, link):
    response = client.get(reverse("portfolios:shared", args=[link.token]))

    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'property="og:url"' not in html  # the secret address is not advertised
    assert 'rel="canonical"' not in html


def test_shared_page_links_files_through_the_secret_address(client, link, portfolio):
    evidence = evidence_of(portfolio, V.SIGNED_IN)

    html = client.get(reverse("portfolios:shared", args=[link.token])).content.decode()

    assert f'href="{shared_file_url(link, evidence)}"' in html
    plain_url = reverse("achievements:file", args=[evidence.public_id, "original"])
    assert f'href="{plain_url}"' not in html


@pytest.mark.parametrize(
    ("visibility", "status"),
    [(V.PUBLIC, 200), (V.SIGNED_IN, 200), (V.SUPERVISORS, 404), (V.PRIVATE, 404)],
)
def test_files_through_the_link_follow_the_same_rule(client, link, portfolio, visibility, status):
    evidence = evidence_of(portfolio, visibility)

    response = client.get(shared_file_url(link, evidence))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_photo_through_the_link(client, link, portfolio):
    from core.files.uploads import prepare_upload
    from portfolios.services import portfolio_update
    from tests.factories import uploaded_file

    portfolio_update(
        portfolio=portfolio, skills=[], photo=prepare_upload(uploaded_file("me.png", png_bytes()))
    )

    page = client.get(reverse("portfolios:shared", args=[link.token])).content.decode()
    photo_url = reverse("portfolios:shared-photo", args=[link.token, "display"])

    assert photo_url in page
    assert client.get(photo_url).status_code == 200
    assert (
        client.get(reverse("portfolios:photo", args=[portfolio.slug, "display"])).status_code == 404
    )


def test_a_token_cannot_fetch_another_portfolios_files(client, link):
    other = portfolio_for(StudentFactory(), visibility=V.PUBLIC)
    public_item = achievement_for(
        other, title="Someone else's", visibility=V.PUBLIC, files=[("x.pdf", pdf_bytes())]
    )

    response = client.get(shared_file_url(link, public_item.evidence.get()))

    assert response.status_code == 404


def test_an_unknown_token_is_a_404(client, link):
    assert client.get(reverse("portfolios:shared", args=[link.token + "x"])).status_code == 404
    assert client.get(reverse("portfolios:shared", args=["not-a-token"])).status_code == 404


# --- Visits ----------------------------------------------------------------------------


def test_every_visit_is_recorded_and_the_student_sees_them(client, student, link):
    url = reverse("portfolios:shared", args=[link.token])
    Client().get(url, headers={"User-Agent": "HRBrowser/1.0 (Company X)"})
    Client().get(url, headers={"User-Agent": "PhoneBrowser/2.0"})

    assert ShareLinkVisit.objects.filter(link=link).count() == 2

    client.force_login(student)
    listing = client.get(reverse("portfolios:share-links")).content.decode()
    assert "Opened 2 times." in listing
    visits = client.get(reverse("portfolios:share-link-visits", args=[link.pk]))
    assert visits.status_code == 200
    html = visits.content.decode()
    assert "HRBrowser/1.0 (Company X)" in html
    assert "PhoneBrowser/2.0" in html


def test_a_reload_or_a_language_switch_is_not_a_second_visit(client, student, link):
    from notifications.models import Notification

    url = reverse("portfolios:shared", args=[link.token])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # reload
    client.post(reverse("set_language"), {"language": "ru", "next": url})
    assert client.get(url).status_code == 200
    client.post(reverse("set_language"), {"language": "ky", "next": url})
    assert client.get(url).status_code == 200
    assert ShareLinkVisit.objects.filter(link=link).count() == 1
    assert Notification.objects.filter(recipient=student).count() == 1
    # Another visitor (another browser) is another visit.
    Client().get(url)
    assert ShareLinkVisit.objects.filter(link=link).count() == 2


def test_the_share_links_page_offers_a_copy_button(client, student, link):
    client.force_login(student)
    html = client.get(reverse("portfolios:share-links")).content.decode()
    assert f'data-copy-target="link-{link.pk}"' in html
    assert "js/copy-link.js" in html
    assert 'aria-live="polite" data-copied="Copied"' in html
    client.post(reverse("set_language"), {"language": "ru"})
    html = client.get(reverse("portfolios:share-links")).content.decode()
    assert 'data-copied="Скопировано"' in html
    assert ">Копировать<" in html


def test_a_link_nobody_opened_says_so(client, student, link):
    client.force_login(student)

    html = client.get(reverse("portfolios:share-link-visits", args=[link.pk])).content.decode()

    assert "Nobody has opened this link yet." in html


def test_a_refused_visit_is_not_recorded(client, link):
    share_link_revoke(link=link)

    client.get(reverse("portfolios:shared", args=[link.token]))

    assert not ShareLinkVisit.objects.exists()


# --- Revoking and expiry ---------------------------------------------------------------


def test_a_revoked_link_shows_nothing(client, student, link, portfolio):
    evidence = evidence_of(portfolio, V.PUBLIC)
    client.force_login(student)

    response = client.post(reverse("portfolios:share-link-revoke", args=[link.pk]), follow=True)

    assert "The link “For Bakai Bank” no longer works." in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.logout()
    assert client.get(reverse("portfolios:shared", args=[link.token])).status_code == 404
    assert client.get(shared_file_url(link, evidence)).status_code == 404
    photo = reverse("portfolios:shared-photo", args=[link.token, "display"])
    assert client.get(photo).status_code == 404


def test_revoking_needs_a_post(client, student, link):
    client.force_login(student)

    response = client.get(reverse("portfolios:share-link-revoke", args=[link.pk]))

    assert response.status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


def test_an_expired_link_shows_nothing(client, link, portfolio):
    evidence = evidence_of(portfolio, V.PUBLIC)
    link.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    link.save()

    assert client.get(reverse("portfolios:shared", args=[link.token])).status_code == 404
    assert client.get(shared_file_url(link, evidence)).status_code == 404


def test_a_link_that_has_not_expired_yet_works(client, link):
    link.expires_at = timezone.now() + datetime.timedelta(minutes=5)
    link.save()

    assert client.get(reverse("portfolios:shared", args=[link.token])).status_code == 200


def test_revoked_and_expired_links_are_labelled_in_the_list(client, student, portfolio):
    share_link_revoke(link=share_link_create(portfolio=portfolio, label="Gone"))
    old = share_link_create(portfolio=portfolio, label="Old")
    old.expires_at = timezone.now() - datetime.timedelta(days=1)
    old.save()
    client.force_login(student)

    html = client.get(reverse("portfolios:share-links")).content.decode()

    assert "Revoked" in html
    assert "Expired" in html
    assert f"/s/{old.token}/" not in html


# --- Other students' links -------------------------------------------------------------


def test_another_student_cannot_see_visits_of_or_revoke_my_link(client, link):
    other = StudentFactory()
    portfolio_for(other)
    client.force_login(other)

    assert client.get(reverse("portfolios:share-link-visits", args=[link.pk])).status_code == 404
    assert client.post(reverse("portfolios:share-link-revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert link.label not in client.get(reverse("portfolios:share-links")).content.decode()
