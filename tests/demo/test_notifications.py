import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_demo_users_notifications_and_mails_nobody(
    settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--students", "3", verbosity=0)

    student1 = Notification.objects.filter(recipient__username="student1")
    every_students_kind = set(Kind.values) - {Kind.CONTACT_ANSWERED}
    assert set(student1.values_list("kind", flat=True)) == every_students_kind
    assert student1.filter(read_at__isnull=True).exists()
    assert student1.filter(read_at__isnull=False).exists()
    assert Notification.objects.filter(recipient__username="supervisor1").exists()
    assert Notification.objects.filter(recipient__username="employer1").exists()
    assert Notification.objects.filter(
        recipient__username="employer1", kind=Kind.CONTACT_ANSWERED
    ).exists()
    # The demo's reviews and decisions went through the real services, muted.
    assert (
        Notification.objects.exclude(
            recipient__username__in=["student1", "supervisor1", "employer1"]
        ).count()
        == 0
    )
    assert mail.outbox == []
    for notification in student1:
        assert notification.text

    count = Notification.objects.count()
    call_command("seed_demo", "--students", "3", verbosity=0)
    assert Notification.objects.count() == count
