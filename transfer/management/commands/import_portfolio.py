from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from portfolios.services import portfolio_get_or_create
from transfer.archive import ImportRefused, import_zip


class Command(BaseCommand):
    help = "Import a portfolio export zip into a student's empty portfolio."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("path", help="the zip to import")

    def handle(self, *args, username, path, **options):
        student = User.objects.students().filter(username__iexact=username).first()
        if student is None:
            raise CommandError(f"No student with the username {username!r}.")
        portfolio = portfolio_get_or_create(student=student)
        posts_before = portfolio.posts.count()  # a version 1 zip imports beside posts
        try:
            with open(path, "rb") as source:
                count = import_zip(portfolio, source)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except ImportRefused as refusal:
            raise CommandError(refusal.message) from None
        posts = portfolio.posts.count() - posts_before
        self.stdout.write(
            self.style.SUCCESS(f"Imported {count} achievements and {posts} journal posts.")
        )
