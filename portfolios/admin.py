from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.admin import HTTPS_URLS
from core.admin import LABELLED_DATETIMES, LabelledListEditableMixin, LabelledTabularInline
from portfolios.models import (
    Category,
    Follow,
    Portfolio,
    SearchDocument,
    ShareLink,
    ShareLinkVisit,
    Skill,
)


class PortfolioItemAdmin(admin.ModelAdmin):
    """Admin of something a student's portfolio holds (achievements, journal posts): the
    student column, the portfolio by id, browsing by creation date."""

    raw_id_fields = ("portfolio",)
    date_hierarchy = "created_at"
    formfield_overrides = LABELLED_DATETIMES

    @admin.display(description=_("student"), ordering="portfolio__student__last_name")
    def student(self, obj):
        return obj.portfolio.student


@admin.register(Category)
class CategoryAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ("name_en", "name_ru", "name_ky", "code", "order", "allows_grade", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active", "allows_grade")
    search_fields = ("name_en", "name_ru", "name_ky", "code")
    prepopulated_fields = {"code": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("code", "order", "allows_grade", "is_active")}),
        (_("Names"), {"fields": ("name_en", "name_ru", "name_ky")}),
        (_("Guidance for students"), {"fields": ("guidance_en", "guidance_ru", "guidance_ky")}),
    )


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "portfolio_count")
    search_fields = ("name", "key")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(portfolio_count=Count("portfolios"))

    @admin.display(description=_("portfolios"), ordering="portfolio_count")
    def portfolio_count(self, obj):
        return obj.portfolio_count


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("slug", "student", "program", "visibility", "open_to_work", "updated_at")
    list_filter = ("visibility", "open_to_work", "student__program", "student__cohort")
    search_fields = ("slug", "headline", "student__username", "student__last_name")
    list_select_related = ("student__program",)
    readonly_fields = ("student", "photo", "photo_thumbnail", "created_at", "updated_at")
    filter_horizontal = ("skills",)

    @admin.display(description=_("program"), ordering="student__program__name_en")
    def program(self, obj):
        return obj.student.program


class ShareLinkVisitInline(LabelledTabularInline):
    model = ShareLinkVisit
    extra = 0
    can_delete = False
    readonly_fields = ("visited_at", "user_agent")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ("label", "portfolio", "created_at", "expires_at", "revoked_at")
    list_filter = ("created_at", "expires_at", "revoked_at")
    search_fields = ("label", "portfolio__slug", "portfolio__student__username")
    list_select_related = ("portfolio",)
    readonly_fields = ("portfolio", "token", "created_at")
    exclude = ("token",)
    inlines = [ShareLinkVisitInline]


@admin.register(ShareLinkVisit)
class ShareLinkVisitAdmin(admin.ModelAdmin):
    list_display = ("link", "visited_at", "user_agent")
    list_filter = ("visited_at",)
    search_fields = ("link__label", "link__portfolio__slug", "user_agent")
    list_select_related = ("link",)
    readonly_fields = ("link", "visited_at", "user_agent")


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """What employers' search matches, kept current automatically (search/derived.py)."""

    list_display = ("portfolio", "is_listed", "verified_count", "updated_at")
    list_filter = ("is_listed",)
    search_fields = ("portfolio__slug",)
    list_select_related = ("portfolio",)
    readonly_fields = ("portfolio", "is_listed", "text", "skill_keys", "verified_count",
                       "updated_at")  # fmt: skip
    exclude = ("document", "rank_document")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    """Who follows which portfolio (the followers' own choice: read-only here)."""

    list_display = ("follower", "portfolio", "created_at")
    list_filter = ("created_at",)
    search_fields = ("follower__username", "portfolio__slug")
    list_select_related = ("follower", "portfolio")
    readonly_fields = ("follower", "portfolio", "created_at")

    def has_add_permission(self, request):
        return False
