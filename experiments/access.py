"""Who may see or change experiments: staff only; everyone else gets a 404."""

from __future__ import annotations

from django.http import Http404

from experiments.models import Experiment


def access_experiment(user, pk: int) -> Experiment:
    if not (user.is_authenticated and user.is_staff_member):
        raise Http404
    experiment = Experiment.objects.select_related("term").filter(pk=pk).first()
    if experiment is None:
        raise Http404
    return experiment
