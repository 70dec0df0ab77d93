from django.contrib import admin

from transfer.models import TransferJob


@admin.register(TransferJob)
class TransferJobAdmin(admin.ModelAdmin):
    """Read only: jobs are started by students. Staff see where a job is and what went
    wrong (the message the student saw; the details are in the logs). Deleting a job
    deletes its zip."""

    list_display = ("created_at", "owner", "kind", "status", "stage", "progress_done",
                    "progress_total", "attempts", "finished_at", "expires_at")  # fmt: skip
    list_filter = ("kind", "status", "created_at")
    search_fields = ("owner__username", "owner__email", "portfolio__slug")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = ("public_id", "owner", "portfolio", "kind", "status", "stage",
                       "progress_done", "progress_total", "language", "error", "summary",
                       "archive_size", "attempts", "created_at", "started_at", "finished_at",
                       "expires_at")  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
