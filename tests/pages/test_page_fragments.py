"""The cached portfolio page keeps each achievement's HTML on its own, keyed by the item's
``content_digest`` and the audience: after a change to one item only that item is rendered
again, every kind of change shows on the next view, and no fragment is served to a viewer it
was not made for."""

import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.template.loader import get_template
from django.urls import reverse

from accounts.models import User
from achievements.models import VERIFICATION_STATE_FIELDS, Achievement, Evidence
from achievements.selectors import EVIDENCE_SHOWN, content_digest
from achievements.services import (
    achievement_update,
    evidence_add_link,
    evidence_attach,
    evidence_delete,
    evidence_update_caption,
)
from core.files.uploads import prepare_upload
from feedback.services.verification import verification_decide, verification_request
from portfolios.models import Skill, Visibility
from portfolios.services import share_link_create
from tests.factories import (
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

V = Visibility
ITEM = "pages/_portfolio_item.html"
ITEMS = 4


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def portfolio():
    portfolio = portfolio_for(StudentFactory(username="aida"), visibility=V.PUBLIC)
    for number in range(1, ITEMS + 1):
        achievement_for(
            portfolio, title=f"Item {number}", visibility=V.PUBLIC, section_code="sports",
            files=[(f"proof{number}.pdf", pdf_bytes(f"Proof {number}"))],
        )  # fmt: skip
    return portfolio


def item(title):
    return Achievement.objects.get(title=title)


def public(client, portfolio, **headers):
    client.logout()
    response = client.get(reverse("portfolios:public", args=[portfolio.slug]), headers=headers)
    assert response.status_code == 200
    return response


def as_owner(client, portfolio):
    client.force_login(portfolio.student)
    response = client.get(reverse("portfolios:public", args=[portfolio.slug]))
    assert response.status_code == 200
    return response


def rendered_items(response) -> int:
    """How many achievements this request rendered (the others came from the cache)."""
    return [template.name for template in response.templates].count(ITEM)


def html(response) -> str:
    return response.content.decode()


def article(response, title) -> str:
    """The HTML of the achievement called ``title`` on the page ("" if not shown)."""
    found = re.search(
        rf"<article[^>]*>\s*<h3 [^>]*>{re.escape(title)}.*?</article>", html(response), re.S
    )
    return found.group(0) if found else ""


def titles(response):
    return re.findall(r'<h3 id="achievement-\d+"[^>]*>([^<]*)', html(response))


# --- Only what changed is rendered again --------------------------------------------------


def test_a_change_to_one_item_renders_only_that_item(client, portfolio):
    assert rendered_items(public(client, portfolio)) == ITEMS
    assert rendered_items(public(client, portfolio)) == 0  # the whole body is cached

    achievement_update(achievement=item("Item 2"), result="1st place")
    response = public(client, portfolio)

    assert rendered_items(response) == 1
    assert "1st place" in article(response, "Item 2")
    assert titles(response) == [f"Item {n}" for n in range(1, ITEMS + 1)]


def test_a_profile_change_renders_no_item_again(client, portfolio):
    public(client, portfolio)
    portfolio.about = "New about"
    portfolio.save()

    response = public(client, portfolio)

    assert "New about" in html(response)
    assert rendered_items(response) == 0


def test_a_new_item_is_the_only_one_rendered(client, portfolio):
    public(client, portfolio)
    achievement_for(portfolio, title="Item 5", visibility=V.PUBLIC, section_code="sports")

    response = public(client, portfolio)

    assert rendered_items(response) == 1
    assert titles(response)[-1] == "Item 5"


# --- Every kind of change shows on the next view -------------------------------------------


def _field(portfolio):
    achievement_update(achievement=item("Item 1"), organisation="Chess federation")
    return lambda page: "Chess federation" in article(page, "Item 1")


def _skill(portfolio):
    achievement_update(achievement=item("Item 1"), skills=["Robotics"])
    return lambda page: "Robotics" in article(page, "Item 1")


def _evidence_added(portfolio):
    evidence_attach(
        achievement=item("Item 1"),
        files=[prepare_upload(uploaded_file("programme.pdf", pdf_bytes("Programme")))],
    )
    return lambda page: "programme.pdf" in article(page, "Item 1")


def _link_added(portfolio):
    evidence_add_link(achievement=item("Item 1"), url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    return lambda page: "youtube.com" in article(page, "Item 1")


def _evidence_removed(portfolio):
    evidence = item("Item 1").evidence.get()
    evidence_delete(evidence=evidence)
    return lambda page: (
        article(page, "Item 1") and str(evidence.public_id) not in article(page, "Item 1")
    )


def _caption(portfolio):
    evidence_update_caption(evidence=item("Item 1").evidence.get(), caption="Signed by the rector")
    return lambda page: "Signed by the rector" in article(page, "Item 1")


def _hidden(portfolio):
    achievement_update(achievement=item("Item 1"), visibility=V.SUPERVISORS)
    return lambda page: "Item 1" not in titles(page) and len(titles(page)) == ITEMS - 1


@pytest.mark.parametrize(
    "change",
    [_field, _skill, _evidence_added, _link_added, _evidence_removed, _caption, _hidden],
    ids=lambda change: change.__name__.strip("_"),
)
def test_every_kind_of_change_shows_on_the_next_view(client, portfolio, change):
    public(client, portfolio)

    shows = change(portfolio)
    response = public(client, portfolio)

    assert shows(response)
    assert rendered_items(response) <= 1


def test_a_verification_and_its_reset_show_on_the_next_view(client, portfolio):
    supervisor = SupervisorAssignmentFactory(
        student=portfolio.student, supervisor__first_name="Nurlan", supervisor__last_name="Bek"
    ).supervisor
    first = item("Item 1")
    public(client, portfolio)

    verification_request(achievement=first, student=portfolio.student)
    first = verification_decide(achievement=first, supervisor=supervisor, verify=True)
    response = public(client, portfolio)
    assert "verified-badge" in article(response, "Item 1")
    assert "Nurlan Bek" in article(response, "Item 1")
    assert rendered_items(response) == 1

    # A supervisor's decision saves only the verification fields; a change to what was
    # verified resets it (feedback's rule), and the badge goes.
    achievement_update(achievement=item("Item 1"), title="Item 1, renamed")
    response = public(client, portfolio)
    assert "Item 1, renamed" in titles(response)
    assert "verified-badge" not in html(response)


def test_an_item_hidden_from_the_public_still_shows_to_supervisors(client, portfolio):
    supervisor = SupervisorAssignmentFactory(student=portfolio.student).supervisor
    url = reverse("portfolios:public", args=[portfolio.slug])
    client.force_login(supervisor)
    client.get(url)
    public(client, portfolio)

    achievement_update(achievement=item("Item 3"), visibility=V.SUPERVISORS)

    assert "Item 3" not in titles(public(client, portfolio))
    client.force_login(supervisor)
    assert "Item 3" in titles(client.get(url))


def test_an_evidence_caption_edited_in_the_admin_shows(client, portfolio):
    from accounts.services import staff_group_ensure

    public(client, portfolio)
    evidence = item("Item 2").evidence.get()
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    response = client.post(
        reverse("admin:achievements_evidence_change", args=[evidence.pk]),
        {"caption": "Checked by the dean's office", "order": evidence.order},
    )
    assert response.status_code == 302

    response = public(client, portfolio)
    assert "Checked by the dean&#x27;s office" in article(response, "Item 2")
    assert rendered_items(response) == 1


# --- No fragment is served to a viewer it was not made for ---------------------------------


def _owner(client, portfolio):
    return as_owner(client, portfolio)


def _public(client, portfolio):
    return public(client, portfolio)


def _russian(client, portfolio):
    return public(client, portfolio, **{"Accept-Language": "ru"})


def _supervisor(client, portfolio):
    client.force_login(SupervisorAssignmentFactory(student=portfolio.student).supervisor)
    return client.get(reverse("portfolios:public", args=[portfolio.slug]))


def _staff(client, portfolio):  # sees everything, as the owner does, without the badges
    client.force_login(StaffFactory())
    return client.get(reverse("portfolios:public", args=[portfolio.slug]))


def _signed_in(client, portfolio):  # the level a secret link has, without the link
    client.force_login(StudentFactory())
    return client.get(reverse("portfolios:public", args=[portfolio.slug]))


def _secret_link(client, portfolio, label="Company X"):
    client.logout()
    link = portfolio.share_links.filter(label=label).first()
    link = link or share_link_create(portfolio=portfolio, label=label)
    return client.get(reverse("portfolios:shared", args=[link.token]))


def _other_secret_link(client, portfolio):
    return _secret_link(client, portfolio, label="Company Y")


PAIRS = [
    (_owner, _public), (_public, _owner), (_owner, _staff), (_staff, _owner),
    (_public, _russian), (_russian, _public), (_public, _supervisor), (_supervisor, _public),
    (_secret_link, _signed_in), (_signed_in, _secret_link), (_secret_link, _other_secret_link),
    (_secret_link, _public),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=lambda viewer: viewer.__name__.strip("_"))
def test_viewers_never_share_fragments(client, portfolio, first, second):
    first(client, portfolio)

    response = second(client, portfolio)

    assert response.status_code == 200
    assert rendered_items(response) == ITEMS


def test_the_owner_badges_and_the_secret_link_stay_with_their_viewer(client, portfolio):
    link = share_link_create(portfolio=portfolio, label="Company X")
    as_owner(client, portfolio)
    client.logout()
    client.get(reverse("portfolios:shared", args=[link.token]))

    page = html(public(client, portfolio))

    assert f'text-bg-success">{V.PUBLIC.label}</span>' not in page  # the owner's badges
    assert link.token not in page


# --- Queries -------------------------------------------------------------------------------

# The public page with its body not cached, before fragments (measured at the commit before
# them): the first view after any change cost this many queries.
QUERIES_BEFORE = 8


def anonymous_view(client, portfolio, django_assert_max_num_queries, budget):
    client.logout()
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("portfolios:public", args=[portfolio.slug]))
    assert response.status_code == 200
    return response


def test_a_cold_page_costs_no_more_queries(client, portfolio, django_assert_max_num_queries):
    response = anonymous_view(client, portfolio, django_assert_max_num_queries, QUERIES_BEFORE)
    assert rendered_items(response) == ITEMS


def test_the_view_after_a_one_item_change_costs_no_more_queries(
    client, portfolio, django_assert_max_num_queries
):
    public(client, portfolio)
    achievement_update(achievement=item("Item 2"), result="1st place")

    response = anonymous_view(client, portfolio, django_assert_max_num_queries, QUERIES_BEFORE)
    assert rendered_items(response) == 1


def test_items_from_the_cache_cost_no_query_of_theirs(
    client, portfolio, django_assert_max_num_queries
):
    """Evidence, skills and the achievements' rows are read only for items to render."""
    public(client, portfolio)
    portfolio.about = "New about"
    portfolio.save()

    response = anonymous_view(client, portfolio, django_assert_max_num_queries, QUERIES_BEFORE - 3)
    assert rendered_items(response) == 0


# --- The item's version ---------------------------------------------------------------------


def digest(achievement) -> str:
    return (
        Achievement.objects.filter(pk=achievement.pk)
        .annotate(digest=content_digest())
        .values_list("digest", flat=True)
        .get()
    )


def _row_updated(first):
    Achievement.objects.filter(pk=first.pk).update(grade="A")  # no save(), no updated_at


def _verification_fields_saved(first):
    first.verification_note = "Declined: unreadable scan"
    first.save(update_fields=VERIFICATION_STATE_FIELDS)


def _caption_saved(first):
    evidence = first.evidence.get()
    evidence.caption = "From the admin"
    evidence.save(update_fields=["caption"])


def _evidence_reordered(first):
    Evidence.objects.filter(achievement=first).update(order=7)


def _evidence_deleted(first):
    Evidence.objects.filter(achievement=first).delete()


def _skill_linked(first):
    first.skills.add(Skill.objects.create(name="Chess", key="chess"))


def _skill_renamed(first):
    skill = Skill.objects.create(name="Chess", key="chess")
    first.skills.add(skill)
    before = digest(first)
    Skill.objects.filter(pk=skill.pk).update(name="Chess (classical)")
    assert digest(first) != before


def _verifier_renamed(first):
    supervisor = SupervisorAssignmentFactory(student=first.portfolio.student).supervisor
    verification_request(achievement=first, student=first.portfolio.student)
    verification_decide(achievement=first, supervisor=supervisor, verify=True)
    before = digest(first)
    User.objects.filter(pk=supervisor.pk).update(last_name="Renamed")
    assert digest(first) != before


@pytest.mark.parametrize(
    "change",
    [_row_updated, _verification_fields_saved, _caption_saved, _evidence_reordered,
     _evidence_deleted, _skill_linked, _skill_renamed, _verifier_renamed],
    ids=lambda change: change.__name__.strip("_"),
)  # fmt: skip
def test_the_version_moves_with_every_change_however_made(portfolio, change):
    first, second = item("Item 1"), item("Item 2")
    before, other = digest(first), digest(second)

    change(first)

    assert digest(first) != before
    assert digest(second) == other


def test_a_version_never_comes_back_after_a_change(portfolio):
    """A caption changed and changed back (each in a transaction of its own, as in the
    admin) gives a new version: HTML rendered in between cannot be served under the old
    one."""
    evidence = item("Item 1").evidence.get()
    before = digest(item("Item 1"))

    with transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(caption="Changed")
    with transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(caption=evidence.caption)

    assert digest(item("Item 1")) != before


def test_the_version_covers_every_evidence_field_the_page_shows():
    source = get_template(ITEM).template.source
    shown = {
        re.sub(r"^get_(\w+)_display$", r"\1", name)
        for name in re.findall(r"(?<![.\w])evidence\.(\w+)", source)
    }
    assert {"caption", "kind", "original_name"} <= shown
    assert shown <= set(EVIDENCE_SHOWN)
    assert "evidence_url evidence" in source and "public_id" in EVIDENCE_SHOWN


def test_a_skill_taken_away_and_given_back_is_a_new_version(portfolio):
    """Skill links are versioned by their own rows: A → B → A (without saving the
    achievement's row) never brings back a key whose HTML showed B."""
    achievement = item("Item 1")
    python = Skill.objects.get_or_create(key="python", defaults={"name": "Python"})[0]
    sql = Skill.objects.get_or_create(key="sql", defaults={"name": "SQL"})[0]
    achievement.skills.set([python])
    with_python = digest(achievement)
    achievement.skills.set([sql])
    with_sql = digest(achievement)
    achievement.skills.set([python])
    assert len({with_python, with_sql, digest(achievement)}) == 3
