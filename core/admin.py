"""Admin helpers for the apps' stored-file models (core.models.StoredFile): files come in
through the students' editors and their upload checks, never through the admin."""

from django.contrib import admin
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _


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


def translated_boolean_icon(field_val):
    """Django's admin icon for a yes/no value, with a translated text alternative.

    Django's own ``_boolean_icon`` writes ``alt="True"`` / ``alt="False"`` in every language,
    so screen readers say English words on a Kyrgyz page; this one says "Ооба" / "Жок"."""
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    label = {True: _("Yes"), False: _("No"), None: _("Unknown")}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), label)


def translate_admin_boolean_icons() -> None:
    """Put :func:`translated_boolean_icon` in place of Django's. Every caller (change list,
    read-only fields, ``display_for_value``) looks it up in ``admin_list`` when it runs."""
    from django.contrib.admin.templatetags import admin_list

    admin_list._boolean_icon = translated_boolean_icon
