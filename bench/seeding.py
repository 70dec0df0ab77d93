"""The one place the benchmarks get their data from. Import after ``django.setup()``
(``benchdb.start`` does it).

Two ways in, both kept honest by the models and their migrations:

* **the services** (``user_create``, ``achievement_create``, ``evidence_attach``, the
  verification services, ``portfolio_update``) for the few rows a benchmark measures
  around: the rows are what the site itself writes;
* **``insert_select``** for the hundred thousand rows the large benchmarks need: one
  ``INSERT … SELECT`` (``generate_series``, ``random()``) whose column list comes from the
  model's ``_meta``. A benchmark says what it wants in the columns it cares about; every
  other column gets the model field's default (``now()`` for ``auto_now`` fields), and a
  NOT NULL column with no default stops seeding with its name. So a migration that adds a
  column with a default needs no change here, and one without a default fails loudly, not
  at some later ``INSERT`` with a hand-written column list. Smaller sets go through
  ``bulk_create``, which reads the model too.

The vocabularies and the shapes of the large data sets (who has how many items, the
activity's rhythm over the terms) live here with the code that writes them.
"""

from __future__ import annotations

import io
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Role, User
from accounts.services import supervisor_assign, user_create
from achievements.models import Achievement
from achievements.services import achievement_create
from analytics import rollups
from analytics import selectors as analytics_selectors
from analytics.models import ActivityEvent, ActivityKind
from comments.models import Comment
from core.files.uploads import PreparedFile, prepare_upload
from demo import accounts as demo
from demo.portfolios import make_pdf as pdf_bytes  # one-page PDFs, as the demo makes them
from feedback.models import EmploymentOutcome, Review, Rubric, Term
from feedback.services.verification import verification_decide, verification_request
from journal.models import Post, Status
from portfolios.models import Category, Portfolio, Skill, Visibility
from portfolios.services import portfolio_get_or_create, portfolio_update
from search.derived import portfolio_refresh_all

# --- Rows from the models -----------------------------------------------------------------


class SeedingError(Exception):
    """The seeding cannot fill a column: say what goes in it."""


def _default_expression(field, params: dict) -> str | None:
    """SQL for a column the seeding did not mention, or None to leave it to the database."""
    if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
        return None
    if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
        return None
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now()"
    value = field.get_default()
    if value is None and not field.null:
        raise SeedingError(
            f"{field.model.__name__}.{field.name} is NOT NULL and has no default: "
            "give it a value in the seeding (bench/seeding.py)."
        )
    if value is None:
        return "NULL"
    name = f"default__{field.column}"
    params[name] = field.get_db_prep_save(value, connection)
    return f"CAST(%({name})s AS {field.cast_db_type(connection)})"


def insert_sql(
    model, values: dict[str, str], *, source: str, params: dict | None = None,
    before: str = "", after: str = "",
) -> tuple[str, dict]:  # fmt: skip
    """``[before] INSERT INTO <table> (<every concrete column>) SELECT <expressions>
    <source> [after]``: ``values`` maps field names (or attnames, ``student_id``) to SQL
    expressions; the other columns get the model's defaults. Parameters are psycopg's
    ``%(name)s`` (so a literal ``%`` is written ``%%``)."""
    params = dict(params or {})
    given = dict(values)
    columns, expressions = [], []
    for field in model._meta.local_concrete_fields:
        key = field.name if field.name in given else field.attname
        if key in given:
            expression = given.pop(key)
        else:
            expression = _default_expression(field, params)
            if expression is None:
                continue
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    if given:
        raise SeedingError(f"{model.__name__} has no fields {sorted(given)}")
    sql = (
        f"{before}\nINSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({', '.join(columns)})\nSELECT {', '.join(expressions)}\n{source}\n{after}"
    )
    return sql, params


def insert_select(model, values: dict[str, str], **options) -> int:
    """Run ``insert_sql``; the number of rows written."""
    sql, params = insert_sql(model, values, **options)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def timed_step(label: str, function, *args, **kwargs):
    """Run one seeding step and print its rows and time."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    rows = f"{result:11,d} rows" if isinstance(result, int) and result >= 0 else " " * 16
    print(f"  {label:26} {rows}  {time.perf_counter() - started:7.1f} s", flush=True)
    return result


def analyse(*tables: str, command: str = "VACUUM ANALYZE") -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")


# --- Files ----------------------------------------------------------------------------------

PALETTE = ["#1f5f8b", "#8b1f3f", "#2f7d32", "#6a1b9a", "#b26a00", "#00695c"]


def image_bytes(seed: int = 1, *, size=(800, 560), image_format: str = "JPEG") -> bytes:
    """A certificate-like picture (border, seal), real enough for the upload checks."""
    rng = random.Random(seed)
    colour = rng.choice(PALETTE)
    image = Image.new("RGB", size, "#fbf8f1")
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle([20, 20, w - 20, h - 20], outline=colour, width=max(2, w // 60))
    draw.rectangle([w // 4, h // 3, 3 * w // 4, h // 3 + h // 12], fill=colour)
    draw.ellipse([w - w // 4, h - h // 3, w - w // 12, h - h // 8], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"quality": 85} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def prepared_files(count: int, *, image: bytes | None = None, mix: bool = True,
                   keep_plain_images: bool = False) -> list[PreparedFile]:  # fmt: skip
    """``count`` files checked as an upload checks them (``prepare_upload``): small PNGs
    and PDFs in turn with ``mix``, else ``image`` (a JPEG) each time."""
    png = image_bytes(3, size=(320, 240), image_format="PNG") if mix else None
    pdf = pdf_bytes(["Certificate of participation", "Benchmark"]) if mix else None
    files = []
    for number in range(count):
        if mix:
            name, content = (f"scan{number}.png", png) if number % 2 == 0 else (
                f"certificate{number}.pdf", pdf)  # fmt: skip
        else:
            name, content = f"p{number}.jpg", image or image_bytes(1)
        files.append(
            prepare_upload(SimpleUploadedFile(name, content), keep_plain_images=keep_plain_images)
        )
    return files


# --- People and portfolios, through the services --------------------------------------------


def programs_and_cohorts():
    """The demo's programs and cohorts (created when missing)."""
    return demo.seed_programs(), demo.seed_cohorts()


def student(username: str, *, first_name: str = "Bench", last_name: str = "Student") -> User:
    """A student with a portfolio (``user_create``), in the first program and cohort."""
    programs, cohorts = programs_and_cohorts()
    return user_create(username=username, email=f"{username}@example.edu", role=Role.STUDENT,
                       password="bench-pass-2026", first_name=first_name, last_name=last_name,
                       program=next(iter(programs.values())), cohort=cohorts[0])  # fmt: skip


def supervisor_of(student_user: User, username: str) -> User:
    supervisor = User.objects.filter(username=username).first() or user_create(
        username=username, email=f"{username}@example.edu", role=Role.SUPERVISOR,
        first_name="Bench", last_name="Supervisor",
    )  # fmt: skip
    supervisor_assign(supervisor=supervisor, student=student_user)
    return supervisor


def public_portfolio(owner: User, **fields) -> Portfolio:
    portfolio = owner.portfolio
    fields = {"visibility": Visibility.PUBLIC, "headline": "Benchmark portfolio",
              "about": "**Bold** and a [link](https://example.org)."} | fields  # fmt: skip
    portfolio_update(portfolio=portfolio, skills=["Python", "Teaching", "SQL"], **fields)
    return portfolio


def portfolio_items(
    portfolio: Portfolio, achievements: int, files: int, *, image: bytes | None = None,
    mix: bool = False,
) -> list[Achievement]:  # fmt: skip
    """``achievements`` public items over the active sections, each with ``files``
    certificate pictures (or PNGs and PDFs in turn, ``mix``), created as the editor creates
    them (``achievement_create``)."""
    image = image or image_bytes(1)
    categories = list(Category.objects.filter(is_active=True).order_by("pk"))
    made = []
    for number in range(achievements):
        made.append(achievement_create(
            portfolio=portfolio,
            category=categories[number % len(categories)],
            title=f"Achievement {number + 1}",
            description="What I did, *why* it matters, and what I learned.",
            visibility=Visibility.PUBLIC,
            skills=["Python"] if number % 3 == 0 else [],
            files=prepared_files(files, image=image, mix=mix),
        ))  # fmt: skip
    return made


def verified_achievement(portfolio: Portfolio, supervisor: User, *, title: str) -> Achievement:
    """A public item the student asked to verify and the supervisor verified."""
    category = Category.objects.filter(is_active=True).order_by("pk").first()
    item = achievement_create(portfolio=portfolio, category=category, title=title,
                              organisation="School No. 5", result="1st place",
                              visibility=Visibility.PUBLIC)  # fmt: skip
    item = verification_request(achievement=item, student=portfolio.student)
    return verification_decide(achievement=item, supervisor=supervisor, verify=True)


@transaction.atomic
def delete_users(prefix: str) -> None:
    User.objects.filter(username__startswith=prefix).delete()


# --- bench/analytics.py: students, their activity over fifteen months, reviews, outcomes -----

SUPERVISORS = 12
LOGIN_SHARE = 0.2  # of the events; the rest change the portfolio
KIND_WEIGHTS = {
    ActivityKind.ACHIEVEMENT_UPDATED: 5, ActivityKind.EVIDENCE_ADDED: 3,
    ActivityKind.ACHIEVEMENT_CREATED: 2, ActivityKind.PROFILE_UPDATED: 1,
    ActivityKind.EVIDENCE_UPDATED: 1, ActivityKind.EVIDENCE_DELETED: 1,
    ActivityKind.POST_CREATED: 1, ActivityKind.POST_UPDATED: 1,
}  # fmt: skip
TERM_WEIGHT, HOLIDAY_WEIGHT = 4, 1  # students do less between terms
HISTORY_DAYS = 455  # about fifteen months
EMPLOYERS = ["Ала-Тоо Софт", "School No. 5, Bishkek", "Optima Bank", "Kyrgyz Telecom",
             "Гимназия № 13", "Codify", "Web studio Ala-Too", "UNICEF Kyrgyzstan"]  # fmt: skip
POSITIONS = ["Junior developer", "Teacher", "Designer", "Analyst", "Translator",
             "Учитель", "Менеджер", "Lab assistant"]  # fmt: skip
ANALYTICS_TABLES = [
    "accounts_user", "portfolios_portfolio", "feedback_review", "feedback_term",
    "feedback_employmentoutcome", "analytics_activityevent", "analytics_activityday",
    "analytics_studentactivity", "analytics_studenttermactivity", "analytics_weeklyactivity",
]  # fmt: skip

# Each student's intensity (0 for about 5% who never update): what their events and their
# review totals follow. A scratch table of this session only.
INTENSITY_SQL = """
CREATE TEMP TABLE bench_intensity AS
SELECT u.id AS student_id, u.cohort_id,
       CASE WHEN random() < 0.05 THEN 0 ELSE 0.03 + 0.92 * power(random(), 1.4) END AS d
FROM accounts_user u
WHERE u.role = 'student' AND u.username LIKE %(like)s
"""

PORTFOLIO_LAST_UPDATE_SQL = """
UPDATE portfolios_portfolio p SET content_updated_at = a.last_update_at
FROM analytics_studentactivity a
WHERE a.student_id = p.student_id AND a.last_update_at IS NOT NULL
"""


def term_dates(start_year: int, season: str) -> tuple[str, date, date]:
    """As feedback/demo.py names and dates them."""
    span = f"{start_year}–{start_year + 1 - 2000:02d}"
    if season == "autumn":
        return f"{span} autumn", date(start_year, 9, 1), date(start_year + 1, 1, 25)
    return f"{span} spring", date(start_year + 1, 2, 1), date(start_year + 1, 6, 30)


def analytics_terms(today: date) -> list[Term]:
    """Last year's autumn and spring and this year's autumn (current)."""
    year = today.year if today.month >= 8 else today.year - 1
    terms = []
    for start_year, season in [(year - 1, "autumn"), (year - 1, "spring"), (year, "autumn")]:
        name, starts, ends = term_dates(start_year, season)
        term, _created = Term.objects.get_or_create(
            name_en=name, defaults={"starts_on": starts, "ends_on": ends}
        )
        terms.append(term)
    Term.objects.exclude(pk=terms[-1].pk).update(is_current=False)
    Term.objects.filter(pk=terms[-1].pk).update(is_current=True)
    return terms


def history_days(today: date, terms: list[Term]) -> list[date]:
    """Every day of the history, term days TERM_WEIGHT times, holidays HOLIDAY_WEIGHT."""
    days = []
    day = today - timedelta(days=HISTORY_DAYS)
    while day <= today:
        in_term = any(t.starts_on <= day <= t.ends_on for t in terms)
        days += [day] * (TERM_WEIGHT if in_term else HOLIDAY_WEIGHT)
        day += timedelta(days=1)
    return days


def cohort_ranges(days: list[date], cohorts) -> tuple[list, list, list, list]:
    """Per cohort: the first and last (1-based) index of ``days`` its students studied on,
    and the share of the weighted history that is."""
    ids, lows, highs, shares = [], [], [], []
    for cohort in cohorts:
        first = date(cohort.entry_year, 9, 1)
        last = date(cohort.graduation_year or cohort.entry_year + 4, 6, 30)
        inside = [i for i, day in enumerate(days, start=1) if first <= day <= last]
        if not inside:
            inside = [len(days)]  # entered after today: nothing to draw from but today
        ids.append(cohort.pk)
        lows.append(inside[0])
        highs.append(inside[-1])
        shares.append(len(inside) / len(days) if inside[0] != len(days) else 0.0)
    return ids, lows, highs, shares


def program_weights(programs: dict) -> list[int]:
    """Program ids, each repeated by its share in the demo (bigger programs, more students)."""
    return [programs[code].pk for code, spec in demo.PROGRAMS.items() for _ in range(spec[-1])]


def _execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def analytics_population(students: int, events: int, *, prefix: str) -> None:
    """``students`` students in the demo programs and cohorts with portfolios, three terms,
    released reviews for about 85% of the students in the last two, employment outcomes for
    the graduated cohort, and about ``events`` activity events over fifteen months in which
    each student has an intensity of their own (quieter between terms, nothing before they
    entered or after they graduated); review totals follow that intensity plus noise. Then
    the roll-ups, rebuilt by ``analytics.rollups.rebuild()``."""
    started = time.perf_counter()
    today = timezone.localdate()
    programs, cohorts = programs_and_cohorts()
    terms = analytics_terms(today)
    rubric = Rubric.objects.filter(program__isnull=True, is_active=True).first()
    if rubric is None:
        raise SeedingError("No default rubric: feedback migration 0002 should have made one.")
    like = prefix + "%"
    _execute("SELECT setseed(0.2026)")
    timed_step("supervisors", insert_select, User, {
        "password": "'!'", "username": "%(prefix)s || 'supervisor-' || g",
        "first_name": "'Supervisor'", "last_name": "g::text",
        "date_joined": "now() - interval '5 years'", "role": "%(role)s",
    }, source="FROM generate_series(1, %(count)s) AS g",
       params={"prefix": prefix, "count": SUPERVISORS, "role": Role.SUPERVISOR})  # fmt: skip
    supervisors = list(User.objects.filter(username__startswith=prefix, role=Role.SUPERVISOR)
                       .values_list("pk", flat=True))  # fmt: skip
    names = demo.KYRGYZ_MEN + demo.KYRGYZ_WOMEN + demo.RUSSIAN_MEN + demo.RUSSIAN_WOMEN
    timed_step("students", insert_select, User, {
        "password": "'!'", "username": "%(prefix)s || g",
        "first_name": "(%(first)s::text[])[1 + g %% cardinality(%(first)s::text[])]",
        "last_name": "(%(last)s::text[])[1 + (g / 7) %% cardinality(%(last)s::text[])]",
        "date_joined": "now() - random() * interval '4 years'", "role": "%(role)s",
        "program_id": "(%(programs)s::bigint[])"
                      "[1 + floor(random() * cardinality(%(programs)s::bigint[]))::int]",
        "cohort_id": "(%(cohorts)s::bigint[])"
                     "[1 + floor(random() * cardinality(%(cohorts)s::bigint[]))::int]",
    }, source="FROM generate_series(1, %(count)s) AS g", params={
        "prefix": prefix, "count": students, "role": Role.STUDENT,
        "programs": program_weights(programs), "cohorts": [c.pk for c in cohorts],
        "first": names, "last": demo.KYRGYZ_SURNAMES + demo.RUSSIAN_SURNAMES})  # fmt: skip
    timed_step("intensity (temp table)", _execute, INTENSITY_SQL, {"like": like})
    timed_step("portfolios", insert_select, Portfolio, {
        "student_id": "s.id", "slug": "s.username", "headline": "'Student'",
        "open_to_work": "random() < 0.85", "visibility": "20", "default_visibility": "10",
        "content_version": "1",
        "completeness": "LEAST(100, GREATEST(0, round(20 + 65 * s.d + 30 * (random() - 0.5))))"
                        "::int",
        "evidence_count": "s.evidence", "verified_count": "floor(s.evidence * 0.4 * random())::int",
    }, before="""WITH s AS MATERIALIZED (
  SELECT u.id, u.username, b.d, floor(b.d * 24 * random())::int AS evidence
  FROM accounts_user u JOIN bench_intensity b ON b.student_id = u.id
)""", source="FROM s")  # fmt: skip

    days = history_days(today, terms)
    ids, lows, highs, shares = cohort_ranges(days, cohorts)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(b.d * c.frac) FROM bench_intensity b JOIN unnest(%s::bigint[], "
            "%s::float8[]) AS c(cohort_id, frac) USING (cohort_id)",
            [ids, shares],
        )
        weight = float(cursor.fetchone()[0] or 1)
    # Per student floor(d * share of the history they studied in * K + random()) events,
    # so the total is about the number asked for; each on a day drawn from the history in
    # which term days appear TERM_WEIGHT times and holidays HOLIDAY_WEIGHT times, between
    # the student's cohort's first and last index into it; written in time order.
    timed_step("activity events", insert_select, ActivityEvent, {
        "student_id": "s.student_id", "actor_id": "s.student_id",
        "kind": "CASE WHEN random() < %(login_share)s THEN %(login)s ELSE (%(kinds)s::text[])"
                "[1 + floor(random() * cardinality(%(kinds)s::text[]))::int] END",
        "object_id": "NULL", "object_label": "''", "created_at": "t.at",
    }, before="""WITH s AS MATERIALIZED (
  SELECT b.student_id, c.lo, c.hi, floor(b.d * c.frac * %(k)s + random())::int AS n
  FROM bench_intensity b
  JOIN unnest(%(cohorts)s::bigint[], %(lo)s::int[], %(hi)s::int[], %(frac)s::float8[])
    AS c(cohort_id, lo, hi, frac) USING (cohort_id)
)""", source="""FROM s CROSS JOIN LATERAL generate_series(1, s.n) AS g
CROSS JOIN LATERAL (
  SELECT LEAST(now() - random() * interval '3 hours',
    ((%(days)s::date[])[s.lo + floor(random() * (s.hi - s.lo + 1))::int + 0 * g]
      + make_interval(hours => 8 + floor(random() * 15)::int,
                      mins => floor(random() * 60)::int)) AT TIME ZONE %(tz)s) AS at
) AS t""", after="ORDER BY t.at", params={
        "k": events / weight, "cohorts": ids, "lo": lows, "hi": highs, "frac": shares,
        "days": days, "tz": settings.TIME_ZONE, "login_share": LOGIN_SHARE,
        "login": str(ActivityKind.LOGIN),
        "kinds": [str(k) for k, w in KIND_WEIGHTS.items() for _ in range(w)]})  # fmt: skip

    tz = timezone.get_current_timezone()
    now = timezone.now()
    reviewed = terms[-2:]  # the previous and the current term
    released = [min(now - timedelta(days=10),
                    datetime.combine(t.ends_on + timedelta(days=5), clock(12), tz))
                for t in reviewed]  # fmt: skip
    # Released reviews for ~85% of the students enrolled in a term; the total rises with
    # the student's intensity, plus normal noise (Box–Muller).
    timed_step("released reviews", insert_select, Review, {
        "student_id": "b.student_id",
        "supervisor_id": "(%(supervisors)s::bigint[])"
                         "[1 + b.student_id %% cardinality(%(supervisors)s::bigint[])]",
        "term_id": "t.term_id", "rubric_id": "%(rubric)s",
        "total": "round(LEAST(100, GREATEST(0, 42 + 38 * b.d + 15 * sqrt(-2 * ln(1 - random()))"
                 " * cos(2 * pi() * random())))::numeric, 2)",
        "status": "'released'", "released_at": "t.released_at",
        "created_at": "t.released_at - interval '3 days'", "updated_at": "t.released_at",
    }, source="""FROM bench_intensity b
JOIN accounts_cohort c ON c.id = b.cohort_id
CROSS JOIN unnest(%(terms)s::bigint[], %(starts)s::date[], %(ends)s::date[],
                  %(released)s::timestamptz[]) AS t(term_id, starts_on, ends_on, released_at)
WHERE make_date(c.entry_year, 9, 1) <= t.ends_on
  AND make_date(COALESCE(c.graduation_year, c.entry_year + 4), 6, 30) >= t.starts_on
  AND random() < 0.85""", params={
        "supervisors": supervisors, "rubric": rubric.pk, "terms": [t.pk for t in reviewed],
        "starts": [t.starts_on for t in reviewed], "ends": [t.ends_on for t in reviewed],
        "released": released})  # fmt: skip
    timed_step("employment outcomes", insert_select, EmploymentOutcome, {
        "student_id": "b.student_id",
        "employer_name": "(%(employers)s::text[])"
                         "[1 + floor(random() * cardinality(%(employers)s::text[]))::int]",
        "position": "(%(positions)s::text[])"
                    "[1 + floor(random() * cardinality(%(positions)s::text[]))::int]",
        "start_date": "make_date(COALESCE(c.graduation_year, c.entry_year + 4), 8, 1)"
                      " + floor(random() * 90)::int",
        "related_to_field": "random() < 0.4 + 0.5 * b.d",
    }, source="""FROM bench_intensity b JOIN accounts_cohort c ON c.id = b.cohort_id
WHERE COALESCE(c.graduation_year, c.entry_year + 4) <= %(graduated_by)s
  AND random() < 0.35 + 0.5 * b.d""", params={
        "employers": EMPLOYERS, "positions": POSITIONS,
        "graduated_by": analytics_selectors.graduated_by(today)})  # fmt: skip
    analyse(*ANALYTICS_TABLES)  # statistics for the rebuild's joins; freshly loaded tables
    timed_step("roll-ups: rollups.rebuild()", rollups.rebuild)
    timed_step("portfolio last update", _execute, PORTFOLIO_LAST_UPDATE_SQL)
    _execute("DROP TABLE bench_intensity")
    timed_step("VACUUM ANALYZE", analyse, *ANALYTICS_TABLES)
    print(f"seeded {students:,d} students in {time.perf_counter() - started:.0f} s")


# --- bench/search.py: portfolios employers search, in three languages ------------------------

SUBJECTS = [
    # English, Russian (genitive, "учитель ..."), Kyrgyz
    ("mathematics", "математики", "математика"),
    ("physics", "физики", "физика"),
    ("history", "истории", "тарых"),
    ("English", "английского языка", "англис тили"),
    ("Kyrgyz language", "кыргызского языка", "кыргыз тили"),
    ("computer science", "информатики", "информатика"),
    ("biology", "биологии", "биология"),
    ("chemistry", "химии", "химия"),
    ("music", "музыки", "музыка"),
    ("art", "рисования", "сүрөт"),
    ("primary school", "начальных классов", "башталгыч класс"),
]
HEADLINE_PATTERNS = [
    "Future {en} teacher",
    "{en} student and tutor",
    "Будущий учитель {ru}",
    "Студент, репетитор: {ru}",
    "{ky} мугалими",
    "{ky} боюнча студент",
]
EXTRA_HEADLINES = [
    "Junior Python developer", "Frontend developer (React, TypeScript)",
    "Data analyst: SQL, Python", "Graphic designer and illustrator", "UX/UI designer",
    "Школьный психолог", "Психолог-консультант",
    "Веб-разработчик", "Программист 1С", "Дизайнер интерфейсов", "Педагог-организатор",
    "Программист жана мугалим", "Дизайнер, сүрөтчү", "Волонтёр и организатор мероприятий",
    "Robotics coach", "Translator (English, Russian, Kyrgyz)", "Котормочу: англис, орус тилдери",
]  # fmt: skip
SKILLS = [
    "Python", "SQL", "Django", "JavaScript", "TypeScript", "React", "HTML", "CSS", "Git",
    "Excel", "Power BI", "Figma", "Photoshop", "Illustrator", "Blender", "1C",
    "Teaching", "Lesson planning", "Classroom management", "Public speaking", "Teamwork",
    "Project management", "Research", "Academic writing", "Data analysis", "Statistics",
    "Translation", "English", "Russian", "Kyrgyz", "Turkish", "Chinese", "German",
    "Педагогика", "Методика преподавания", "Психология", "Работа с детьми", "Математика",
    "Физика", "Химия", "Биология", "История", "Литература", "Журналистика", "Фотография",
    "Волонтёрство", "Организация мероприятий", "Ораторское искусство", "Робототехника",
    "Сабак өтүү", "Балдар менен иштөө", "Кыргыз тили", "Англис тили", "Котормо", "Музыка",
    "Спорт", "Футбол", "Шахмат", "Волейбол", "Комуз", "Дебаты", "Scratch", "Arduino",
]  # fmt: skip
ORGANISATIONS = [
    "KSPU", "КГПУ им. И. Арабаева", "School No. 5, Bishkek", "Гимназия № 13",
    "Ministry of Education", "Министерство образования КР", "British Council", "Coursera",
    "Bishkek City Hall", "UNICEF Kyrgyzstan", "Web studio Ala-Too", "Ала-Тоо студиясы",
    "Kyrgyz Telecom", "Optima Bank", "Лицей № 61", "Osh State University", "Stepik",
    "Жаштар борбору", "Red Crescent", "IT Academy", "Codify", "", "", "",
]  # fmt: skip
RESULTS = ["1st place", "2nd place", "участник", "призёр", "co-author", "speaker", "жеңүүчү",
           "team lead", "Excellent", "сертификат", "", "", "", ""]  # fmt: skip
TOPICS = [
    # English, Russian, Kyrgyz
    ("project-based learning", "проектное обучение", "долбоор аркылуу окутуу"),
    ("digital tools in the classroom", "цифровые инструменты на уроке", "санарип куралдар"),
    ("inclusive education", "инклюзивное образование", "инклюзивдүү билим берүү"),
    ("assessment for learning", "формирующее оценивание", "калыптандыруучу баалоо"),
    ("gamification", "геймификация", "оюн аркылуу окутуу"),
    ("reading literacy", "читательская грамотность", "окуу сабаттуулугу"),
    ("STEM for girls", "STEM для девочек", "кыздар үчүн STEM"),
    ("mobile apps for learning", "мобильные приложения для обучения", "мобилдик тиркемелер"),
    ("folk music", "народная музыка", "элдик музыка"),
    ("ecology of Issyk-Kul", "экология Иссык-Куля", "Ысык-Көлдүн экологиясы"),
]
PROJECTS = [
    "a timetable planner in Python", "a school library database", "a quiz bot for Telegram",
    "a website for a kindergarten", "an Arduino weather station", "a Scratch game for pupils",
    "a data dashboard in Power BI", "an online English course", "a chess club app",
    "a 3D model of the Burana tower", "a dictionary of Kyrgyz idioms", "a mobile app in Flutter",
]  # fmt: skip
CAUSES = [
    ("the Bishkek marathon", "благотворительный марафон", "кайрымдуулук марафону"),
    ("a children's home", "детский дом", "балдар үйү"),
    ("tree planting", "посадка деревьев", "бак тигүү"),
    ("Red Crescent first aid", "курсы первой помощи", "биринчи жардам курстары"),
    ("a summer camp", "летний лагерь", "жайкы лагерь"),
]
SPORTS = [("football", "футболу", "футбол"), ("chess", "шахматам", "шахмат"),
          ("volleyball", "волейболу", "волейбол"), ("kok-boru", "кок-бору", "көк-бөрү"),
          ("wrestling", "борьбе", "күрөш")]  # fmt: skip
TOOLS = ["Python", "Excel", "Figma", "GeoGebra", "Canva", "Moodle", "Kahoot", "Photoshop",
         "Scratch", "Arduino", "Google Classroom", "Blender"]  # fmt: skip


def item_titles() -> list[str]:
    """A few thousand distinct titles with a realistic spread of common and rare words."""
    titles = []
    for en, ru, ky in SUBJECTS:
        for number in (5, 13, 29, 61, 64, 70):
            titles += [f"Teaching practice in {en} at School No. {number}",
                       f"Практика: уроки {ru} в школе № {number}",
                       f"{ky.capitalize()} сабагы: № {number} мектепте практика"]  # fmt: skip
        for stage in ("city", "regional", "national"):
            titles.append(f"{en.capitalize()} olympiad, {stage} stage")
        titles += [f"Олимпиада по предмету «{ru}»", f"{ky.capitalize()} боюнча олимпиада",
                   f"Coursework in {en}", f"Курсовая работа по {ru}"]  # fmt: skip
    for en, ru, ky in TOPICS:
        titles += [f"Conference talk: {en}", f"Доклад на конференции: {ru}",
                   f"Конференцияда баяндама: {ky}", f"Article: {en}",
                   f"Статья: {ru}", f"Seminar on {en}"]  # fmt: skip
    for project in PROJECTS:
        titles += [f"Course project: {project}", f"Hackathon: {project}"]
    for tool in TOOLS:
        titles += [f"Certificate: {tool} for teachers", f"Online course: {tool}",
                   f"Сертификат: {tool}"]  # fmt: skip
    for en, ru, ky in CAUSES:
        titles += [f"Volunteer: {en}", f"Волонтёр: {ru}", f"Ыктыярчы: {ky}"]
    for en, ru, ky in SPORTS:
        titles += [f"University {en} cup", f"Турнир по {ru}", f"{ky.capitalize()} боюнча мелдеш"]
    titles += ["Certificate: English B2 (IELTS 6.5)", "Debate club captain", "Комуз кечеси",
               "Студенческий совет: председатель", "Эссе конкурсу", "Photo exhibition",
               "Internship at a web studio", "Стажировка в гимназии", "Летний лагерь: вожатый",
               "Robotics club for children", "Мастер-класс по рисованию"]  # fmt: skip
    return titles


def sentences() -> list[str]:
    """About texts and descriptions: mostly about the item's work, a few generic ones."""
    made = ["What I did, why it matters and what I learned.",
            "Что я сделал, почему это важно и чему научился.",
            "Эмне кылдым, эмне үчүн маанилүү жана эмнени үйрөндүм.",
            "I like working with children and explaining difficult things simply.",
            "Люблю работать с детьми и объяснять сложное просто.",
            "Балдар менен иштегенди жакшы көрөм."]  # fmt: skip
    for en, ru, ky in SUBJECTS:
        made += [f"I prepared and taught lessons on {en} for pupils of grades 5 to 9.",
                 f"Провёл серию уроков {ru} и подготовил раздаточные материалы.",
                 f"Окуучуларга {ky} сабагын өттүм."]  # fmt: skip
    for tool in TOOLS:
        made += [f"I used {tool} to make the lessons interactive.",
                 f"Использовал {tool} для подготовки материалов."]  # fmt: skip
    for en, ru, _ky in TOPICS:
        made += [f"My research interest is {en}.", f"Изучаю тему: {ru}."]
    return made


def headlines() -> list[str]:
    made = [
        pattern.format(
            en=en.capitalize() if pattern.startswith("{en}") else en,
            ru=ru,
            ky=ky.capitalize() if pattern.startswith("{ky}") else ky,
        )
        for pattern in HEADLINE_PATTERNS
        for en, ru, ky in SUBJECTS
    ]
    return made + EXTRA_HEADLINES


def search_population(count: int, *, prefix: str) -> None:
    """``count`` students with Kyrgyz and Russian names in the demo programs and cohorts,
    multilingual headlines, about texts and skills, 3–10 achievements each with mixed
    visibility (some verified), about 60% of portfolios listed; then the search documents,
    built by ``portfolio_refresh_all`` (the SQL that keeps them current in the app)."""
    started = time.perf_counter()
    programs, cohorts = programs_and_cohorts()
    for name in SKILLS:
        display, key = Skill.normalise(name)
        Skill.objects.get_or_create(key=key, defaults={"name": display})
    skill_ids = list(Skill.objects.filter(name__in=SKILLS).values_list("pk", flat=True))
    categories = list(Category.objects.filter(is_active=True).values_list("pk", flat=True))
    like = prefix + "%"
    pick = "(%({0})s::{1}[])[1 + floor({2} * cardinality(%({0})s::{1}[]))::int]"
    _execute("SELECT setseed(0.2026)")
    timed_step("students", insert_select, User, {
        "password": "'!'", "username": "%(prefix)s || g",
        "first_name": "CASE WHEN g %% 3 = 0 THEN "
                      "(%(ru_first)s::text[])[1 + g %% cardinality(%(ru_first)s::text[])] "
                      "ELSE (%(ky_first)s::text[])[1 + g %% cardinality(%(ky_first)s::text[])] END",
        "last_name": "CASE WHEN g %% 3 = 0 THEN "
                     "(%(ru_last)s::text[])[1 + (g / 7) %% cardinality(%(ru_last)s::text[])] "
                     "ELSE (%(ky_last)s::text[])"
                     "[1 + (g / 7) %% cardinality(%(ky_last)s::text[])] END",
        "is_active": "random() > 0.02", "date_joined": "now() - random() * interval '4 years'",
        "role": "%(role)s", "program_id": pick.format("programs", "bigint", "random()"),
        "cohort_id": pick.format("cohorts", "bigint", "random()"),
    }, source="FROM generate_series(1, %(count)s) AS g", params={
        "prefix": prefix, "count": count, "role": Role.STUDENT,
        "programs": [p.pk for p in programs.values()], "cohorts": [c.pk for c in cohorts],
        "ky_first": demo.KYRGYZ_MEN + demo.KYRGYZ_WOMEN, "ky_last": demo.KYRGYZ_SURNAMES,
        "ru_first": demo.RUSSIAN_MEN + demo.RUSSIAN_WOMEN,
        "ru_last": demo.RUSSIAN_SURNAMES})  # fmt: skip
    timed_step("portfolios", insert_select, Portfolio, {
        "student_id": "u.id", "slug": "u.username",
        "headline": pick.format("headlines", "text", "r.h"),
        "about": f"concat_ws(' ', {pick.format('sentences', 'text', 'r.a')}, "
                 f"{pick.format('sentences', 'text', 'r.b')})",
        "open_to_work": "r.open < 0.85",
        # ~70%% signed-in or wider
        "visibility": "CASE WHEN r.v < 0.30 THEN 10 WHEN r.v < 0.75 THEN 20 ELSE 30 END",
        "default_visibility": "10", "content_version": "0", "completeness": "0",
        "content_updated_at": "now() - r.age * interval '400 days'",
    }, source="""FROM accounts_user u
CROSS JOIN LATERAL (SELECT random() + 0 * u.id AS h, random() AS a, random() AS b,
                           random() AS open, random() AS v, random() AS age) AS r
WHERE u.username LIKE %(like)s""", params={
        "like": like, "headlines": headlines(), "sentences": sentences()})  # fmt: skip
    timed_step("portfolio skills", insert_select, Portfolio.skills.through, {
        "portfolio_id": "p.id", "skill_id": pick.format("skills", "bigint", "random()"),
    }, source="""FROM portfolios_portfolio p
CROSS JOIN LATERAL generate_series(1, 2 + p.id %% 5) AS k
WHERE p.slug LIKE %(like)s""", after="ON CONFLICT DO NOTHING",
       params={"like": like, "skills": skill_ids})  # fmt: skip
    timed_step("achievements", insert_select, Achievement, {
        "portfolio_id": "p.id", "category_id": pick.format("categories", "bigint", "r.c"),
        "title": pick.format("titles", "text", "r.t"),
        "description": pick.format("sentences", "text", "r.d"),
        "start_date": "current_date - (r.age * 1200)::int",
        "organisation": pick.format("organisations", "text", "r.o"),
        "result": pick.format("results", "text", "r.res"),
        "visibility": "CASE WHEN r.v < 0.10 THEN 0 WHEN r.v < 0.25 THEN 10 "
                      "WHEN r.v < 0.75 THEN 20 ELSE 30 END",
        "verification_status": "CASE WHEN r.ver < 0.12 THEN 'verified' ELSE '' END",
        "verified_at": "CASE WHEN r.ver < 0.12 THEN now() END", "order": "k",
    }, source="""FROM portfolios_portfolio p
CROSS JOIN LATERAL generate_series(1, 3 + p.id %% 8) AS k
CROSS JOIN LATERAL (SELECT random() + 0 * k AS c, random() AS t, random() AS d, random() AS age,
                           random() AS o, random() AS res, random() AS v, random() AS ver) AS r
WHERE p.slug LIKE %(like)s""", params={
        "like": like, "categories": categories, "titles": item_titles(),
        "sentences": sentences(), "organisations": ORGANISATIONS, "results": RESULTS})  # fmt: skip
    timed_step("achievement skills", insert_select, Achievement.skills.through, {
        "achievement_id": "a.id", "skill_id": pick.format("skills", "bigint", "random()"),
    }, source="""FROM achievements_achievement a
JOIN portfolios_portfolio p ON p.id = a.portfolio_id
WHERE p.slug LIKE %(like)s AND a.id %% 2 = 0""", after="ON CONFLICT DO NOTHING",
       params={"like": like, "skills": skill_ids})  # fmt: skip
    # Journal posts, 0–6 per portfolio (about 3 on average), of about 1,500 characters of
    # the items' sentences and the journal words: the documents hold the newest ten.
    timed_step("journal posts", insert_select, Post, {
        "portfolio_id": "p.id", "title": pick.format("titles", "text", "r.t"),
        "body": "r.body", "body_html": "'<p>' || r.body || '</p>'",
        "tags": "ARRAY[" + pick.format("words", "text", "r.g") + "]",
        "visibility": "CASE WHEN r.v < 0.2 THEN 10 ELSE 30 END", "status": "%(published)s",
        "published_at": "now() - r.age * interval '300 days'", "comments_enabled": "true",
        "created_at": "now()", "updated_at": "now()",
    }, source="""FROM portfolios_portfolio p
CROSS JOIN LATERAL generate_series(1, p.id %% 7) AS k
CROSS JOIN LATERAL (SELECT random() + 0 * k AS t, random() AS g, random() AS v, random() AS age,
    (SELECT string_agg(""" + pick.format("sentences", "text", "random()") + """
                       || ' ' || """ + pick.format("words", "text", "random()") + """, ' ')
       FROM generate_series(1, 18 + 0 * k)) AS body) AS r
WHERE p.slug LIKE %(like)s""", params={
        "like": like, "titles": item_titles(), "sentences": sentences(),
        "words": JOURNAL_WORDS, "published": Status.PUBLISHED})  # fmt: skip
    analyse(*SEARCH_TABLES)  # statistics for the refresh's joins: freshly loaded tables
    timed_step("search documents", portfolio_refresh_all)
    analyse(*SEARCH_TABLES)
    print(f"seeded {count:,d} students in {time.perf_counter() - started:.0f} s")


SEARCH_TABLES = ("accounts_user", "portfolios_portfolio", "portfolios_searchdocument",
                 "achievements_achievement", "portfolios_portfolio_skills",
                 "journal_post")  # fmt: skip


# --- bench/comments.py: a long comment thread --------------------------------------------

COMMENT_BODIES = [
    "Great work on this section — the **evidence** is convincing.",
    "Could you add a link to the code? *Curious* how you solved the timing.",
    "- clear structure\n- good photos\n- maybe shorten the intro",
    "Жакшы иш! Улантыңыз.",
    "Отличная работа, особенно [проект](https://example.org/project).",
]


def comment_thread(count: int, *, prefix: str) -> Portfolio:
    """One public portfolio with a ``count``-comment thread (rows written directly: the
    services' rate limit is per minute and this is not a user)."""
    Comment.objects.filter(portfolio__slug=f"{prefix}page").delete()
    programs, cohorts = programs_and_cohorts()
    program, cohort = next(iter(programs.values())), cohorts[0]
    student, _created = User.objects.get_or_create(
        username=f"{prefix}owner",
        defaults={"role": Role.STUDENT, "program": program, "cohort": cohort,
                  "first_name": "Айгерим", "last_name": "Бенчова"},
    )  # fmt: skip
    portfolio = portfolio_get_or_create(student=student)
    portfolio_update(portfolio=portfolio, skills=["Python"], slug=f"{prefix}page",
                     visibility=Visibility.PUBLIC, headline="Benchmark portfolio")  # fmt: skip
    authors = []
    for number in range(12):
        role = [Role.SUPERVISOR, Role.EMPLOYER, Role.STUDENT][number % 3]
        fields = {"role": role, "first_name": f"Reader{number}"}
        if role == Role.STUDENT:
            fields |= {"program": program, "cohort": cohort}
        user, _created = User.objects.get_or_create(username=f"{prefix}reader{number}",
                                                    defaults=fields)  # fmt: skip
        authors.append(user)
    authors.append(student)
    started = timezone.now() - timezone.timedelta(days=30)
    firsts: list[Comment] = []
    for number in range(count):
        comment = Comment(author=authors[number % len(authors)], portfolio=portfolio,
                          body=COMMENT_BODIES[number % len(COMMENT_BODIES)])  # fmt: skip
        if number % 3 == 2 and firsts:
            comment.parent = firsts[-1]
            comment.is_private = firsts[-1].is_private
        else:
            comment.is_private = number % 17 == 0
            comment.hidden_at = timezone.now() if number % 23 == 0 else None
        comment.save()
        Comment.objects.filter(pk=comment.pk).update(
            created_at=started + timezone.timedelta(minutes=number)
        )
        if comment.parent_id is None:
            firsts.append(comment)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE comments_comment")
    return portfolio


# --- bench/journal_search.py: journal posts in the search documents -----------------------

JOURNAL_WORDS = [
    "lesson",
    "pupils",
    "informatics",
    "robotics",
    "python",
    "django",
    "teaching",
    "practice",
    "assessment",
    "school",
    "урок",
    "ученики",
    "информатика",
    "робототехника",
    "практика",
    "оценивание",
    "школа",
    "проект",
    "программа",
    "sensor",
    "arduino",
    "feedback",
    "group",
    "project",
    "curriculum",
    "methodology",
    "reflection",
]
JOURNAL_RARE = ["hydroponics", "volcanology", "ornithology", "seismography", "метеорология"]


def journal_body(rng: random.Random) -> str:
    words = [rng.choice(JOURNAL_WORDS) for _ in range(300)]
    if rng.random() < 0.01:
        words[rng.randrange(len(words))] = rng.choice(JOURNAL_RARE)
    return " ".join(words)


def journal_population(count: int, posts: int, *, prefix: str) -> None:
    """``count`` listed portfolios with ``posts`` published posts each (about 2,500
    characters, English and Russian words, a rare word in 1%); kept when already there."""
    if User.objects.filter(username__startswith=prefix).exists():
        return
    programs, cohorts = programs_and_cohorts()
    programs = list(programs.values())
    rng = random.Random(5)
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, count, 1000):
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    username=f"{prefix}{n}",
                    role=Role.STUDENT,
                    first_name="Student",
                    last_name=f"N{n}",
                    program=programs[n % len(programs)],
                    cohort=cohorts[n % len(cohorts)],
                )  # fmt: skip
                for n in range(start, min(start + 1000, count))
            )
            portfolios = Portfolio.objects.bulk_create(
                Portfolio(
                    student=u, slug=u.username, visibility=Visibility.SIGNED_IN, open_to_work=True
                )  # fmt: skip
                for u in users
            )
            Post.objects.bulk_create(
                Post(
                    portfolio=pf,
                    title=f"Post {k}",
                    body=(text := journal_body(rng)),
                    body_html=f"<p>{text}</p>",
                    tags=[rng.choice(JOURNAL_WORDS)],
                    visibility=Visibility.PUBLIC,
                    status=Status.PUBLISHED,
                    published_at=now - timedelta(days=k),
                )  # fmt: skip
                for pf in portfolios
                for k in range(posts)
            )
    print(f"Seeded {count:,} portfolios, {count * posts:,} posts "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    portfolio_refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
