"""No English left on a Russian or Kyrgyz page, and catalogs with no gaps."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import (
    EmployerFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
)

LOCALES = ("ru", "ky")


class _TextCollector(HTMLParser):
    """Visible text and the attributes people read (placeholders, labels, titles)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title", "alt") and value:
                self.texts.append(value.strip())
        if tag == "meta" and dict(attrs).get("name") == "description":
            self.texts.append((dict(attrs).get("content") or "").strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def english_leftovers(html: str, allowed: set[str]) -> list[str]:
    parser = _TextCollector()
    parser.feed(html)
    leftovers = []
    for text in parser.texts:
        if text in allowed or "@" in text or text.startswith(("http", "/")):
            continue
        if re.search(r"[А-Яа-яЁёӨөҮүҢң]", text):
            continue  # translated text, maybe with names like PDF or PowerPoint in it
        if re.fullmatch(r"[\w .()-]+\.[a-z0-9]{2,4}", text):
            continue  # a file name
        if re.search(r"\b[A-Za-z]{3,}\b", text):
            leftovers.append(text)
    return leftovers


@pytest.mark.parametrize(
    "path",
    sorted(
        path
        for folder in ("locale", "locale_overrides")
        for path in Path(settings.BASE_DIR, folder).glob("*/LC_MESSAGES/*.po")
    ),
)
def test_catalog_is_complete(path):
    catalog = polib.pofile(str(path))
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    assert catalog.percent_translated() == 100


def _portfolio_with_content(student):
    """A public portfolio whose own texts are Kyrgyz, so only the interface can be English."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from achievements.services import achievement_create
    from core.files.uploads import prepare_upload
    from demo.portfolios import make_image
    from portfolios.models import Category, Visibility
    from portfolios.services import portfolio_get_or_create, portfolio_update, share_link_create

    portfolio = portfolio_get_or_create(student=student)
    portfolio_update(portfolio=portfolio, skills=["Сүрөт тартуу"], headline="Келечектеги мугалим",
                     visibility=Visibility.PUBLIC)  # fmt: skip
    share_link_create(portfolio=portfolio, label="Компания үчүн")
    image = prepare_upload(SimpleUploadedFile("сертификат.jpg", make_image("A", "B", seed=2)))
    return achievement_create(
        portfolio=portfolio, category=Category.objects.get(code="sports"), title="Волейбол",
        organisation="Университет", result="1-орун", visibility=Visibility.PUBLIC,
        files=[image],
    )  # fmt: skip


def _journal_post(portfolio, *, image_seed):
    """A public journal post in Kyrgyz with a picture."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.files.uploads import prepare_upload
    from demo.portfolios import make_image
    from journal.services import post_create
    from portfolios.models import Visibility

    image = prepare_upload(SimpleUploadedFile("сүрөт.jpg", make_image("A", "B", seed=image_seed)))
    return post_create(portfolio=portfolio, title="Практика", body="Биринчи **сабак**.",
                       tags=["практика"], status="published", visibility=Visibility.PUBLIC,
                       files=[image])  # fmt: skip


def _feedback_content(student, supervisor, achievement):
    """A released review, a verified item, a pending request, employer feedback and a job."""
    import datetime

    from achievements.services import achievement_create
    from feedback.models import Term
    from feedback.services.outcomes import outcome_save
    from feedback.services.reviews import review_save, rubric_for
    from feedback.services.verification import verification_decide, verification_request
    from portfolios.models import Category, Visibility

    term = Term.objects.create(
        name_en="2026–27 autumn", name_ru="2026–27, осенний семестр",
        name_ky="2026–27, күзгү семестр", starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 25), is_current=True,
    )  # fmt: skip
    rubric = rubric_for(student=student)
    review_save(supervisor=supervisor, student=student, term=term, release=True,
                scores={c.pk: 70 for c in rubric.criteria.all()}, feedback="Жакшы иш")  # fmt: skip
    verification_request(achievement=achievement, student=student)
    verification_decide(achievement=achievement, supervisor=supervisor, verify=True)
    pending = achievement_create(
        portfolio=student.portfolio, category=Category.objects.get(code="research"),
        title="Изилдөө", visibility=Visibility.PUBLIC,
    )  # fmt: skip
    verification_request(achievement=pending, student=student)
    outcome_save(student=student, recorded_by=student, employer_name="Мектеп №5",
                 position="Мугалим", start_date=datetime.date(2026, 1, 1),
                 related_to_field=True)  # fmt: skip
    return term


def _experiment_pages(term):
    """The experiments list, the form, a draft's plan and a running experiment's results."""
    from experiments.services import experiment_create, experiment_start

    def make(name, **fields):
        return experiment_create(name=name, hypothesis="Сунуштар жардам берет", term=term,
                                 primary_metric="updates_per_week", **fields)  # fmt: skip

    running = make("Сунуштар", secondary_metrics=["review_score"], with_rules_arm=True)
    experiment_start(experiment=running)
    draft = make("Кийинки")
    return [reverse("experiments:list"), reverse("experiments:create"),
            reverse("experiments:detail", args=[running.pk]),
            reverse("experiments:edit", args=[running.pk]),
            reverse("experiments:detail", args=[draft.pk])]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("language", LOCALES)
def test_no_english_left_on_pages(client, language):
    supervisor = SupervisorFactory(username="sup", first_name="Гульнара", last_name="Мамбетова")
    student = StudentFactory(username="stud", first_name="Айбек", last_name="Осмонов")
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    employer = EmployerFactory(username="emp", first_name="Эмиль", last_name="Касымов")
    staff = StaffFactory(username="staffer", first_name="Замира", last_name="Усенова")
    # Names users chose (usernames, organisations) and the language names are not English text.
    allowed = {"English", "EN", "RU", "KY", "Русский", "Кыргызча", "sup", "stud", "emp", "staffer",
               "LinkedIn", "GitHub", "Telegram",  # brand names
               employer.employer_profile.organisation, "https://example.com"}  # fmt: skip
    anonymous_pages = [
        reverse("home"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
        reverse("accounts:signup-employer"),
        reverse("accounts:password-reset"),
        reverse("accounts:password-reset-done"),
        reverse("accounts:password-reset-complete"),
        "/no-such-page/",
    ]
    achievement = _portfolio_with_content(student)
    anonymous_pages.append(reverse("portfolios:public", args=[student.portfolio.slug]))
    from notifications.access import unsubscribe_token

    # The sign-in-free page behind the link in notification e-mails: one kind, and all.
    anonymous_pages += [
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=student.pk, kind=k)])
        for k in ("comment", "all")
    ]
    post = _journal_post(student.portfolio, image_seed=3)
    slug = student.portfolio.slug
    anonymous_pages += [reverse("journal:list", args=[slug]),
                        reverse("journal:detail", args=[slug, post.pk])]  # fmt: skip
    term = _feedback_content(student, supervisor, achievement)
    approved = EmployerFactory(username="emp2", approved=True, first_name="Ирина",
                               last_name="Белова")  # fmt: skip
    allowed |= {"emp2", approved.employer_profile.organisation}
    allowed.add("CSV")  # the file format, on the analytics page's download links
    from feedback.services.employers import employer_feedback_save, shortlist_add

    employer_feedback_save(employer=approved, portfolio=student.portfolio, presentation=4,
                           skills_relevance=5, evidence_credibility=4, comment="Жакшы",
                           would_interview=True)  # fmt: skip
    shortlist_add(employer=approved, portfolio=student.portfolio)
    from comments.services import comment_create

    comment = comment_create(author=supervisor, body="Жакшы иш!", portfolio=student.portfolio)
    comment_create(author=student, body="Рахмат", parent=comment)
    comment_create(author=supervisor, body="Сунуш", portfolio=student.portfolio, is_private=True)
    comment_create(author=approved, body="Кызыктуу", achievement=achievement)
    comment_pages = {
        student: [reverse("comments:achievement", args=[slug, achievement.pk]),
                  reverse("comments:delete", args=[comment.pk]),
                  reverse("portfolios:public", args=[slug]),
                  reverse("comments:post", args=[slug, post.pk])],
        supervisor: [reverse("comments:edit", args=[comment.pk]),
                     reverse("portfolios:public", args=[slug])],
        approved: [reverse("comments:report", args=[comment.pk])],
    }  # fmt: skip
    signed_in_pages = {
        student: [reverse("accounts:dashboard"), reverse("accounts:profile"),
                  reverse("accounts:password-change"), reverse("portfolios:editor"),
                  reverse("portfolios:profile"), reverse("achievements:create"),
                  reverse("achievements:edit", args=[achievement.pk]),
                  reverse("achievements:delete", args=[achievement.pk]),
                  reverse("portfolios:share-links"), reverse("portfolios:import"),
                  reverse("portfolios:preview", args=["supervisor"]),
                  reverse("feedback:my-reviews"), reverse("feedback:outcomes"),
                  reverse("feedback:received"),
                  reverse("notifications:list"), reverse("notifications:settings"),
                  reverse("journal:manage"), reverse("journal:create"),
                  reverse("journal:edit", args=[post.pk]),
                  reverse("journal:delete", args=[post.pk]),
                  reverse("portfolios:share-link-visits",
                          args=[student.portfolio.share_links.get().pk])],
        supervisor: [reverse("accounts:dashboard"),
                     reverse("accounts:student-detail", args=[student.pk]),
                     reverse("feedback:students"), reverse("feedback:verification-queue"),
                     reverse("feedback:review-edit", args=[student.pk, term.pk]),
                     reverse("analytics:dashboard")],
        approved: [reverse("feedback:search"), reverse("feedback:search") + "?q=волейбол",
                   reverse("feedback:shortlist"),
                   reverse("feedback:employer-feedback", args=[student.portfolio.slug]),
                   reverse("portfolios:public", args=[student.portfolio.slug])],
        employer: [reverse("accounts:dashboard"), reverse("accounts:profile")],
        staff: [reverse("accounts:dashboard"), reverse("analytics:dashboard"),
                *_experiment_pages(term)],
    }  # fmt: skip
    for user, paths in comment_pages.items():
        signed_in_pages[user] = signed_in_pages.get(user, []) + paths
    from portfolios.following import follow_add

    # Dashboards with updates in the feed of followed portfolios, and the list of them.
    follow_add(follower=supervisor, portfolio=student.portfolio)
    follow_add(follower=approved, portfolio=student.portfolio)
    signed_in_pages[supervisor].append(reverse("portfolios:following"))
    signed_in_pages[approved] += [reverse("accounts:dashboard"), reverse("portfolios:following")]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    found = {}
    for path in anonymous_pages:
        html = client.get(path).content.decode()
        assert f'<html lang="{language}">' in html
        found[path] = english_leftovers(html, allowed)
    for user, paths in signed_in_pages.items():
        client.force_login(user)
        for path in paths:
            html = client.get(path).content.decode()
            found[f"{user.username} {path}"] = english_leftovers(html, allowed)
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert {page: texts for page, texts in found.items() if texts} == {}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LOCALES)
def test_form_errors_are_translated(client, language):
    response = client.post(
        reverse("accounts:signup"), {"email": "not-an-address"}, HTTP_ACCEPT_LANGUAGE=language
    )
    errors = " ".join(" ".join(e) for e in response.context["form"].errors.values())
    assert errors
    assert not re.search(r"[A-Za-z]{4,}", errors), errors


@pytest.mark.django_db
@pytest.mark.parametrize("language", LOCALES)
def test_model_choices_and_admin_labels_are_translated(language):
    from django.utils import translation

    from accounts.models import EmployerProfile, Role, User

    with translation.override(language):
        labels = [str(label) for _, label in Role.choices]
        labels += [str(label) for _, label in EmployerProfile.Status.choices]
        labels += [str(User._meta.verbose_name), str(EmployerProfile._meta.verbose_name_plural)]
    for label in labels:
        assert not re.search(r"[A-Za-z]{3,}", label), label
