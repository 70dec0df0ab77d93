from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from portfolios.services import portfolio_get_or_create
from transfer.archive import ImportRefused
from transfer.leap2a.importer import import_leap2a


class Command(BaseCommand):
    help = (
        "Import a Leap2A export (Mahara's zip, or a bare leap2a.xml) into a student's "
        "portfolio, beside what is there, everything visible to the student only. Prints "
        "what went where and what was skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("path", help="the Leap2A zip or leap2a.xml")

    def handle(self, *args, username, path, **options):
        student = User.objects.students().filter(username__iexact=username).first()
        if student is None:
            raise CommandError(f"No student with the username {username!r}.")
        portfolio = portfolio_get_or_create(student=student)
        try:
            with open(path, "rb") as source:
                report = import_leap2a(portfolio, source)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except ImportRefused as refusal:
            raise CommandError(refusal.message) from None
        for row in report["placed"]:
            self.stdout.write(f"  {row['what']}: {row['title']} → {row['where']}")
        for row in report["skipped"]:
            self.stdout.write(f"  skipped {row['what']}: {row['title']} ({row['reason']})")
        for note in report["notes"]:
            self.stdout.write(f"  note: {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report['achievements']} achievements, {report['posts']} journal "
                f"posts and {report['files']} files; skipped {len(report['skipped'])}."
            )
        )
