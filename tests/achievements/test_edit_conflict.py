"""Two tabs editing the same achievement: the second save is refused with "changed in
another tab" and keeps what was typed, instead of silently overwriting the first; saving
again then replaces it deliberately. Changes the form does not overwrite (evidence, order,
a supervisor's verification) are no conflict."""

import re

import pytest
from django.urls import reverse

from achievements.models import Achievement
from achievements.services import EditConflict, achievement_update, evidence_add_link
from feedback.services.verification import verification_decide, verification_request
from portfolios.models import Visibility
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    achievement_for,
    portfolio_for,
    section,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(client):
    student = StudentFactory(username="aida")
    portfolio_for(student, visibility=Visibility.PUBLIC)
    client.force_login(student)
    return student


@pytest.fixture
def item(student):
    return achievement_for(student.portfolio, title="Olympiad", description="First round")


def _opened(client, item) -> dict:
    """The edit form as a tab holds it: every field as the page filled it in."""
    page = client.get(reverse("achievements:edit", args=[item.pk])).content.decode()
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    return {
        "category": section("certificates").pk,
        "title": item.title,
        "description": item.description,
        "start_date": "",
        "end_date": "",
        "organisation": "",
        "level": "",
        "result": "",
        "grade": "",
        "url": "",
        "visibility": item.visibility,
        "skills_text": "",
        "video_url": "",
        "version": version,
        **({"featured": "on"} if item.featured else {}),
        **({"comments_enabled": "on"} if item.comments_enabled else {}),
    }


def _save(client, item, data):
    return client.post(reverse("achievements:edit", args=[item.pk]), data)


def test_the_second_tabs_save_is_refused_and_keeps_what_was_typed(client, item):
    first, second = _opened(client, item), _opened(client, item)

    assert _save(client, item, {**first, "title": "Olympiad 2025"}).status_code == 302
    refused = _save(client, item, {**second, "description": "Typed in the second tab"})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "changed in another tab or window after you opened it" in page
    assert "Typed in the second tab" in page  # nothing the student typed is lost
    assert "Open the saved version in a new tab" in page
    saved = Achievement.objects.get(pk=item.pk)
    assert (saved.title, saved.description) == ("Olympiad 2025", "First round")

    # The refused form now carries the saved version: saving again replaces it, knowingly.
    carried = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    assert carried != second["version"]
    again = _save(client, item, {**second, "description": "Typed in the second tab",
                                 "version": carried})  # fmt: skip
    assert again.status_code == 302
    saved.refresh_from_db()
    assert (saved.title, saved.description) == ("Olympiad", "Typed in the second tab")


def test_a_changed_skill_is_a_change_too(client, item):
    first, second = _opened(client, item), _opened(client, item)
    assert _save(client, item, {**first, "skills_text": "Python"}).status_code == 302

    assert _save(client, item, {**second, "title": "Renamed"}).status_code == 200
    assert Achievement.objects.get(pk=item.pk).title == "Olympiad"


def test_changes_the_form_does_not_overwrite_are_no_conflict(client, student, item):
    opened = _opened(client, item)
    # Meanwhile: a video link added, the item moved, a supervisor verified it.
    evidence_add_link(achievement=item, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    Achievement.objects.filter(pk=item.pk).update(order=9)
    supervisor = SupervisorAssignmentFactory(student=student).supervisor
    verification_request(achievement=item, student=student)
    verification_decide(achievement=item, supervisor=supervisor, verify=True)

    assert _save(client, item, {**opened, "title": "Olympiad, final"}).status_code == 302
    assert Achievement.objects.get(pk=item.pk).title == "Olympiad, final"


def test_the_same_form_sent_twice_is_no_conflict(client, item):
    # A double click: the second submission saves exactly what the first one saved.
    changed = {**_opened(client, item), "title": "Olympiad 2025", "skills_text": "Maths"}
    assert _save(client, item, changed).status_code == 302
    assert _save(client, item, changed).status_code == 302
    assert Achievement.objects.get(pk=item.pk).title == "Olympiad 2025"


def test_the_service_refuses_an_old_version_and_stores_nothing(client, item):
    opened = _opened(client, item)
    achievement_update(achievement=item, title="Changed elsewhere")

    with pytest.raises(EditConflict):
        achievement_update(achievement=Achievement.objects.get(pk=item.pk), title="Mine",
                           version=opened["version"])  # fmt: skip
    assert Achievement.objects.get(pk=item.pk).title == "Changed elsewhere"
    # Without a version (scripts, imports) the service saves as before.
    achievement_update(achievement=Achievement.objects.get(pk=item.pk), title="Mine")
    assert Achievement.objects.get(pk=item.pk).title == "Mine"
