from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: notifications are made by what happens on the site. (Deleting stays
    allowed, so staff can delete an account and its notifications go with it.)"""

    list_display = ("created_at", "recipient", "kind", "actor", "count", "read_at", "emailed_at",
                    "digested_at")  # fmt: skip
    list_filter = ("kind", "created_at")
    search_fields = ("recipient__username", "recipient__email", "actor__username")
    list_select_related = ("recipient", "actor")
    date_hierarchy = "created_at"
    readonly_fields = ("recipient", "kind", "actor", "text", "params", "url", "count",
                       "created_at", "read_at", "emailed_at", "digested_at")  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("text"))
    def text(self, obj):
        return obj.text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "delivery")
    list_filter = ("kind", "delivery")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
