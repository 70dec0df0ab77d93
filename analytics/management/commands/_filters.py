"""The filters shared by analytics_report and analytics_export, as command options."""

from __future__ import annotations

from django.core.management.base import CommandError

from accounts.models import Cohort, Program
from analytics.selectors import DEFAULT_METRIC, METRICS, Filters
from feedback.models import Term


def add_filter_arguments(parser) -> None:
    parser.add_argument("--program", help="program code (accounts.Program.code)")
    parser.add_argument("--cohort", type=int, help="cohort entry year, e.g. 2023")
    parser.add_argument(
        "--term",
        help="term id or English name, or 'all' (default: the current term)",
    )
    parser.add_argument("--metric", default=DEFAULT_METRIC, choices=sorted(METRICS))
    parser.add_argument("--bins", type=int, default=10, choices=[10, 5], help="bin width")
    parser.add_argument("--inactive-days", type=int, default=30)
    parser.add_argument("--completeness-below", type=int, default=50)


def filters_from(options) -> Filters:
    program_id = cohort_id = term_id = None
    if options.get("program"):
        program = Program.objects.filter(code=options["program"]).first()
        if program is None:
            codes = ", ".join(Program.objects.values_list("code", flat=True))
            raise CommandError(f"No program {options['program']!r}. Programs: {codes}")
        program_id = program.pk
    if options.get("cohort"):
        cohort = Cohort.objects.filter(entry_year=options["cohort"]).first()
        if cohort is None:
            raise CommandError(f"No cohort entered in {options['cohort']}.")
        cohort_id = cohort.pk
    term_option = options.get("term")
    if term_option is None:
        current = Term.objects.filter(is_current=True).first()
        term_id = current.pk if current else None
    elif term_option != "all":
        lookup = {"pk": int(term_option)} if term_option.isdigit() else {"name_en": term_option}
        term = Term.objects.filter(**lookup).first()
        if term is None:
            raise CommandError(f"No term {term_option!r}.")
        term_id = term.pk
    return Filters(
        program_id=program_id, cohort_id=cohort_id, term_id=term_id,
        metric=options.get("metric") or DEFAULT_METRIC, bin_width=options.get("bins") or 10,
        inactive_days=options.get("inactive_days") or 30,
        completeness_below=options.get("completeness_below") or 50,
    )  # fmt: skip
