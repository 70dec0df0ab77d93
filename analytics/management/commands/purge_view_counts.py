from django.core.management.base import BaseCommand, CommandError

from analytics import services


class Command(BaseCommand):
    help = (
        "Delete the daily portfolio view counts older than --days (400): the students' "
        "page shows the last 12 weeks. Beat runs it nightly (analytics.tasks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=400, help="keep this many days")

    def handle(self, *args, days, **options):
        if days < 7 * 12:
            raise CommandError("--days must be at least 84: the students' page shows 12 weeks.")
        deleted = services.portfolio_view_counts_purge(keep_days=days)
        self.stdout.write(f"{deleted} daily view counts older than {days} days deleted.")
