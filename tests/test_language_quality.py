"""Language quality in Russian and Kyrgyz: the default rubric's names, criterion names in
the viewer's language, CLDR's number and date formats, the glossary, the admin's own
strings, and translated form validation instead of the browser's English tooltips."""

import datetime
import importlib
import json
import re
from pathlib import Path

import pytest
from babel import dates, lists, numbers, units
from django.apps import apps as django_apps
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, get_format, time_format
from django.utils.timesince import timesince

from feedback.models import Review, RubricCriterion
from feedback.services.reviews import review_save
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    default_rubric,
    portfolio_for,
    scores_for,
)

CRITERION_MIGRATION = "feedback.migrations.0007_criterion_name_fixes_and_translated_history"


# --- The default rubric ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_rubric_names_its_criteria_correctly():
    names = list(default_rubric().criteria.values_list("name_en", "name_ru", "name_ky"))
    assert names[0] == ("Completeness", "Полнота", "Толуктук")
    assert (
        "Professional relevance",
        "Профессиональная значимость",
        "Кесиптик маанилүүлүк",
    ) in names


@pytest.mark.django_db
def test_the_migration_fixes_only_rows_that_still_hold_the_typo():
    migration = importlib.import_module(CRITERION_MIGRATION)
    rubric = default_rubric()
    typo = rubric.criteria.get(name_en="Completeness")
    RubricCriterion.objects.filter(pk=typo.pk).update(name_ru="Толнота", name_ky="Толуктугу")
    edited = rubric.criteria.get(name_en="Reflection")
    RubricCriterion.objects.filter(pk=edited.pk).update(name_ru="Толнота и глубина")

    migration.fix_names(django_apps, None)

    typo.refresh_from_db()
    edited.refresh_from_db()
    assert (typo.name_ru, typo.name_ky) == ("Полнота", "Толуктук")
    assert edited.name_ru == "Толнота и глубина"


# --- Criterion names in the viewer's language -----------------------------------------


@pytest.fixture
def changed_review():
    """A released review its supervisor then changed: one earlier version in its history."""
    supervisor = SupervisorFactory()
    student = StudentFactory()
    portfolio_for(student)
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    term = TermFactory(is_current=True)
    rubric = default_rubric()
    review_save(
        supervisor=supervisor, student=student, term=term,
        scores=scores_for(rubric, 81, 77, 64, 93, 58), feedback="First", release=True,
    )  # fmt: skip
    review = review_save(
        supervisor=supervisor, student=student, term=term,
        scores=scores_for(rubric, 90, 77, 64, 93, 58), feedback="Second", release=True,
    )  # fmt: skip
    assert review.revisions.count() == 1
    return review


def _history(review) -> str:
    html = render_to_string("feedback/_review_card.html", {"review": review, "show_history": True})
    return html.split("<details", 1)[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name"), [("en", "Completeness"), ("ru", "Полнота"), ("ky", "Толуктук")]
)
def test_review_history_names_criteria_in_the_viewers_language(changed_review, language, name):
    with translation.override(language):
        history = _history(Review.objects.get(pk=changed_review.pk))
    assert f"{name} 81" in history
    if language != "en":
        assert "Completeness" not in history


@pytest.mark.django_db
def test_the_migration_gives_old_history_its_translated_names(changed_review):
    migration = importlib.import_module(CRITERION_MIGRATION)
    revision = changed_review.revisions.get()
    revision.scores = [
        {"criterion": entry["criterion"], "weight": entry["weight"], "score": entry["score"]}
        for entry in revision.scores
    ]
    revision.save()

    migration.translate_revision_names(django_apps, None)

    with translation.override("ky"):
        history = _history(Review.objects.get(pk=changed_review.pk))
    assert "Толуктук 81" in history
    assert "Completeness" not in history


# --- Dates and numbers after CLDR -----------------------------------------------------

SEPTEMBER_1 = datetime.date(2024, 9, 1)
AFTERNOON = datetime.datetime(2024, 9, 1, 9, 5)


def _cldr(text: str) -> str:
    """CLDR puts a narrow no-break space before "г."; Django's formats a plain one."""
    return text.replace("\u202f", " ")


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_numbers_use_cldrs_separators(language):
    with translation.override(language):
        assert get_format("DECIMAL_SEPARATOR") == numbers.get_decimal_symbol(language)
        assert get_format("THOUSAND_SEPARATOR") == numbers.get_group_symbol(language)
        shown = Template("{{ value|floatformat:1 }} {{ big|floatformat:'1g' }}").render(
            Context({"value": 53.75, "big": 1234567.5})
        )
    expected_small = numbers.format_decimal(53.8, format="0.0", locale=language)
    expected_big = numbers.format_decimal(1234567.5, format="#,##0.0", locale=language)
    assert shown == f"{expected_small} {expected_big}"
    if language == "ky":
        assert shown == "53,8 1\xa0234\xa0567,5"


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_dates_follow_cldr(language):
    with translation.override(language):
        long_date = date_format(SEPTEMBER_1, "DATE_FORMAT")
        year_month = date_format(SEPTEMBER_1, "YEAR_MONTH_FORMAT")
        month_day = date_format(SEPTEMBER_1, "MONTH_DAY_FORMAT")
        short_date = date_format(SEPTEMBER_1, "SHORT_DATE_FORMAT")
        time = time_format(AFTERNOON.time(), "TIME_FORMAT")
    assert long_date == _cldr(dates.format_date(SEPTEMBER_1, "long", locale=language))
    assert short_date == dates.format_date(SEPTEMBER_1, "short", locale=language)
    assert time == dates.format_time(AFTERNOON, "short", locale=language) == "09:05"
    assert month_day == dates.format_skeleton("MMMMd", SEPTEMBER_1, locale=language)
    if language == "ky":
        assert long_date == "2024-ж., 1-сентябрь"
        assert year_month == dates.format_skeleton("yMMMM", SEPTEMBER_1, locale="ky")


def test_kyrgyz_months_are_lower_case_inside_a_date():
    names = dates.get_month_names("wide", "format", locale="ky")
    with translation.override("ky"):
        shown = [date_format(datetime.date(2024, month, 1), "DATE_FORMAT") for month in names]
    assert shown == [f"2024-ж., 1-{names[month]}" for month in names]
    assert all(name.islower() for name in names.values())


def test_kyrgyz_file_sizes_are_in_bytes_with_one_abbreviation_style():
    # Django's Kyrgyz catalogue says "646бит" (bits, no space) and mixes КБ with "мегабайт".
    from django.template.defaultfilters import filesizeformat

    with translation.override("ky"):
        shown = [filesizeformat(size) for size in (646, 47_000, 5_000_000, 3 * 1024**3)]
    assert shown == ["646\xa0байт", "45,9\xa0КБ", "4,8\xa0МБ", "3,0\xa0ГБ"]  # no-break spaces


def test_a_kyrgyz_time_span_reads_as_cldr_writes_it():
    now = datetime.datetime(2025, 1, 25, 12, tzinfo=datetime.UTC)
    then = datetime.datetime(2024, 9, 4, 12, tzinfo=datetime.UTC)  # 4 months and 3 weeks
    with translation.override("ky"):
        shown = timesince(then, now)
        in_a_page = Template(
            "{% load i18n %}{% blocktranslate with time=then|timesince:now %}"
            "{{ time }} ago{% endblocktranslate %}"
        ).render(Context({"then": then, "now": now}))
    parts = [  # CLDR's ky has no long form for months: the short one is "{0} ай"
        units.format_unit(4, "duration-month", length="short", locale="ky"),
        units.format_unit(3, "duration-week", length="long", locale="ky"),
    ]
    assert shown.replace("\xa0", " ") == lists.format_list(parts, style="unit", locale="ky")
    assert in_a_page.replace("\xa0", " ") == "4 ай, 3 апта мурун"


# --- The site's own translated validation, not the browser's English tooltips ---------

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_FIELDS = re.compile(
    r"\{\{ *form\b|\{% *crispy\b|\|crispy|\{\{ *field\b|<select\b|<textarea\b"
    r"|<input\b(?![^>]*type=\"(?:hidden|submit|button)\")"
)


def _template_forms():
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for match in _FORM.finditer(path.read_text()):
            yield path.relative_to(settings.BASE_DIR), match.group(1), match.group(2)


def test_every_form_with_fields_leaves_validation_to_the_site():
    """The browser's own checks speak its language ("Please enter a URL."), not the page's;
    ``novalidate`` lets the site's translated errors show (input types stay for keyboards)."""
    missing = [
        f"{path}: <form{attrs}>"
        for path, attrs, body in _template_forms()
        if _FIELDS.search(body) and "novalidate" not in attrs
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_crispy_form_tag_leaves_validation_to_the_site():
    from accounts import forms as account_forms
    from notifications.forms import NotificationPreferencesForm

    forms = [
        account_forms.StudentSignUpForm(),
        account_forms.EmployerSignUpForm(),
        account_forms.LoginForm(),
        account_forms.CrispyPasswordResetForm(),
        account_forms.CrispySetPasswordForm(StudentFactory.build()),
        NotificationPreferencesForm(kinds=[], deliveries={}),
    ]
    for form in forms:
        assert form.helper.form_tag
        assert "novalidate" in form.helper.attrs, type(form).__name__


@pytest.mark.django_db
def test_a_bad_website_on_sign_up_gets_a_kyrgyz_error_from_the_site(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ky"
    page = client.get(reverse("accounts:signup-employer")).content.decode()
    opening = [
        m for m in re.finditer(r"<form\b[^>]*>", page) if m.start() < page.index('name="website"')
    ][-1]
    assert "novalidate" in opening.group(0)
    assert 'type="url"' in page  # a phone still offers its URL keyboard
    response = client.post(
        reverse("accounts:signup-employer"),
        {"first_name": "Айбек", "last_name": "Осмонов", "email": "a@example.kg",
         "organisation": "Ала-Тоо", "website": "not a url", "username": "aibek",
         "password1": "Correct-Horse-Battery-42", "password2": "Correct-Horse-Battery-42"},
    )  # fmt: skip
    assert response.status_code == 200
    with translation.override("ky"):
        from django.core.validators import URLValidator

        message = str(URLValidator.message)
    assert message != "Enter a valid URL."
    assert message in response.content.decode()


# --- The admin in Kyrgyz ---------------------------------------------------------------

CYRILLIC = re.compile(r"[А-Яа-яЁёӨөҮүҢң]")


def _admin_models(*app_labels):
    from django.contrib import admin

    return [model for model in admin.site._registry if model._meta.app_label in app_labels]


@pytest.mark.parametrize(
    "model", _admin_models("analytics", "axes"), ids=lambda model: model._meta.label
)
@pytest.mark.parametrize("language", ["ru", "ky"])
def test_the_admin_names_analytics_and_axes_models_and_fields_in_the_language(model, language):
    from django.db import models

    if language == "ru" and model._meta.app_label == "axes":
        pytest.skip("django-axes ships its own Russian")
    with translation.override(language):
        names = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
        names += [
            str(field.verbose_name)
            for field in model._meta.get_fields()
            if field.concrete and not (field.primary_key and isinstance(field, models.AutoField))
        ]
    assert [name for name in names if not CYRILLIC.search(name)] == []


@pytest.fixture
def admin_client_ky(client, django_user_model):
    from accounts.services import staff_group_ensure
    from tests.factories import StaffFactory

    staff = StaffFactory(is_superuser=True)
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ky"
    return client


@pytest.mark.django_db
def test_admin_yes_no_icons_have_translated_alternative_text(admin_client_ky):
    StudentFactory(is_active=False)
    html = admin_client_ky.get(reverse("admin:accounts_user_changelist")).content.decode()
    icons = re.findall(r'<img src="[^"]*/admin/img/icon-(yes|no)\.svg" alt="([^"]*)">', html)
    assert icons
    assert {alt for _, alt in icons} <= {"Ооба", "Жок"}
    assert 'alt="True"' not in html and 'alt="False"' not in html


@pytest.mark.django_db
def test_axes_admin_and_lockout_speak_kyrgyz(admin_client_ky):
    html = admin_client_ky.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "кирүү аракеттери" in html.lower()
    assert "IP Address" not in html and "Attempt Time" not in html
    with translation.override("ky"):
        from django.utils.translation import gettext

        assert CYRILLIC.search(
            gettext("Account locked: too many login attempts. Please try again later.")
        )


@pytest.mark.django_db
def test_djangos_kyrgyz_admin_strings_have_their_spaces(admin_client_ky):
    from django.utils.translation import gettext

    catalog = admin_client_ky.get(reverse("admin:jsi18n")).content.decode()
    # The action bar's counter, next to the "Жөнө" button (JSON-escaped in the catalogue).
    assert json.dumps("%(cnt)s жазуудан %(sel)s тандалды") in catalog
    with translation.override("ky"):
        message = gettext(
            "Items must be selected in order to perform actions on them. "
            "No items have been changed."
        )
    assert "нерсеөзгөргөн" not in message
    assert message.endswith("Эч нерсе өзгөргөн жок.")


# --- The glossary ----------------------------------------------------------------------

GLOSSARY = Path(settings.BASE_DIR, "docs", "glossary.md")
CATALOGS = {
    language: Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")
    for language in ("ru", "ky")
}


def _glossary_rows():
    """``(english pattern, {"ru": stem, "ky": stem}, checked)`` for each row of the table."""
    rows = []
    for line in GLOSSARY.read_text().splitlines():
        if not line.startswith("| ") or line.startswith("| English"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        stems = [re.search(r"`([^`]+)`", cell).group(1).replace("\\|", "|") for cell in cells[:3]]
        rows.append((stems[0], {"ru": stems[1], "ky": stems[2]}, cells[3] == "checked"))
    return rows


def _entries(language):
    import polib

    for entry in polib.pofile(str(CATALOGS[language])):
        source = f"{entry.msgid} {entry.msgid_plural or ''}"
        text = " ".join([entry.msgstr, *entry.msgstr_plural.values()]).lower()
        yield source, text


def test_the_glossary_covers_the_core_concepts():
    rows = _glossary_rows()
    english = " ".join(pattern for pattern, _, _ in rows)
    for concept in ("portfolio", "evidence", "verif", "draft", "project", "journal", "rubric",
                    "criteri", "share link", "shortlist", "cohort", "notification"):  # fmt: skip
        assert concept in english
    assert sum(checked for _, _, checked in rows) >= 12


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_translations_use_the_glossary_terms(language):
    entries = list(_entries(language))
    strays = [
        (pattern, source)
        for pattern, stems, checked in _glossary_rows()
        if checked
        for source, text in entries
        if re.search(pattern, source, re.I) and stems[language].lower() not in text
    ]
    assert strays == []


@pytest.mark.parametrize(
    ("language", "concept", "other", "others_word"),
    [
        ("ky", r"\bdrafts?\b", r"\bprojects?\b", "долбоор"),
        ("ky", r"\bprojects?\b", r"\bdrafts?\b", "кара нуск"),
        ("ru", r"\bevidence\b", r"\bverif|\bconfirm", "подтвержд[её]н"),
        ("ru", r"\bdrafts?\b", r"\bprojects?\b", "проект"),
    ],
)
def test_confusable_concepts_keep_their_own_words(language, concept, other, others_word):
    """ "Долбоор" was both a draft and a project; "подтверждение" both evidence and
    verification (docs/glossary.md, "Never confuse")."""
    confused = [
        source
        for source, text in _entries(language)
        if re.search(concept, source, re.I)
        and not re.search(other, source, re.I)
        and re.search(others_word, text)
    ]
    assert confused == []


@pytest.mark.parametrize(("language", "expected"), [("en", "2.5"), ("ru", "2,5"), ("ky", "2,5")])
def test_chart_ticks_use_the_languages_decimal_separator(language, expected):
    from analytics import formatting

    with translation.override(language):
        assert formatting.axis(2.5) == expected
        assert formatting.axis(20.0) == "20"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", _admin_models("analytics", "axes"), ids=lambda model: model._meta.label
)
def test_analytics_and_axes_changelists_show_kyrgyz_names(admin_client_ky, model):
    opts = model._meta
    response = admin_client_ky.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("en"):
        english = str(opts.verbose_name_plural)
    with translation.override("ky"):
        kyrgyz = str(opts.verbose_name_plural)
    assert kyrgyz.lower() in html.lower()
    assert f">{english.capitalize()}<" not in html
