"""Staff pages: the list of experiments, create and edit, start and finish, the results
with their chart, and the researchers' CSV of pseudonymous per-student rows."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Program, Role
from experiments import charts, selectors, services, stats, wording
from experiments.access import access_experiment
from experiments.forms import ExperimentForm
from experiments.models import Arm, Metric


@role_required(Role.STAFF)
def experiment_list(request):
    return render(request, "experiments/experiment_list.html",
                  {"experiments": selectors.experiments_list()})  # fmt: skip


def _save(form, call) -> object | None:
    try:
        return call(**form.service_fields())
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = "mde_percent" if field == "mde" else field
                form.add_error(target if target in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


@role_required(Role.STAFF)
def experiment_create(request):
    form = ExperimentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        experiment = _save(
            form, lambda **fields: services.experiment_create(created_by=request.user, **fields)
        )
        if experiment is not None:
            messages.success(request, _("The experiment is saved as a draft."))
            return redirect("experiments:detail", experiment.pk)
    return render(request, "experiments/experiment_form.html", {"form": form},
                  status=400 if form.is_bound else 200)  # fmt: skip


@role_required(Role.STAFF)
def experiment_edit(request, pk: int):
    experiment = access_experiment(request.user, pk)
    form = ExperimentForm(request.POST or None, experiment=experiment)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, lambda **fields: services.experiment_update(experiment=experiment, **fields)
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("experiments:detail", experiment.pk)
    return render(request, "experiments/experiment_form.html",
                  {"form": form, "experiment": experiment},
                  status=400 if form.is_bound else 200)  # fmt: skip


@require_POST
@role_required(Role.STAFF)
def experiment_start(request, pk: int):
    experiment = access_experiment(request.user, pk)
    try:
        services.experiment_start(experiment=experiment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The experiment is running: every student has an arm."))
    return redirect("experiments:detail", experiment.pk)


@require_POST
@role_required(Role.STAFF)
def experiment_finish(request, pk: int):
    experiment = access_experiment(request.user, pk)
    try:
        services.experiment_finish(experiment=experiment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The experiment is finished; its data are kept."))
    return redirect("experiments:detail", experiment.pk)


def _chart(report: dict, described: list[dict]):
    entry = report["metrics"][0]
    metric = entry["metric"]
    labels = [str(Arm(arm).label).split(":")[0] for arm in report["arms"]]
    means, intervals = [], []
    for arm in report["arms"]:
        figures = entry["arms"][arm]
        means.append(figures["mean"])
        intervals.append(stats.mean_interval(figures, level=0.95))
    return charts.means_chart(
        id="chart-arms", title=_("Mean per arm"),
        description=_("%(metric)s: each arm's mean with its 95%% interval; %(figures)s.") % {
            "metric": Metric(metric).label,
            "figures": "; ".join(f"{label}: {a['mean']} (n = {a['n']})"
                                 for label, a in zip(labels, described[0]["arms"],
                                                     strict=True)),
        },
        labels=labels, means=means, intervals=intervals, x_label=_("Arm"),
        y_label=_("Mean"),  # the metric is in the heading and the caption: too long for the axis
    )  # fmt: skip


@role_required(Role.STAFF)
def experiment_detail(request, pk: int):
    experiment = access_experiment(request.user, pk)
    context = {"experiment": experiment, "programs": list(experiment.programs.all()),
               "cohorts": list(experiment.cohorts.all())}  # fmt: skip
    if experiment.is_draft:
        context["population"] = selectors.population_students(
            experiment, programs=context["programs"], cohorts=context["cohorts"]
        ).count()
        context["baseline"] = selectors.population_baseline(
            experiment, programs=context["programs"], cohorts=context["cohorts"]
        )
        context["overlapping"] = selectors.overlapping_running(
            experiment, programs=context["programs"], cohorts=context["cohorts"]
        )
    else:
        report = selectors.experiment_report(experiment)
        described = wording.describe_report(report)
        context.update({
            "report": report, "described": described, "chart": _chart(report, described),
            "counts": [(Arm(arm).label, report["n"][arm], report["exposures"][arm],
                        report["actions"][arm]) for arm in report["arms"]],
            "srm_p": wording.p_value(report["srm"]["p"]),
        })  # fmt: skip
    return render(request, "experiments/experiment_detail.html", context)


CSV_COLUMNS = ["student", "program", "arm", "exposures", "actions", "metric", "pre_value",
               "value"]  # fmt: skip


@role_required(Role.STAFF)
def experiment_csv(request, pk: int):
    """One row per student and metric: a pseudonym (the hash of the id with the salt), the
    program's code, the arm, cards shown and answered, the previous term's and this
    term's value. No name, no id."""
    experiment = access_experiment(request.user, pk)
    rows = selectors.experiment_rows(experiment, identities=True)
    codes = dict(Program.objects.values_list("pk", "code"))
    metrics = [experiment.primary_metric, *experiment.secondary_metrics]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    pseudonyms = [selectors.pseudonym(pk, experiment.salt) for pk in rows.student_ids.tolist()]
    programs = [codes.get(pk, "") for pk in rows.strata.tolist()]
    arms, exposures, actions = rows.arms, rows.exposures.tolist(), rows.actions.tolist()
    for metric in metrics:
        now = [_number(v) for v in rows.metric(metric).tolist()]
        before = [_number(v) for v in rows.previous_metric(metric).tolist()]
        writer.writerows(
            zip(pseudonyms, programs, arms, exposures, actions, [metric] * len(now), before, now,
                strict=True)
        )  # fmt: skip
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="experiment-{experiment.pk}-students-{stamp}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _number(value: float) -> str:
    return "" if value != value else f"{value:.6g}"  # NaN: empty
