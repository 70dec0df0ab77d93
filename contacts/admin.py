"""Contact requests in admin, and staff's queue of reports about employers (open / handled)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts import services
from contacts.models import (
    ContactDetails,
    ContactMessage,
    ContactRequest,
    EmployerBlock,
    EmployerReport,
)
from core.admin import LabelledTabularInline


class HandledFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("handled", _("Handled"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(handled_at__isnull=True)
        if self.value() == "handled":
            return queryset.filter(handled_at__isnull=False)
        return queryset


class ContactMessageInline(LabelledTabularInline):
    model = ContactMessage
    extra = 0
    raw_id_fields = ("author",)
    readonly_fields = ("created_at",)


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("purpose", "employer", "student", "status", "created_at", "answered_at")
    list_filter = ("status", "created_at")
    search_fields = ("purpose", "employer__username", "student__username",
                     "employer__employer_profile__organisation")  # fmt: skip
    date_hierarchy = "created_at"
    list_select_related = ("employer", "student")
    raw_id_fields = ("employer", "student")
    readonly_fields = ("message_html", "created_at", "answered_at")
    inlines = [ContactMessageInline]


@admin.register(ContactDetails)
class ContactDetailsAdmin(admin.ModelAdmin):
    list_display = ("student", "email", "phone", "messenger", "updated_at")
    search_fields = ("student__username", "student__last_name", "email", "phone")
    list_select_related = ("student",)
    raw_id_fields = ("student",)


@admin.register(EmployerBlock)
class EmployerBlockAdmin(admin.ModelAdmin):
    list_display = ("student", "employer", "created_at")
    search_fields = ("student__username", "employer__username")
    list_select_related = ("student", "employer")
    raw_id_fields = ("student", "employer")


@admin.register(EmployerReport)
class EmployerReportAdmin(admin.ModelAdmin):
    list_display = ("employer", "student", "short_reason", "created_at", "handled_at")
    list_filter = (HandledFilter, "created_at")
    search_fields = ("reason", "employer__username", "student__username",
                     "employer__employer_profile__organisation")  # fmt: skip
    list_select_related = ("employer", "student")
    raw_id_fields = ("student", "employer", "contact_request", "handled_by")
    readonly_fields = ("created_at", "handled_at", "handled_by")
    actions = ["mark_handled"]

    @admin.display(description=_("reason"))
    def short_reason(self, report):
        text = " ".join(report.reason.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    @admin.action(description=_("Mark the chosen reports handled"))
    def mark_handled(self, request, queryset):
        count = services.employer_reports_handle(reports=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)s report marked handled.", "%(count)s reports marked handled.",
                     count) % {"count": count},
        )  # fmt: skip
