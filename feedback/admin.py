from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import PersonPickerMixin
from core.admin import LabelledTabularInline
from feedback.models import (
    EmployerFeedback,
    EmploymentOutcome,
    Review,
    ReviewRevision,
    ReviewScore,
    Rubric,
    RubricCriterion,
    ShortlistEntry,
    Term,
    VerificationEvent,
)
from feedback.services.reviews import rubric_check_weights, term_make_current


class TermAdminForm(forms.ModelForm):
    """Ticking "current term" moves the mark here: the old current term is unmarked when
    saving (see save_model), so the one-current-term constraint is not in the way."""

    class Meta:
        model = Term
        fields = ("name_en", "name_ru", "name_ky", "starts_on", "ends_on", "is_current")

    def clean(self):
        cleaned = super().clean()
        self.make_current = bool(cleaned.get("is_current"))
        cleaned["is_current"] = False
        self.instance.is_current = False
        return cleaned


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    form = TermAdminForm
    list_display = ("name_en", "name_ru", "name_ky", "starts_on", "ends_on", "is_current")
    list_filter = ("is_current",)
    search_fields = ("name_en", "name_ru", "name_ky")
    date_hierarchy = "starts_on"
    actions = ["make_current"]

    def save_model(self, request, obj, form, change):
        obj.is_current = False
        super().save_model(request, obj, form, change)
        if getattr(form, "make_current", False):
            term_make_current(term=obj)

    @admin.action(description=_("Make the selected term the current one"))
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one term."), messages.ERROR)
            return
        term = term_make_current(term=queryset.get())
        self.message_user(request, _("“%(term)s” is now the current term.") % {"term": term})


class CriterionFormSet(BaseInlineFormSet):
    """The weights of the criteria left after the edit must add up to 100."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("weight") is not None
        ]
        try:
            rubric_check_weights(weights)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class CriterionInline(admin.StackedInline):
    model = RubricCriterion
    formset = CriterionFormSet
    extra = 0
    min_num = 1
    fields = (
        ("name_en", "weight", "order"), ("name_ru", "name_ky"),
        "description_en", "description_ru", "description_ky",
    )  # fmt: skip


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("name_en", "program", "is_active", "weights", "created_at")
    list_filter = ("is_active", "program")
    search_fields = ("name_en", "name_ru", "name_ky")
    list_select_related = ("program",)
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("criteria")

    @admin.display(description=_("criteria and weights"))
    def weights(self, obj):
        return ", ".join(f"{c.name} {c.weight}%" for c in obj.criteria.all())


class ReviewScoreInline(LabelledTabularInline):
    model = ReviewScore
    extra = 0
    can_delete = False
    readonly_fields = ("criterion", "score", "weight")

    def has_add_permission(self, request, obj=None):
        return False


class ReviewRevisionInline(LabelledTabularInline):
    model = ReviewRevision
    extra = 0
    can_delete = False
    readonly_fields = ("total", "feedback", "scores", "released_at", "replaced_at", "replaced_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    """Criteria are edited inside their rubric (where the weights are checked together)."""

    list_display = ("name_en", "rubric", "weight", "order")
    list_filter = ("rubric",)
    search_fields = ("name_en", "name_ru", "name_ky", "description_en")
    list_select_related = ("rubric",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        match = getattr(request, "resolver_match", None)
        own_pages = {f"{self.opts.app_label}_{self.opts.model_name}_{page}"
                     for page in ("changelist", "change", "delete")}  # fmt: skip
        if match is None or match.url_name in own_pages:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ReviewScore)
class ReviewScoreAdmin(ReadOnlyAdmin):
    list_display = ("review", "criterion", "score", "weight")
    search_fields = ("review__student__username", "review__student__last_name")
    list_select_related = ("review__student", "review__term", "criterion")


@admin.register(ReviewRevision)
class ReviewRevisionAdmin(ReadOnlyAdmin):
    list_display = ("review", "total", "released_at", "replaced_at", "replaced_by")
    search_fields = ("review__student__username", "review__student__last_name")
    list_select_related = ("review__student", "review__term", "replaced_by")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Supervisors write reviews on the site (the total is computed there, released ones
    keep their history); staff read them here."""

    list_display = ("student", "supervisor", "term", "total", "status", "released_at")
    list_filter = ("term", "status", "student__program", "student__cohort")
    search_fields = ("student__username", "student__last_name", "supervisor__last_name")
    list_select_related = ("student", "supervisor", "term")
    readonly_fields = (
        "student", "supervisor", "term", "rubric", "total", "released_at", "created_at",
        "updated_at",
    )  # fmt: skip
    fields = (*readonly_fields[:5], "status", "feedback", *readonly_fields[5:])

    def get_readonly_fields(self, request, obj=None):
        # Supervisors change reviews on the site, where released ones keep their history.
        return self.fields

    inlines = [ReviewScoreInline, ReviewRevisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(VerificationEvent)
class VerificationEventAdmin(ReadOnlyAdmin):
    """The audit trail: read only."""

    list_display = ("created_at", "achievement_title", "student", "action", "actor")
    list_filter = ("action",)
    search_fields = ("achievement_title", "student__username", "student__last_name", "reason")
    list_select_related = ("student", "actor")
    date_hierarchy = "created_at"


@admin.register(EmployerFeedback)
class EmployerFeedbackAdmin(admin.ModelAdmin):
    list_display = (
        "portfolio", "employer", "presentation", "skills_relevance", "evidence_credibility",
        "would_interview", "updated_at",
    )  # fmt: skip
    list_filter = ("would_interview",)
    search_fields = (
        "portfolio__slug",
        "employer__username",
        "employer__employer_profile__organisation",
        "comment",
    )  # noqa: E501
    list_select_related = ("portfolio", "employer")
    raw_id_fields = ("employer", "portfolio")


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    """Which employer keeps which portfolio; the employer's note stays theirs alone."""

    exclude = ("note",)
    list_display = ("employer", "portfolio", "created_at")
    search_fields = ("portfolio__slug", "employer__username")
    list_select_related = ("portfolio", "employer")
    raw_id_fields = ("employer", "portfolio")


@admin.register(EmploymentOutcome)
class EmploymentOutcomeAdmin(PersonPickerMixin, admin.ModelAdmin):
    """Staff record graduates' jobs here (students add their own on the site)."""

    list_display = (
        "student", "employer_name", "position", "start_date", "end_date", "related_to_field",
        "recorded_by",
    )  # fmt: skip
    list_filter = ("related_to_field", "student__program", "student__cohort")
    search_fields = ("student__username", "student__last_name", "employer_name", "position")
    list_select_related = ("student", "recorded_by")
    autocomplete_fields = ("student",)
    readonly_fields = ("recorded_by", "created_at", "updated_at")
    date_hierarchy = "start_date"
    actions = ["mark_related", "mark_unrelated"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def _mark(self, request, queryset, related: bool):
        count = queryset.update(related_to_field=related)
        self.message_user(
            request,
            ngettext("%(count)d job updated.", "%(count)d jobs updated.", count) % {"count": count},
        )

    @admin.action(description=_("Mark as related to the field of study"))
    def mark_related(self, request, queryset):
        self._mark(request, queryset, True)

    @admin.action(description=_("Mark as not related to the field of study"))
    def mark_unrelated(self, request, queryset):
        self._mark(request, queryset, False)
