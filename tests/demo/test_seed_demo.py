import pytest
from django.core.management import CommandError, call_command

from accounts.models import EmployerProfile, Role, SupervisorAssignment, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_world_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "15", verbosity=0)
    counts = (User.objects.count(), SupervisorAssignment.objects.count())

    assert User.objects.filter(role=Role.STUDENT).count() == 15
    for username in ("student1", "supervisor1", "employer1", "admin"):
        assert User.objects.get(username=username).check_password(settings.DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="employer1").is_approved_employer
    assert EmployerProfile.objects.filter(status=EmployerProfile.Status.PENDING).exists()
    assert SupervisorAssignment.objects.filter(
        supervisor__username="supervisor1", student__username="student1"
    ).exists()
    assert User.objects.get(username="student1").program.code == "programming"
    names = " ".join(User.objects.students().values_list("last_name", flat=True))
    assert any(s in names for s in ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов"))

    call_command("seed_demo", "--students", "15", verbosity=0)
    assert (User.objects.count(), SupervisorAssignment.objects.count()) == counts


def test_seed_demo_keeps_what_users_changed(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "3", verbosity=0)
    User.objects.filter(username="student1").update(first_name="Changed")
    call_command("seed_demo", "--students", "3", verbosity=0)
    assert User.objects.get(username="student1").first_name == "Changed"


def test_seed_demo_if_empty_skips_a_populated_database(settings, capsys):
    settings.DEBUG = True
    User.objects.create(username="someone", role=Role.STAFF)
    call_command("seed_demo", "--if-empty")
    assert not User.objects.filter(username="student1").exists()
    assert "student1" in capsys.readouterr().out  # the logins are still printed


def test_seed_demo_refuses_in_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--students", "2")
    call_command("seed_demo", "--students", "2", "--force", verbosity=0)
    assert User.objects.filter(username="student2").exists()


def test_seed_demo_if_empty_adds_portfolios_to_older_demo_data(settings):
    from achievements.models import Achievement
    from demo import accounts as demo

    settings.DEBUG = True
    demo.seed(students=4, password=settings.DEMO_PASSWORD)  # demo accounts from before
    assert not Achievement.objects.exists()

    call_command("seed_demo", "--if-empty", verbosity=0)

    assert Achievement.objects.filter(portfolio__student__username="student1").count() == 22
    before = Achievement.objects.count()
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert Achievement.objects.count() == before
