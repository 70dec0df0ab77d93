from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo
from accounts.models import User
from portfolios import demo as portfolio_demo


class Command(BaseCommand):
    help = (
        "Fill the database with demo programs, cohorts and accounts. Idempotent: what exists "
        "is kept. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=60, help="number of demo students")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has accounts (used by 'make run')",
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, students, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo accounts share one known "
                "password; add --force if you really want them here."
            )
        if students < 1:
            raise CommandError("--students must be at least 1.")
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has accounts; demo data left as it is.")
        else:
            result = demo.seed(students=students, password=settings.DEMO_PASSWORD)
            students_qs = User.objects.students().select_related("program").order_by("pk")
            achievements = portfolio_demo.seed(
                student1=students_qs.filter(username="student1").first(),
                others=students_qs.exclude(username="student1"),
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {result.created} accounts and "
                    f"{achievements} achievements created."
                )
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for username, role in demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {role}")
