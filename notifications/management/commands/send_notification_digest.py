from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from notifications.services import digest_send


class Command(BaseCommand):
    help = (
        "E-mail each user one digest of the unread notifications of the last day that they "
        "chose to get once a day. Run it daily from cron; running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="how far back to look (default: 24)"
        )

    def handle(self, *args, hours, **options):
        if hours < 1:
            raise CommandError("--hours must be at least 1.")
        sent = digest_send(window=timedelta(hours=hours))
        self.stdout.write(f"Notification digests sent: {sent}.")
