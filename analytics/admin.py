from django.contrib import admin

from analytics.models import ActivityEvent, StudentActivity
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
