import factory
from django.contrib.auth.hashers import make_password

from accounts.models import (
    Cohort,
    EmployerProfile,
    Faculty,
    Program,
    Role,
    SupervisorAssignment,
    User,
)

TEST_PASSWORD = "Correct-Horse-Battery-42"
# Hashed once: hashing per user would make the suite slow.
_PASSWORD_HASH = make_password(TEST_PASSWORD)


class FacultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Faculty
        django_get_or_create = ("name_en",)

    name_en = factory.Sequence(lambda n: f"Faculty {n}")
    name_ru = factory.Sequence(lambda n: f"Факультет {n}")
    name_ky = factory.Sequence(lambda n: f"Факультет {n} (ky)")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"program-{n}")
    name_en = factory.Sequence(lambda n: f"Program {n}")
    name_ru = factory.Sequence(lambda n: f"Программа {n}")
    name_ky = factory.Sequence(lambda n: f"Программа {n} (ky)")
    faculty = factory.SubFactory(FacultyFactory)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("entry_year",)

    entry_year = 2025


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.edu")
    first_name = "Айбек"
    last_name = "Осмонов"
    password = _PASSWORD_HASH
    role = Role.EMPLOYER  # the least privileged role that needs no program (never approved)


class StudentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"student{n}")
    role = Role.STUDENT
    program = factory.SubFactory(ProgramFactory)
    cohort = factory.SubFactory(CohortFactory)


class SupervisorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"supervisor{n}")
    role = Role.SUPERVISOR


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    role = Role.STAFF
    is_staff = True


class EmployerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"employer{n}")
    role = Role.EMPLOYER
    employer_profile = factory.RelatedFactory(
        "tests.factories.EmployerProfileFactory", factory_related_name="user"
    )

    class Params:
        approved = factory.Trait(
            employer_profile=factory.RelatedFactory(
                "tests.factories.EmployerProfileFactory",
                factory_related_name="user",
                status=EmployerProfile.Status.APPROVED,
            )
        )


class EmployerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerProfile

    user = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    website = "https://example.com"
    status = EmployerProfile.Status.PENDING


class SupervisorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisorAssignment

    supervisor = factory.SubFactory(SupervisorFactory)
    student = factory.SubFactory(StudentFactory)


# ---------------------------------------------------------------------------------------
# Portfolios and achievements. A student's portfolio is made by accounts.services.user_create;
# StudentFactory bypasses services, so these helpers go through the portfolio services.


def portfolio_for(student, **fields):
    """The student's portfolio (made by the service), with ``fields`` saved on it."""
    from portfolios.services import portfolio_get_or_create

    portfolio = portfolio_get_or_create(student=student)
    for name, value in fields.items():
        setattr(portfolio, name, value)
    if fields:
        portfolio.save()
    return portfolio


def section(code):
    """A default portfolio section (from the data migration): academic, sports, ..."""
    from portfolios.models import Category

    return Category.objects.get(code=code)


def png_bytes(size=(40, 30), color="teal"):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes(text="Evidence"):
    from demo.portfolios import make_pdf

    return make_pdf([text])


def uploaded_file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def achievement_for(portfolio, *, title, visibility=None, section_code="certificates",
                    files=(), **fields):  # fmt: skip
    """An achievement made by the service, with evidence ``files`` given as (name, bytes)."""
    from achievements.services import achievement_create
    from core.files.uploads import prepare_upload

    if visibility is not None:
        fields["visibility"] = visibility
    return achievement_create(
        portfolio=portfolio,
        category=section(section_code),
        title=title,
        files=[prepare_upload(uploaded_file(name, content)) for name, content in files],
        **fields,
    )


def stored_media_files():
    """Every file under MEDIA_ROOT, relative, sorted: what an upload left behind."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------
# Feedback: terms, rubrics and employment outcomes. Reviews go through
# feedback.services.reviews.review_save, so tests see what the site does.


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.Term"

    name_en = factory.Sequence(lambda n: f"Term {n}")
    name_ru = factory.Sequence(lambda n: f"Семестр {n}")
    # Wraps round before 2100, the last date the site stores (core.dates).
    starts_on = factory.Sequence(lambda n: _date(2020, 9, 1) + _timedelta(days=150 * (n % 190)))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + _timedelta(days=120))
    is_current = False


def _date(*args):
    import datetime

    return datetime.date(*args)


def _timedelta(**kwargs):
    import datetime

    return datetime.timedelta(**kwargs)


def default_rubric():
    """The default rubric the data migration made (5 criteria, weights 20/25/20/20/15)."""
    from feedback.models import Rubric

    return Rubric.objects.get(program__isnull=True, is_active=True)


def rubric_make(weights=(60, 40), *, program=None, is_active=True, name="Program rubric"):
    """A rubric with one criterion per weight, saved as is (weights are not checked)."""
    from feedback.models import Rubric, RubricCriterion

    rubric = Rubric.objects.create(
        name_en=name, program=program, is_active=is_active, name_ru=f"{name} (ru)"
    )
    for order, weight in enumerate(weights, start=1):
        RubricCriterion.objects.create(
            rubric=rubric, name_en=f"{name} criterion {order}", weight=weight, order=order
        )
    return rubric


def scores_for(rubric, *values):
    """``{criterion id: score}`` for the rubric's criteria in order."""
    criteria = list(rubric.criteria.order_by("order", "pk"))
    assert len(criteria) == len(values), "one score per criterion"
    return {criterion.pk: value for criterion, value in zip(criteria, values, strict=True)}


class EmploymentOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.EmploymentOutcome"

    student = factory.SubFactory(StudentFactory)
    employer_name = factory.Sequence(lambda n: f"Employer {n}")
    position = "Junior developer"
    start_date = factory.LazyFunction(lambda: _date(2025, 7, 1))
    end_date = None
    related_to_field = True
    recorded_by = factory.SelfAttribute("student")


# ---------------------------------------------------------------------------------------
# Journal. PostFactory writes rows directly (for lists and query budgets); post_for goes
# through journal.services, so tests see what the site does.


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "journal.Post"

    portfolio = factory.LazyFunction(lambda: portfolio_for(StudentFactory()))
    title = factory.Sequence(lambda n: f"Post {n}")
    body = "What I did and what I learned."
    visibility = 30  # Visibility.PUBLIC
    status = "published"
    published_at = factory.LazyFunction(lambda: _now() - _timedelta(hours=1))


def _now():
    from django.utils import timezone

    return timezone.now()


def post_for(portfolio, *, title="A post", files=(), **fields):
    """A post made by the service (published and public unless told otherwise), with
    attachments ``files`` given as (name, bytes)."""
    from core.files.uploads import prepare_upload
    from journal.services import post_create

    fields.setdefault("status", "published")
    fields.setdefault("visibility", 30)
    return post_create(
        portfolio=portfolio,
        title=title,
        files=[prepare_upload(uploaded_file(name, content)) for name, content in files],
        **fields,
    )


# ---------------------------------------------------------------------------------------
# Comments. CommentFactory writes rows directly (for threads and query budgets; body_html
# is rendered by Comment.save); comments.services.comment_create is what the site uses.


class CommentFactory(factory.django.DjangoModelFactory):
    """A public comment on a student's portfolio page (pass achievement= or post= with
    portfolio=None for another target, parent= for a reply)."""

    class Meta:
        model = "comments.Comment"

    author = factory.SubFactory(StudentFactory)
    portfolio = factory.LazyFunction(lambda: portfolio_for(StudentFactory()))
    body = factory.Sequence(lambda n: f"Comment {n}: **well done**.")


# ---------------------------------------------------------------------------------------
# Notifications. NotificationFactory writes rows directly (for the centre and the digest);
# notifications.services.notify is what the site's services call.


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread notification that a supervisor released a review for a term."""

    class Meta:
        model = "notifications.Notification"

    recipient = factory.SubFactory(StudentFactory)
    kind = "review_released"
    actor = factory.SubFactory(SupervisorFactory)
    params = factory.LazyFunction(lambda: {"term": {"en": "Autumn", "ru": "Осень", "ky": "Күз"}})
    url = "/portfolio/reviews/"


# ---------------------------------------------------------------------------------------
# Following. FollowFactory writes the row directly (a follow of a page the follower may no
# longer open, for the feed's tests); the site goes through portfolios.following.follow_add.


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portfolios.Follow"

    follower = factory.SubFactory(StudentFactory)
    portfolio = factory.LazyFunction(lambda: portfolio_for(StudentFactory()))
