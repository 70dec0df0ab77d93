"""A finished demo experiment, so the results page has something to show: recommendations
on or off for last spring's students, measured against the autumn before. Students are
assigned and the cards they were shown logged through the services; the metrics are the
demo's own activity history and reviews (demo/analytics.py, demo/feedback.py), which no
arm changed — so the page shows what an honest report of a small experiment says."""

from __future__ import annotations

import random
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from experiments import services
from experiments.models import Arm, Experiment, Metric, Status
from feedback.models import Term

NAME = "Recommendations in spring"
KEYS = ["evidence:first", "section:research", "skill:sql", "inactive:45"]


@transaction.atomic
def seed(*, seed_value: int = 15) -> int:
    """The finished experiment (1), or 0 when it is there already or there is no spring
    term with an autumn before it (the demo's feedback part makes them)."""
    if Experiment.objects.filter(name=NAME).exists():
        return 0
    spring = Term.objects.filter(name_en__endswith="spring").order_by("-starts_on").first()
    if spring is None or not Term.objects.filter(starts_on__lt=spring.starts_on).exists():
        return 0
    if not User.objects.students().exists():
        return 0
    rng = random.Random(seed_value)
    staff = User.objects.filter(username="staff1").first()
    experiment = services.experiment_create(
        name=NAME, created_by=staff, term=spring,
        hypothesis=("Students who see up to five recommended next steps on their dashboard "
                    "update their portfolio about 20% more often in the term."),
        primary_metric=Metric.UPDATES_PER_WEEK, secondary_metrics=[Metric.REVIEW_SCORE],
    )  # fmt: skip
    services.experiment_start(experiment=experiment)
    for assignment in experiment.assignments.select_related("student"):
        if assignment.arm == Arm.CONTROL:
            continue
        for _visit in range(rng.randint(1, 6)):
            keys = rng.sample(KEYS, rng.randint(1, 3))
            services.exposure_record(student=assignment.student, keys=keys, mode="model")
            if rng.random() < 0.5:
                choice = rng.choice(["done", "later", "not_useful"])
                services.action_record(student=assignment.student, key=keys[0], choice=choice)
    services.experiment_finish(experiment=experiment)
    tz = timezone.get_current_timezone()
    Experiment.objects.filter(pk=experiment.pk, status=Status.FINISHED).update(
        started_at=datetime.combine(spring.starts_on, time(9), tz),
        finished_at=datetime.combine(spring.ends_on, time(18), tz),
    )
    experiment.assignments.update(assigned_at=datetime.combine(spring.starts_on, time(9), tz))
    return 1
