"""Fit the recommendation models on the institution's history, evaluate them on the
held-out latest term against their baselines, and store the version (recommendations/
training.py). ``--json`` prints the version and its metrics as JSON."""

import json

from django.core.management.base import BaseCommand

from recommendations import training


class Command(BaseCommand):
    help = "Train and evaluate the recommendation models; store a new version."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the metrics as JSON")

    def handle(self, *args, json: bool = False, **options):
        as_json = json
        try:
            version = training.train()
        except training.TooLittleData as error:
            if as_json:
                self.stdout.write(_dumps({"trained": False, "message": str(error)}))
            else:
                self.stdout.write(self.style.WARNING(str(error)))
            return
        report = {
            "trained": True, "version": version.pk, "created_at": version.created_at.isoformat(),
            "passed": version.passed, "score_passed": version.score_passed,
            "update_passed": version.update_passed, "training_rows": version.training_rows,
            "test_rows": version.test_rows, "train_terms": version.train_terms,
            "test_term": version.test_term, "features": version.features,
            "seconds": version.seconds, "metrics": version.metrics,
        }  # fmt: skip
        if as_json:
            self.stdout.write(_dumps(report))
            return
        self.stdout.write(
            f"Version {version.pk}: {version.training_rows} training rows "
            f"({', '.join(version.train_terms)}), {version.test_rows} held out "
            f"({version.test_term}), {version.seconds} s."
        )
        for name, label in [("score", "next term's score"), ("update_30d", "update in 30 days")]:
            m = version.metrics[name]
            if "model" not in m:
                self.stdout.write(f"  {label}: not trained ({m.get('message')})")
                continue
            baselines = {
                k: {x: y for x, y in v.items() if x != "reliability"}
                for k, v in m["baselines"].items()
            }
            model = {x: y for x, y in m["model"].items() if x != "reliability"}
            verdict = "PASSED" if m["passed"] else "not used (does not beat its baseline)"
            self.stdout.write(
                f"  {label}: model {model}, baselines {baselines}, z = {m['z']}: {verdict}"
            )
        if version.passed:
            self.stdout.write(self.style.SUCCESS("The site now uses this version."))
        else:
            self.stdout.write(
                self.style.WARNING("No model beat its baseline: the site keeps to the rules.")
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
