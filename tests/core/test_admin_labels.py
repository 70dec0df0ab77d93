"""Every input the site's admin pages show has an accessible name (axe "label", critical):
Django's change list (list_editable), its tabular inlines and its split date/time boxes give
theirs none; core.admin names them by column and row."""

import re

import pytest
from django.urls import reverse

from portfolios.models import Category
from tests.factories import (
    StaffFactory,
    StudentFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
    post_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


def input_tag(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*id="{element_id}"[^>]*>', html)
    assert match, f"no input #{element_id}"
    return match.group(0)


def test_list_editable_inputs_are_named_by_column_and_row(staff_client):
    category = Category.objects.order_by("order", "pk").first()
    html = staff_client.get(reverse("admin:portfolios_category_changelist")).content.decode()
    assert f'aria-label="Order — {category}"' in input_tag(html, "id_form-0-order")
    assert "aria-label=" in input_tag(html, "id_form-0-is_active")


def test_tabular_inline_inputs_are_named(staff_client):
    portfolio = portfolio_for(StudentFactory())
    achievement = achievement_for(portfolio, title="Olympiad", files=[("diploma.pdf", pdf_bytes())])
    url = reverse("admin:achievements_achievement_change", args=[achievement.pk])
    html = staff_client.get(url).content.decode()
    for name in ("caption", "order", "DELETE"):
        assert "aria-label=" in input_tag(html, f"id_evidence-0-{name}"), name


def test_date_and_time_boxes_are_named(staff_client):
    post = post_for(portfolio_for(StudentFactory()))
    html = staff_client.get(reverse("admin:journal_post_change", args=[post.pk])).content.decode()
    assert 'aria-label="Date"' in input_tag(html, "id_published_at_0")
    assert 'aria-label="Time"' in input_tag(html, "id_published_at_1")
