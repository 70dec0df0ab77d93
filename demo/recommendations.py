"""Demo recommendations: train the models on the demo history (demo/analytics.py's fifteen
months of activity and demo/feedback.py's scores), so the dashboards show learned cards when
a model beats its baselines on the held-out term, and the rules' cards when none does."""

from __future__ import annotations

from recommendations import training
from recommendations.models import ModelVersion


def seed() -> str:
    """Train once (nothing is done when a version exists); a sentence saying what the
    dashboards will show."""
    if ModelVersion.objects.exists():
        return ""
    try:
        version = training.train()
    except training.TooLittleData as error:
        return f"Recommendations: {error} The dashboards show the rules' cards."
    if version.passed:
        used = [name for name, ok in [("score", version.score_passed),
                                      ("30-day update", version.update_passed)] if ok]  # fmt: skip
        return (
            f"Recommendations: model version {version.pk} trained on {version.training_rows} "
            f"rows beat its baselines ({', '.join(used)}); the dashboards show learned cards."
        )
    return (
        f"Recommendations: model version {version.pk} did not beat its baselines on "
        f"{version.test_term}; the dashboards show the rules' cards."
    )
