import time

from django.core.management.base import BaseCommand

from analytics import rollups


class Command(BaseCommand):
    help = (
        "Move the 30- and 90-day activity windows to today (run it from cron after "
        "midnight); --rebuild recomputes every roll-up from the activity log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild from the log")

    def handle(self, *args, rebuild, **options):
        started = time.perf_counter()
        if rebuild:
            rollups.rebuild()
            self.stdout.write(
                f"Roll-ups rebuilt from the log in {time.perf_counter() - started:.1f} s."
            )
        else:
            changed = rollups.windows_slide()
            self.stdout.write(
                f"Windows now end on {rollups.windows_on()}: {changed} students changed "
                f"({time.perf_counter() - started:.1f} s)."
            )
