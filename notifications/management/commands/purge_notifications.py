from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.services import notifications_purge


class Command(BaseCommand):
    help = (
        "Delete read notifications older than NOTIFICATIONS_KEEP_DAYS days and unread ones "
        "older than twice that, a batch at a time. Run it daily from cron; running it again "
        "deletes nothing more, and nothing still due for the daily digest is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="rows deleted per statement (default: 1000)",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        keep_days = settings.NOTIFICATIONS_KEEP_DAYS
        removed = notifications_purge(keep_days=keep_days, batch_size=batch_size)
        self.stdout.write(
            f"Notifications removed: {removed} (read ones older than {keep_days} days, "
            f"unread ones older than {2 * keep_days} days)."
        )
