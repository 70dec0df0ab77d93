import json

from django.core.management.base import BaseCommand, CommandError

from analytics.exports import report
from analytics.management.commands._filters import add_filter_arguments, filters_from
from analytics.selectors import analytics_figures


class Command(BaseCommand):
    help = (
        "Print the analytics dashboard's figures (score histogram, per-program means, "
        "activity–score correlation, engagement, monitoring, employment) for all students "
        "or a program, cohort and term."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")
        add_filter_arguments(parser)

    def handle(self, *args, **options):
        if not options["json"]:
            raise CommandError("Say --json: the report is printed as JSON.")
        f = filters_from(options)
        figures = analytics_figures(f, fresh=True)
        self.stdout.write(json.dumps(report(figures, f), ensure_ascii=False, indent=2))
