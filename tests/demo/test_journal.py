"""The demo journal: student1's posts cover every case a visitor can meet."""

import pytest
from django.core.management import call_command

from journal.models import Post, PostAttachment, Status
from portfolios.models import Visibility

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_student1_a_journal_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "4", verbosity=0)
    posts = Post.objects.filter(portfolio__student__username="student1")

    public = posts.visible_at(Visibility.PUBLIC)
    assert public.count() >= 4
    assert posts.filter(status=Status.DRAFT).count() == 1
    assert posts.filter(visibility=Visibility.SUPERVISORS, status=Status.PUBLISHED).exists()
    assert public.filter(attachments__kind="image").exists()
    assert posts.filter(status=Status.PUBLISHED).exclude(pk__in=public).exists()  # scheduled
    counts = (Post.objects.count(), PostAttachment.objects.count())

    call_command("seed_demo", "--students", "4", verbosity=0)
    assert (Post.objects.count(), PostAttachment.objects.count()) == counts
