"""The demo threads: student1's public page shows what comments can do."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from comments.models import Comment, CommentReport

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_student1_comment_threads_once(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "4", verbosity=0)
    page = Comment.objects.filter(portfolio__student__username="student1")
    replies = page.filter(parent__isnull=False)
    assert {c.author.role for c in replies} >= {Role.STUDENT}
    repliers = {c.author.username for c in page.filter(parent__isnull=False)}
    assert {"student1", "student2"} <= repliers
    authors = {c.author.role for c in page}
    assert {Role.SUPERVISOR, Role.EMPLOYER, Role.STUDENT} <= authors
    assert page.get(author__username="employer1", parent=None).author.is_approved_employer
    assert page.filter(is_private=True, parent=None).count() == 1
    assert page.filter(hidden_at__isnull=False).count() == 1
    assert CommentReport.objects.open().filter(comment__in=page).count() == 1
    assert Comment.objects.filter(achievement__isnull=False).exists()
    assert Comment.objects.filter(post__isnull=False).exists()

    slug = page.first().portfolio.slug
    html = client.get(reverse("portfolios:public", args=[slug])).content.decode()
    assert "robotics" in html and "This comment was hidden by the owner." in html
    assert "thesis review" not in html  # private feedback: the owner and its author only

    count = Comment.objects.count()
    call_command("seed_demo", "--students", "4", verbosity=0)
    assert Comment.objects.count() == count
