from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.models import OutgoingEmail
from outbox.services import emails_resend


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return OutgoingEmail.Status.choices

    def queryset(self, request, queryset):
        match self.value():
            case OutgoingEmail.Status.SENT:
                return queryset.filter(sent_at__isnull=False)
            case OutgoingEmail.Status.FAILED:
                return queryset.filter(failed_at__isnull=False)
            case OutgoingEmail.Status.PENDING:
                return queryset.unsent()
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read only: e-mails are written by the site's actions. The body is never shown (a
    password-reset e-mail carries a working link). Failed ones can be queued again."""

    list_display = ("created_at", "recipients", "subject", "status_label", "attempts",
                    "sent_at", "last_error")  # fmt: skip
    list_filter = (StatusFilter, "created_at")
    search_fields = ("subject", "key")
    date_hierarchy = "created_at"
    readonly_fields = ("key", "to", "subject", "headers", "created_at", "status_label", "sent_at",
                       "failed_at", "attempts", "last_error", "claimed_until")  # fmt: skip
    fields = readonly_fields
    actions = ["resend"]

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return OutgoingEmail.Status(obj.status).label

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = emails_resend(emails=queryset)
        message = ngettext(
            "%(count)d failed e-mail queued again.",
            "%(count)d failed e-mails queued again.",
            count,
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS if count else messages.WARNING)

    def has_resend_permission(self, request):
        return request.user.has_perm("outbox.change_outgoingemail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
