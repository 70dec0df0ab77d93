"""``manage.py experiment_report <id> [--json]``: an experiment's results, as the results
page shows them (text) or as numbers for scripts and researchers (JSON)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from experiments import selectors, wording
from experiments.models import Experiment


def _plain(value):
    """numpy numbers and tuples as JSON takes them; NaN and infinities as null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return None
    return value


class Command(BaseCommand):
    help = "Print an experiment's report: students per arm, the sample-ratio check, and per "
    "metric each arm's mean with the difference, its interval, p-value, the adjusted "
    "estimate, the power and the conclusion."

    def add_arguments(self, parser):
        parser.add_argument("experiment", type=int, help="the experiment's id")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--language", default="en", help="language of the conclusions")

    def handle(self, *args, experiment, json: bool, language: str, **options):
        found = Experiment.objects.select_related("term").filter(pk=experiment).first()
        if found is None:
            raise CommandError(f"No experiment with id {experiment}.")
        if found.is_draft:
            raise CommandError(f"Experiment {experiment} has not started: nothing to report.")
        with translation.override(language):
            report = selectors.experiment_report(found)
            described = wording.describe_report(report)
            if json:
                self._json(found, report, described)
            else:
                self._text(found, report, described)

    def _json(self, experiment, report, described):
        for entry, words in zip(report["metrics"], described, strict=True):
            for arm, comparison in entry["comparisons"].items():
                comparison["conclusion"] = next(
                    c["conclusion"] for c in words["comparisons"] if c["arm"] == arm
                )
        report["name"] = experiment.name
        report["term"] = experiment.term.name_en
        report["baseline"] = {"mean": experiment.baseline_mean, "sd": experiment.baseline_sd,
                              "n": experiment.baseline_n}  # fmt: skip
        self.stdout.write(json_dumps(_plain(report)))

    def _text(self, experiment, report, described):
        out = self.stdout.write
        out(f"{experiment.name} ({experiment.get_status_display()}), {experiment.term.name}")
        planned = report["planned_n"] if report["planned_n"] is not None else "?"
        out(f"students per arm (planned {planned}): "
            + ", ".join(f"{arm} {n}" for arm, n in report["n"].items()))  # fmt: skip
        srm = report["srm"]
        out(f"sample ratio: chi-square p = {wording.p_value(srm['p'])}"
            + (" — MISMATCH" if srm["mismatch"] else ""))  # fmt: skip
        for entry in described:
            out("")
            out(f"{entry['label']}{' (primary)' if entry['primary'] else ''}")
            for a in entry["arms"]:
                out(f"  {a['arm']:8} n {a['n']:6}  mean {a['mean']:>8}  sd {a['sd']:>8}")
            for c in entry["comparisons"]:
                out(f"  {c['arm']} − control: {c['difference']} ({c['level']}: {c['interval']}), "
                    f"{c['relative']}, p = {c['p']}; adjusted {c['adjusted']} "
                    f"({c['adjusted_interval']}), power {c['power']}")  # fmt: skip
                out(f"  {c['conclusion']}")


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
