from django.core.management.base import BaseCommand, CommandError

from analytics.exports import student_table, write_csv
from analytics.management.commands._filters import add_filter_arguments, filters_from


class Command(BaseCommand):
    help = (
        "Write one CSV row per student (pseudonymous id, program, cohort, term, score and "
        "every activity measure) for researchers; the same filters as analytics_report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", metavar="PATH", required=True, help="where to write")
        add_filter_arguments(parser)

    def handle(self, *args, **options):
        f = filters_from(options)
        try:
            with open(options["csv"], "w", newline="", encoding="utf-8") as stream:
                write_csv(stream, student_table(f))
        except OSError as error:
            raise CommandError(f"Cannot write {options['csv']}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['csv']}"))
