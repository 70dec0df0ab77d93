"""The search vocabulary, to look at (it is rebuilt, never edited)."""

from django.contrib import admin

from search.models import SearchWord


@admin.register(SearchWord)
class SearchWordAdmin(admin.ModelAdmin):
    list_display = ("word", "key", "documents")
    search_fields = ("word", "key")
    ordering = ("-documents", "word")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
