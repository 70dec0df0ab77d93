"""Experiments in the admin: read only. They are made, edited, started and finished on the
staff pages (experiments/views.py), through the services, so an arm or a population
cannot change behind a running experiment's back."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from experiments.models import Action, Assignment, Experiment, Exposure
from feedback.admin import ReadOnlyAdmin


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    list_display = (
        "name", "status", "term", "primary_metric", "required_n", "started_at", "finished_at",
        "results_link",
    )  # fmt: skip
    list_filter = ("status", "primary_metric")
    search_fields = ("name", "hypothesis")
    list_select_related = ("term",)
    filter_horizontal = ("programs", "cohorts")

    @admin.display(description=_("results"))
    def results_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("experiments:detail", args=[obj.pk]), _("Open")
        )


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("experiment", "student", "arm", "stratum", "assigned_at", "exposures",
                    "actions")  # fmt: skip
    list_filter = ("experiment", "arm")
    search_fields = ("student__username", "student__last_name", "experiment__name")
    list_select_related = ("experiment", "student", "stratum")
    show_full_result_count = False


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyAdmin):
    list_display = ("shown_at", "experiment", "student", "key", "mode")
    list_filter = ("experiment", "mode")
    search_fields = ("student__username", "key")
    list_select_related = ("experiment", "student")
    show_full_result_count = False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("acted_at", "experiment", "student", "key", "choice")
    list_filter = ("experiment", "choice")
    search_fields = ("student__username", "key")
    list_select_related = ("experiment", "student")
    show_full_result_count = False
