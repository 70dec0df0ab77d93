from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from portfolios.services import portfolio_get_or_create
from transfer.archive import export_zip


class Command(BaseCommand):
    help = "Write a student's portfolio as a zip (portfolio.json, files, index.html)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("path", help="where to write the zip")

    def handle(self, *args, username, path, **options):
        student = User.objects.students().filter(username__iexact=username).first()
        if student is None:
            raise CommandError(f"No student with the username {username!r}.")
        export_zip(portfolio_get_or_create(student=student), path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
