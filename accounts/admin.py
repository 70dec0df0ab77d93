from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.forms import PersonChoiceField
from accounts.models import (
    Cohort,
    EmployerProfile,
    Faculty,
    Program,
    Role,
    SupervisorAssignment,
    User,
)
from core.admin import LabelledTabularInline


@admin.register(Faculty)
class FacultyAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ru", "name_ky", "program_count")
    search_fields = ("name_en", "name_ru", "name_ky")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_count=Count("programs"))

    @admin.display(description=_("programs"), ordering="program_count")
    def program_count(self, obj):
        return obj.program_count


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = (
        "name_en",
        "name_ru",
        "name_ky",
        "code",
        "faculty",
        "is_active",
        "student_count",
    )
    list_filter = ("faculty", "is_active")
    search_fields = ("name_en", "name_ru", "name_ky", "code")
    list_select_related = ("faculty",)
    prepopulated_fields = {"code": ("name_en",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(student_count=Count("students"))

    @admin.display(description=_("students"), ordering="student_count")
    def student_count(self, obj):
        return obj.student_count


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("entry_year", "is_active", "student_count")
    list_filter = ("is_active",)
    search_fields = ("entry_year",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(student_count=Count("students"))

    @admin.display(description=_("students"), ordering="student_count")
    def student_count(self, obj):
        return obj.student_count


class PersonPickerMixin:
    """Every user picked in this admin is named with program · cohort · username, in the
    autocomplete results (UserAdmin.autocomplete_label) and in the chosen value alike."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is User:
            kwargs.setdefault("form_class", PersonChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SupervisorOfStudentInline(PersonPickerMixin, LabelledTabularInline):
    model = SupervisorAssignment
    fk_name = "student"
    extra = 0
    autocomplete_fields = ("supervisor",)
    verbose_name = _("supervisor")
    verbose_name_plural = _("supervisors")


class StudentOfSupervisorInline(PersonPickerMixin, LabelledTabularInline):
    model = SupervisorAssignment
    fk_name = "supervisor"
    extra = 0
    autocomplete_fields = ("student",)
    verbose_name = _("student")
    verbose_name_plural = _("students")


HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class EmployerProfileInline(admin.StackedInline):
    model = EmployerProfile
    formfield_overrides = HTTPS_URLS
    fk_name = "user"
    extra = 0
    max_num = 1
    readonly_fields = ("decided_at", "decided_by", "created_at")


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name", "role", "program", "cohort")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "program",
        "cohort",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "program", "cohort", "is_active", "is_staff", "preferred_language")
    search_fields = ("username", "email", "first_name", "last_name")
    list_select_related = ("program", "cohort")
    # Facts the site records, not dates a person types (nothing out of range can come in).
    readonly_fields = ("last_login", "date_joined")
    autocomplete_select_related = ("program", "cohort")

    def autocomplete_label(self, obj) -> str:
        return obj.person_label

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "email", "preferred_language")},
        ),
        (_("Role and studies"), {"fields": ("role", "program", "cohort")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "program",
                    "cohort",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return {
            Role.STUDENT: [SupervisorOfStudentInline],
            Role.SUPERVISOR: [StudentOfSupervisorInline],
            Role.EMPLOYER: [EmployerProfileInline],
        }.get(obj.role, [])

    SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            # Staff manage accounts, but cannot touch (or reset the password of) a superuser.
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            readonly = (*readonly, *self.SUPERUSER_ONLY_FIELDS)
        return readonly

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the form's own groups are saved: admin access follows the role.
        services.user_sync_staff_access(user=form.instance)


@admin.register(SupervisorAssignment)
class SupervisorAssignmentAdmin(PersonPickerMixin, admin.ModelAdmin):
    list_display = ("supervisor", "student", "student_program", "student_cohort", "created_at")
    list_filter = ("student__program", "student__cohort")
    search_fields = (
        "supervisor__username",
        "supervisor__last_name",
        "student__username",
        "student__last_name",
    )
    autocomplete_fields = ("supervisor", "student")
    list_select_related = ("supervisor", "student__program", "student__cohort")

    @admin.display(description=_("program"), ordering="student__program__name_en")
    def student_program(self, obj):
        return obj.student.program

    @admin.display(description=_("cohort"), ordering="student__cohort__entry_year")
    def student_cohort(self, obj):
        return obj.student.cohort


@admin.register(EmployerProfile)
class EmployerProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation", "user", "user_email", "website", "status", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("organisation", "user__username", "user__email", "user__last_name")
    list_select_related = ("user",)
    readonly_fields = ("decided_at", "decided_by", "created_at")
    autocomplete_fields = ("user",)
    actions = ("approve", "reject")
    formfield_overrides = HTTPS_URLS

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.action(description=_("Approve the selected employers"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected employers"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve: bool):
        count = services.employers_decide(
            profiles=queryset, approve=approve, by=request.user, request=request
        )
        if approve:
            message = ngettext(
                "%(count)d employer approved and notified by e-mail.",
                "%(count)d employers approved and notified by e-mail.",
                count,
            )
        else:
            message = ngettext(
                "%(count)d employer rejected and notified by e-mail.",
                "%(count)d employers rejected and notified by e-mail.",
                count,
            )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
