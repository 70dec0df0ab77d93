from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.files.storage import StorageUnavailable
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
        try:
            export_zip(portfolio_get_or_create(student=student), path)
        except StorageUnavailable as error:
            Path(path).unlink(missing_ok=True)  # the zip begun before the failure
            raise CommandError(
                f"The stored file {error} could not be read; no zip was written."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
