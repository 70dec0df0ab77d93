from django.contrib import admin

from core.admin import StoredFileAdmin, StoredFileInline, stored_file_readonly_fields
from journal.models import Post, PostAttachment
from portfolios.admin import PortfolioItemAdmin


class PostAttachmentInline(StoredFileInline):
    model = PostAttachment
    fields = ("kind", "original_name", "content_type", "size", "order")
    readonly_fields = ("kind", "original_name", "content_type", "size")


@admin.register(Post)
class PostAdmin(PortfolioItemAdmin):
    list_display = ("title", "student", "status", "visibility", "published_at", "updated_at")
    list_filter = ("status", "visibility", "comments_enabled", "portfolio__student__program")
    search_fields = ("title", "body", "portfolio__slug", "portfolio__student__last_name")
    list_select_related = ("portfolio__student",)
    inlines = [PostAttachmentInline]


@admin.register(PostAttachment)
class PostAttachmentAdmin(StoredFileAdmin):
    list_display = ("__str__", "kind", "post", "size", "content_type", "created_at")
    search_fields = ("original_name", "post__title", "sha256")
    list_select_related = ("post",)
    readonly_fields = stored_file_readonly_fields("post")
