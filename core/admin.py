"""Admin helpers for the apps' stored-file models (core.models.StoredFile): files come in
through the students' editors and their upload checks, never through the admin."""

from django.contrib import admin


class StoredFileInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # files come in through the student's editor and its upload checks


class StoredFileAdmin(admin.ModelAdmin):
    list_filter = ("kind", "created_at")

    def has_add_permission(self, request):
        return False


def stored_file_readonly_fields(owner: str, *own_fields: str) -> tuple[str, ...]:
    """What the admin shows of a stored file and may not change: the owner (the row it
    belongs to), the file, its copies and what the upload checks found."""
    return (
        "public_id", owner, "kind", "file", "display_file", "thumbnail_file", *own_fields,
        "original_name", "content_type", "size", "stored_bytes", "sha256", "width", "height",
        "created_at",
    )  # fmt: skip
