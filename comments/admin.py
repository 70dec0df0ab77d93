"""Comments in admin, and the moderation queue: reports, open ones first (the default)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import services
from comments.models import Comment, CommentReport


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Shown"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


class TargetFilter(admin.SimpleListFilter):
    title = _("on")
    parameter_name = "on"

    def lookups(self, request, model_admin):
        return [
            ("portfolio", _("Portfolio pages")),
            ("achievement", _("Achievements")),
            ("post", _("Journal posts")),
        ]

    def queryset(self, request, queryset):
        if self.value() in ("portfolio", "achievement", "post"):
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author", "target", "is_private", "is_hidden", "created_at")
    list_filter = (HiddenFilter, TargetFilter, "is_private", "created_at")
    search_fields = ("body", "author__username", "author__email", "author__last_name")
    date_hierarchy = "created_at"
    list_select_related = ("author", "portfolio", "achievement", "post")
    raw_id_fields = ("author", "portfolio", "achievement", "post", "parent", "hidden_by")
    readonly_fields = ("body_html", "created_at", "edited_at", "hidden_at", "hidden_by")
    actions = ["hide", "unhide"]

    def has_add_permission(self, request):
        return False  # comments are written on the site, by their authors

    @admin.display(description=_("on"))
    def target(self, comment):
        return comment.portfolio or comment.achievement or comment.post

    @admin.display(description=_("hidden"), boolean=True)
    def is_hidden(self, comment):
        return comment.is_hidden

    @admin.action(description=_("Hide the selected comments"))
    def hide(self, request, queryset):
        comments = list(queryset.filter(hidden_at__isnull=True))
        for comment in comments:
            services.comment_hide(comment=comment, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", len(comments))
            % {"count": len(comments)},
        )

    @admin.action(description=_("Show the selected comments again"))
    def unhide(self, request, queryset):
        comments = list(queryset.filter(hidden_at__isnull=False))
        for comment in comments:
            services.comment_unhide(comment=comment)
        self.message_user(
            request,
            ngettext(
                "%(count)d comment shown again.", "%(count)d comments shown again.", len(comments)
            )  # fmt: skip
            % {"count": len(comments)},
        )


class ReportStatusFilter(admin.SimpleListFilter):
    """Open reports unless staff choose otherwise: the queue is what needs a decision."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("resolved", _("Resolved")), ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ("comment_text", "reason", "reporter", "created_at", "resolution", "resolved_by")
    list_filter = (ReportStatusFilter, "reason", "created_at")
    search_fields = ("comment__body", "note", "reporter__username", "comment__author__username")
    list_select_related = ("comment__author", "reporter", "resolved_by")
    raw_id_fields = ("comment", "reporter", "resolved_by")
    readonly_fields = ("comment", "reporter", "reason", "note", "created_at", "resolved_at",
                       "resolved_by", "resolution")  # fmt: skip
    actions = ["hide_and_resolve", "dismiss"]

    def has_add_permission(self, request):
        return False  # readers report comments on the site

    @admin.display(description=_("comment"))
    def comment_text(self, report):
        return f"{report.comment.author}: {report.comment}"

    @admin.action(description=_("Hide the comment and resolve"))
    def hide_and_resolve(self, request, queryset):
        reports = list(queryset.select_related("comment"))
        for report in reports:
            services.report_resolve(report=report, by=request.user, hide=True)
        self.message_user(
            request,
            ngettext("%(count)d report resolved: its comment is hidden.",
                     "%(count)d reports resolved: their comments are hidden.", len(reports))
            % {"count": len(reports)},
        )  # fmt: skip

    @admin.action(description=_("Dismiss"))
    def dismiss(self, request, queryset):
        reports = list(queryset.filter(resolved_at__isnull=True))
        for report in reports:
            services.report_resolve(report=report, by=request.user, hide=False)
        self.message_user(
            request,
            ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", len(reports))
            % {"count": len(reports)},
        )
