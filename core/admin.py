"""Admin helpers for the apps' stored-file models (core.models.StoredFile): files come in
through the students' editors and their upload checks, never through the admin."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def _label_fields(form, row_name: str = "") -> None:
    """Give each of the form's inputs an accessible name: its field's label, and the row's
    name when there is one (a change list or a table of inline rows has no <label>s)."""
    for field in form.fields.values():
        name = capfirst(field.label) if field.label else ""
        if name and row_name:
            name = f"{name} — {row_name}"
        if name:
            field.widget.attrs.setdefault("aria-label", name)


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's inputs (and its "Delete" box) named by column and row."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row_name = str(form.instance) if form.instance.pk is not None else ""
        _label_fields(form, row_name)


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs a screen reader can name: Django's table of inline rows
    labels its columns in the header only (axe: "label", critical)."""

    formset = LabelledInlineFormSet


class LabelledAdminSplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time boxes, each named ("Date", "Time"): the field's <label>
    points at neither of them (axe: "label", critical)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = (context["date_label"], context["time_label"])
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            subwidget["attrs"]["aria-label"] = str(label).rstrip(":").strip()
        return context


LABELLED_DATETIMES = {models.DateTimeField: {"widget": LabelledAdminSplitDateTime}}


class StoredFileInline(LabelledTabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # files come in through the student's editor and its upload checks


class StoredFileAdmin(admin.ModelAdmin):
    list_filter = ("kind", "created_at")

    def has_add_permission(self, request):
        return False


def stored_file_readonly_fields(owner: str, *own_fields: str) -> tuple[str, ...]:
    """What the admin shows of a stored file and may not change: the owner (the row it
    belongs to), the file, its copies and what the upload checks found."""
    return (
        "public_id", owner, "kind", "file", "display_file", "thumbnail_file", *own_fields,
        "original_name", "content_type", "size", "stored_bytes", "sha256", "width", "height",
        "created_at",
    )  # fmt: skip


def translated_boolean_icon(field_val):
    """Django's admin icon for a yes/no value, with a translated text alternative.

    Django's own ``_boolean_icon`` writes ``alt="True"`` / ``alt="False"`` in every language,
    so screen readers say English words on a Kyrgyz page; this one says "Ооба" / "Жок"."""
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    label = {True: _("Yes"), False: _("No"), None: _("Unknown")}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), label)


def translate_admin_boolean_icons() -> None:
    """Put :func:`translated_boolean_icon` in place of Django's. Every caller (change list,
    read-only fields, ``display_for_value``) looks it up in ``admin_list`` when it runs."""
    from django.contrib.admin.templatetags import admin_list

    admin_list._boolean_icon = translated_boolean_icon


class LabelledListEditableMixin:
    """The inputs of a change list's ``list_editable`` columns get an accessible name, the
    column and the row ("Order — Certificates"): Django's change list gives them none, so a
    screen reader announces a row of unnamed boxes (axe: "label", critical)."""

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)

        class LabelledForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                _label_fields(self, str(self.instance) if self.instance.pk is not None else "")

        return LabelledForm
