from datetime import timedelta

from django.core.management.base import BaseCommand

from outbox.sending import SWEEP_AFTER, emails_send_pending


class Command(BaseCommand):
    help = (
        "Send the queued e-mails that no task has sent yet (beat does this every minute; "
        "run it by hand when no worker runs). Running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="include e-mails queued less than a minute ago"
        )

    def handle(self, *args, **options):
        older_than = timedelta(0) if options["all"] else SWEEP_AFTER
        sent = emails_send_pending(older_than=older_than)
        self.stdout.write(f"Queued e-mails sent: {sent}.")
