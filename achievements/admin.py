from django.contrib import admin

from accounts.admin import HTTPS_URLS
from achievements.models import Achievement, Evidence
from core.admin import StoredFileAdmin, StoredFileInline, stored_file_readonly_fields
from portfolios.admin import PortfolioItemAdmin


class EvidenceInline(StoredFileInline):
    model = Evidence
    formfield_overrides = HTTPS_URLS
    fields = ("kind", "original_name", "caption", "content_type", "size", "external_url", "order")
    readonly_fields = ("kind", "original_name", "content_type", "size", "external_url")


@admin.register(Achievement)
class AchievementAdmin(PortfolioItemAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = (
        "title", "student", "category", "level", "visibility", "verification_status",
        "featured", "updated_at",
    )  # fmt: skip
    list_filter = (
        "category", "level", "visibility", "verification_status", "featured",
        "portfolio__student__program",
    )  # fmt: skip
    # Verification changes go through supervisors' decisions (and the audit trail).
    readonly_fields = (
        "verification_status", "verification_requested_at", "verified_by", "verified_at",
        "verification_note",
    )  # fmt: skip
    search_fields = ("title", "organisation", "portfolio__slug", "portfolio__student__last_name")
    list_select_related = ("portfolio__student", "category")
    filter_horizontal = ("skills",)
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(StoredFileAdmin):
    list_display = ("__str__", "kind", "achievement", "size", "content_type", "created_at")
    search_fields = ("original_name", "caption", "achievement__title", "sha256")
    list_select_related = ("achievement",)
    readonly_fields = stored_file_readonly_fields("achievement", "external_url")
