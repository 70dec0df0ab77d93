from django.contrib import admin

from analytics.models import (
    ActivityDay,
    ActivityEvent,
    AnalyticsState,
    EmployerViewDay,
    PortfolioViewDay,
    StudentActivity,
    StudentTermActivity,
    WeeklyActivity,
)
from feedback.admin import ReadOnlyAdmin


@admin.register(ActivityEvent)
class ActivityEventAdmin(ReadOnlyAdmin):
    """The activity log, as written by the services: read only."""

    list_display = ("created_at", "student", "kind", "object_label", "actor")
    list_filter = ("kind",)
    search_fields = ("student__username", "student__last_name", "object_label")
    list_select_related = ("student", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False  # millions of rows: no COUNT(*) per page


@admin.register(StudentActivity)
class StudentActivityAdmin(ReadOnlyAdmin):
    """Each student's activity counters, as the roll-ups keep them (analytics_refresh
    --rebuild recomputes them from the log)."""

    list_display = (
        "student", "updates_total", "active_weeks_total", "updates_30d", "updates_90d",
        "last_update_at", "logins_total", "last_login_at",
    )  # fmt: skip
    search_fields = ("student__username", "student__last_name")
    list_select_related = ("student",)
    ordering = ("-last_update_at",)
    show_full_result_count = False


@admin.register(StudentTermActivity)
class StudentTermActivityAdmin(ReadOnlyAdmin):
    list_display = ("student", "term", "updates", "active_weeks", "review_count", "score_sum")
    list_filter = ("term",)
    search_fields = ("student__username", "student__last_name")
    list_select_related = ("student", "term")
    show_full_result_count = False


@admin.register(ActivityDay)
class ActivityDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "student", "updates", "logins")
    search_fields = ("student__username", "student__last_name")
    list_select_related = ("student",)
    date_hierarchy = "day"
    show_full_result_count = False


@admin.register(WeeklyActivity)
class WeeklyActivityAdmin(ReadOnlyAdmin):
    list_display = ("week", "program", "cohort", "active_students", "updates")
    list_filter = ("program", "cohort")
    search_fields = ("program__name_en", "program__code")
    list_select_related = ("program", "cohort")
    ordering = ("-week",)


@admin.register(AnalyticsState)
class AnalyticsStateAdmin(ReadOnlyAdmin):
    """When the 30- and 90-day windows last moved on (analytics_refresh)."""

    list_display = ("windows_on",)
    search_fields = ("windows_on",)


@admin.register(PortfolioViewDay)
class PortfolioViewDayAdmin(ReadOnlyAdmin):
    """Viewers of each portfolio per day and kind, once each a day (who they were is never
    stored): read only."""

    list_display = ("day", "portfolio", "kind", "count")
    list_filter = ("kind",)
    search_fields = ("portfolio__slug", "portfolio__student__username")
    list_select_related = ("portfolio",)
    date_hierarchy = "day"
    show_full_result_count = False


@admin.register(EmployerViewDay)
class EmployerViewDayAdmin(ReadOnlyAdmin):
    """Approved employers' views of each portfolio per day, by organisation: read only."""

    list_display = ("day", "portfolio", "organisation", "count")
    search_fields = ("organisation", "portfolio__slug", "portfolio__student__username")
    list_select_related = ("portfolio",)
    date_hierarchy = "day"
    show_full_result_count = False
