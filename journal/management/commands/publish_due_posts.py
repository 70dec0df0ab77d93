from django.core.management.base import BaseCommand

from journal.services import due_posts_publish


class Command(BaseCommand):
    help = (
        "Bring cached portfolio pages and employers' search up to date with scheduled journal "
        "posts whose publication date has come. Run it from cron every 10 minutes; running it "
        "again does nothing more."
    )

    def handle(self, *args, **options):
        count = due_posts_publish()
        self.stdout.write(f"Portfolios with posts that came due: {count}.")
