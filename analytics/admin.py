from django.contrib import admin

from analytics.models import ActivityEvent
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
