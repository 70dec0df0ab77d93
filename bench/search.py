"""Employers' search on 100,000 portfolios, and the supervisor dashboard with 300 students.

Creates its own database (``portfolio_bench_search`` on the PostgreSQL at 127.0.0.1:5432 as
user postgres, or ``BENCH_DATABASE_URL``), migrates it and seeds it in SQL
(``generate_series``): students with Kyrgyz and Russian names in the demo programs and
cohorts, multilingual headlines, about texts and skills, 3–10 achievements each with mixed
visibility (some verified), about 60% of portfolios listed. The search documents are then
built by ``portfolio_refresh_all`` — the same SQL that keeps them current in the app — and
the tables analysed.

It prints, for a mix of queries (single words, two words, Russian, Kyrgyz, typos, filters,
the empty query), the server time of page 1 with its count: the search alone (``count`` +
20 rows) and the whole request through Django as an approved employer, p50 and p95; the
query plans of a few searches with the indexes they use. Both with the server's defaults
and with ``random_page_cost = 1.1`` (the usual setting for SSDs; see SSD_SETTING). Then
the query count and time of the supervisor dashboard (``feedback:students``) for a
supervisor with 300 students.

    .venv/bin/python bench/search.py [--students 100000] [--rounds 5] [--reseed] [--drop]

The database is kept for the next run (seeding takes a few minutes; a run on a seeded
database starts measuring at once). ``--reseed`` seeds it again, ``--drop`` drops it at the
end; ``dropdb -h 127.0.0.1 -U postgres portfolio_bench_search`` does the same by hand.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reseed", action="store_true", help="drop the database, seed anew")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    return parser.parse_args()


ARGS = parse_args()
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portfolio_bench_search"
)
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
# Measure as production runs: DEBUG off (no query log, cached templates, no debug info).
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 60 + "-not-a-real-secret-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# Static files (the production manifest) and uploads go to a scratch folder, not var/.
SCRATCH = tempfile.mkdtemp(prefix="bench-search-")
os.environ["VAR_DIR"] = SCRATCH
os.environ.pop("MEDIA_ROOT", None)

PREFIX = "bench-"


from benchdb import drop_database, ensure_database  # noqa: E402

if ARGS.reseed:
    drop_database(BENCH_DATABASE_URL)
created = ensure_database(BENCH_DATABASE_URL)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import EmployerProfile, Role, SupervisorAssignment, User  # noqa: E402
from demo import accounts as demo  # noqa: E402
from portfolios import search  # noqa: E402
from portfolios.models import Category, Skill  # noqa: E402
from search.derived import portfolio_refresh_all  # noqa: E402

# --- What the seeded portfolios say ------------------------------------------------------

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


SEED_STUDENTS_SQL = """
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
  is_staff, is_active, date_joined, role, preferred_language, program_id, cohort_id)
SELECT '!', false, %(prefix)s || g,
  CASE WHEN g %% 3 = 0 THEN (%(ru_first)s::text[])[1 + g %% cardinality(%(ru_first)s::text[])]
       ELSE (%(ky_first)s::text[])[1 + g %% cardinality(%(ky_first)s::text[])] END,
  CASE WHEN g %% 3 = 0 THEN (%(ru_last)s::text[])[1 + (g / 7) %% cardinality(%(ru_last)s::text[])]
       ELSE (%(ky_last)s::text[])[1 + (g / 7) %% cardinality(%(ky_last)s::text[])] END,
  '', false, random() > 0.02, now() - random() * interval '4 years', 'student', '',
  (%(programs)s::bigint[])[1 + floor(random() * cardinality(%(programs)s::bigint[]))::int],
  (%(cohorts)s::bigint[])[1 + floor(random() * cardinality(%(cohorts)s::bigint[]))::int]
FROM generate_series(1, %(count)s) AS g
"""

SEED_PORTFOLIOS_SQL = """
INSERT INTO portfolios_portfolio (student_id, slug, headline, about, about_html, interests,
  photo, photo_thumbnail, show_email, phone, website, linkedin, github, telegram, open_to_work,
  visibility, default_visibility, content_version, completeness, content_updated_at, noindex,
  created_at, updated_at)
SELECT u.id, u.username,
  (%(headlines)s::text[])[1 + floor(r.h * cardinality(%(headlines)s::text[]))::int],
  concat_ws(' ', (%(sentences)s::text[])[1 + floor(r.a * cardinality(%(sentences)s::text[]))::int],
                 (%(sentences)s::text[])[1 + floor(r.b * cardinality(%(sentences)s::text[]))::int]),
  '', '', '', '', false, '', '', '', '', '',
  r.open < 0.85,                                        -- open to work
  CASE WHEN r.v < 0.30 THEN 10 WHEN r.v < 0.75 THEN 20 ELSE 30 END,  -- ~70%% signed-in or wider
  10, 0, 0, now() - r.age * interval '400 days', false, now(), now()
FROM accounts_user u
CROSS JOIN LATERAL (SELECT random() + 0 * u.id AS h, random() AS a, random() AS b,
                           random() AS open, random() AS v, random() AS age) AS r
WHERE u.username LIKE %(like)s
"""

SEED_PORTFOLIO_SKILLS_SQL = """
INSERT INTO portfolios_portfolio_skills (portfolio_id, skill_id)
SELECT p.id, (%(skills)s::bigint[])[1 + floor(random() * cardinality(%(skills)s::bigint[]))::int]
FROM portfolios_portfolio p CROSS JOIN LATERAL generate_series(1, 2 + p.id %% 5) AS k
WHERE p.slug LIKE %(like)s
ON CONFLICT DO NOTHING
"""

SEED_ACHIEVEMENTS_SQL = """
INSERT INTO achievements_achievement (portfolio_id, category_id, title, description,
  description_html, start_date, end_date, organisation, level, result, grade, url, visibility,
  featured, verification_status, verification_requested_at, verified_by_id, verified_at,
  verification_note, "order", created_at, updated_at)
SELECT p.id,
  (%(categories)s::bigint[])[1 + floor(r.c * cardinality(%(categories)s::bigint[]))::int],
  (%(titles)s::text[])[1 + floor(r.t * cardinality(%(titles)s::text[]))::int],
  (%(sentences)s::text[])[1 + floor(r.d * cardinality(%(sentences)s::text[]))::int],
  '', current_date - (r.age * 1200)::int, NULL,
  (%(organisations)s::text[])[1 + floor(r.o * cardinality(%(organisations)s::text[]))::int],
  '', (%(results)s::text[])[1 + floor(r.res * cardinality(%(results)s::text[]))::int], '', '',
  CASE WHEN r.v < 0.10 THEN 0 WHEN r.v < 0.25 THEN 10 WHEN r.v < 0.75 THEN 20 ELSE 30 END,
  false, CASE WHEN r.ver < 0.12 THEN 'verified' ELSE '' END, NULL, NULL,
  CASE WHEN r.ver < 0.12 THEN now() END, '', k, now(), now()
FROM portfolios_portfolio p
CROSS JOIN LATERAL generate_series(1, 3 + p.id %% 8) AS k
CROSS JOIN LATERAL (SELECT random() + 0 * k AS c, random() AS t, random() AS d, random() AS age,
                           random() AS o, random() AS res, random() AS v, random() AS ver) AS r
WHERE p.slug LIKE %(like)s
"""

SEED_ACHIEVEMENT_SKILLS_SQL = """
INSERT INTO achievements_achievement_skills (achievement_id, skill_id)
SELECT a.id, (%(skills)s::bigint[])[1 + floor(random() * cardinality(%(skills)s::bigint[]))::int]
FROM achievements_achievement a JOIN portfolios_portfolio p ON p.id = a.portfolio_id
WHERE p.slug LIKE %(like)s AND a.id %% 2 = 0
ON CONFLICT DO NOTHING
"""


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


def seeded_students() -> int:
    return User.objects.filter(username__startswith=PREFIX, role=Role.STUDENT).count()


def seed(count: int) -> None:
    started = time.perf_counter()
    programs = list(demo.seed_programs().values())
    cohorts = demo.seed_cohorts()
    for name in SKILLS:
        display, key = Skill.normalise(name)
        Skill.objects.get_or_create(key=key, defaults={"name": display})
    skill_ids = list(Skill.objects.filter(name__in=SKILLS).values_list("pk", flat=True))
    categories = list(Category.objects.filter(is_active=True).values_list("pk", flat=True))
    like = PREFIX + "%"
    steps = [
        ("students", SEED_STUDENTS_SQL, {
            "prefix": PREFIX, "count": count, "programs": [p.pk for p in programs],
            "cohorts": [c.pk for c in cohorts], "ky_first": demo.KYRGYZ_MEN + demo.KYRGYZ_WOMEN,
            "ky_last": demo.KYRGYZ_SURNAMES, "ru_first": demo.RUSSIAN_MEN + demo.RUSSIAN_WOMEN,
            "ru_last": demo.RUSSIAN_SURNAMES}),
        ("portfolios", SEED_PORTFOLIOS_SQL, {
            "like": like, "headlines": headlines(), "sentences": sentences()}),
        ("portfolio skills", SEED_PORTFOLIO_SKILLS_SQL, {"like": like, "skills": skill_ids}),
        ("achievements", SEED_ACHIEVEMENTS_SQL, {
            "like": like, "categories": categories, "titles": item_titles(),
            "sentences": sentences(), "organisations": ORGANISATIONS, "results": RESULTS}),
        ("achievement skills", SEED_ACHIEVEMENT_SKILLS_SQL, {"like": like, "skills": skill_ids}),
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        for label, statement, params in steps:
            step = time.perf_counter()
            cursor.execute(statement, params)
            print(f"  {label:20} {cursor.rowcount:9,d} rows  {time.perf_counter() - step:6.1f} s")
    analyse()  # statistics for the refresh's joins: freshly loaded tables look empty
    step = time.perf_counter()
    portfolio_refresh_all()
    print(f"  {'search documents':20} {'':9}       {time.perf_counter() - step:6.1f} s "
          "(portfolio_refresh_all)")  # fmt: skip
    analyse()
    print(f"seeded {count:,d} students in {time.perf_counter() - started:.0f} s")


def analyse() -> None:
    with connection.cursor() as cursor:
        for table in ("accounts_user", "portfolios_portfolio", "portfolios_searchdocument",
                      "achievements_achievement", "portfolios_portfolio_skills"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")


def describe_data() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_listed), "
            "pg_size_pretty(pg_total_relation_size('portfolios_searchdocument')) "
            "FROM portfolios_searchdocument"
        )
        total, listed, size = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM achievements_achievement")
        (items,) = cursor.fetchone()
    print(f"{total:,d} portfolios, {listed:,d} listed ({100 * listed / max(total, 1):.0f}%), "
          f"{items:,d} achievements; search documents {size}; "
          f"pg_trgm {'on' if search.trigram_available() else 'off (full text only)'}")  # fmt: skip


# --- Measuring ---------------------------------------------------------------------------

QUERIES = [
    # (kind, parameters of the search page)
    ("one word", {"q": "python"}),
    ("one word", {"q": "teacher"}),
    ("one word", {"q": "robotics"}),
    ("one word", {"q": "volunteer"}),
    ("one word", {"q": "GeoGebra"}),
    ("two words", {"q": "python developer"}),
    ("two words", {"q": "history teacher"}),
    ("two words", {"q": "inclusive education"}),
    ("two words", {"q": "Arduino station"}),
    ("Russian", {"q": "учитель"}),
    ("Russian", {"q": "учитель математики"}),
    ("Russian", {"q": "олимпиада по информатике"}),
    ("Russian", {"q": "инклюзивное образование"}),
    ("Kyrgyz", {"q": "мугалими"}),
    ("Kyrgyz", {"q": "англис тили"}),
    ("Kyrgyz", {"q": "Жумабеков"}),
    ("Kyrgyz", {"q": "көк-бөрү"}),
    ("typo", {"q": "pythn"}),
    ("typo", {"q": "robotcs"}),
    ("typo", {"q": "geogebr"}),
    ("typo", {"q": "volunter"}),
    ("filters", {"q": "teacher", "verified_only": "on"}),
    ("filters", {"q": "", "skills": "Python, SQL"}),
    ("filters", {"q": "психолог", "entry_year": "__cohort__"}),
    ("filters", {"q": "", "program": "__program__", "verified_only": "on"}),
    ("filters", {"q": "design", "graduation_year": "__graduation__"}),
    ("empty", {}),
    ("empty", {"q": ""}),
]

INDEXES = ("searchdoc_document_gin", "searchdoc_words_trgm", "searchdoc_skills_gin")
PLANS = [("one word", "teacher"), ("Russian", "учитель математики"), ("typo", "pythn")]


def resolve(params: dict) -> dict:
    from accounts.models import Cohort, Program

    cohort = Cohort.objects.order_by("-entry_year").first()
    replacements = {
        "__cohort__": str(cohort.entry_year),
        "__graduation__": str(cohort.graduation_year),
        "__program__": str(Program.objects.get(code="programming").pk),
    }
    return {key: replacements.get(value, value) for key, value in params.items()}


def criteria(params: dict) -> dict:
    from feedback.forms.employers import EmployerSearchForm

    return EmployerSearchForm(params or None).criteria()


def search_once(arguments: dict) -> tuple[float, int]:
    """The search alone: page 1 and its count, as the view asks for them."""
    start = time.perf_counter()
    page = Paginator(search.portfolio_search(**arguments), 20).get_page(1)
    list(page.object_list)
    return (time.perf_counter() - start) * 1000, page.paginator.count


def request_once(client: Client, params: dict) -> float:
    start = time.perf_counter()
    response = client.get(reverse("feedback:search"), params, secure=True)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms"


def employer() -> User:
    user, _created = User.objects.get_or_create(
        username=f"{PREFIX}employer", defaults={"role": Role.EMPLOYER, "first_name": "Bench"}
    )
    EmployerProfile.objects.update_or_create(
        user=user, defaults={"organisation": "Bench LLC", "status": EmployerProfile.Status.APPROVED}
    )
    return User.objects.get(pk=user.pk)


def measure_search(rounds: int, *, setting: str) -> None:
    queries = [(kind, resolve(params)) for kind, params in QUERIES]
    arguments = {str(params): criteria(params) for _kind, params in queries}
    client = Client()
    client.force_login(employer())
    for _kind, params in queries:  # warm up: caches, the trigram check, the skill list
        search_once(arguments[str(params)])
        request_once(client, params)

    by_kind: dict[str, list[float]] = {}
    everything, requests, counts = [], [], {}
    for _round in range(rounds):
        for kind, params in queries:
            elapsed, count = search_once(arguments[str(params)])
            by_kind.setdefault(kind, []).append(elapsed)
            everything.append(elapsed)
            counts[str(params)] = count
            requests.append(request_once(client, params))

    print(f"\nsearch, page 1 with its count ({len(queries)} queries x {rounds} rounds), "
          f"{setting}")  # fmt: skip
    if not MATCHES_SHOWN:
        for kind, params in queries:
            label = " ".join(f"{k}={v}" for k, v in params.items() if v) or "(empty query)"
            print(f"  {kind:10} {label[:46]:46} {counts[str(params)]:7,d} found")
        print()
        MATCHES_SHOWN.append(True)
    for kind, values in by_kind.items():
        print(f"  {kind:10} {summary(values)}")
    print(f"  {'all':10} {summary(everything)}   <- the search alone (count + 20 rows)")
    print(f"  {'page':10} {summary(requests)}   <- the whole request as an approved employer")
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("feedback:search"), {"q": "teacher"}, secure=True)
    print(f"  search page queries: {len(captured)}")


MATCHES_SHOWN: list[bool] = []
# The PostgreSQL default assumes spinning disks: a bitmap scan of a common word's documents
# then looks dearer than reading every document, which is slower here (reading a document
# out of its TOAST storage is what costs). 1.1 is the usual setting for SSDs.
SSD_SETTING = "random_page_cost = 1.1"


def show_plans(setting: str) -> None:
    print(f"\nquery plans (EXPLAIN ANALYZE, page 1), {setting}")
    for kind, text in PLANS:
        queryset = search.portfolio_search(query=text)[:20]
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        indexes = sorted({name for name in INDEXES for line in plan if name in line})
        took = next((line for line in plan if line.startswith("Execution Time")), "")
        print(f"  {kind:10} {text!r:24} indexes: {', '.join(indexes) or 'NONE'}   {took}")
        if "searchdoc_document_gin" not in indexes:
            print("\n".join("      " + line for line in plan))


def measure_supervisor_dashboard(requests: int) -> None:
    from feedback.models import Term

    try:
        url = reverse("feedback:students")
    except NoReverseMatch:
        print("\nsupervisor dashboard: feedback:students does not exist yet")
        return
    supervisor, _created = User.objects.get_or_create(
        username=f"{PREFIX}supervisor", defaults={"role": Role.SUPERVISOR, "first_name": "Bench"}
    )
    if supervisor.supervised_links.count() != 300:
        supervisor.supervised_links.all().delete()
        students = User.objects.filter(username__startswith=PREFIX, role=Role.STUDENT,
                                       is_active=True).order_by("pk")[:300]  # fmt: skip
        SupervisorAssignment.objects.bulk_create(
            [SupervisorAssignment(supervisor=supervisor, student=s) for s in students]
        )
    if not Term.objects.filter(is_current=True).exists():
        today = timezone.localdate()
        Term.objects.create(name_en=f"Bench term {today.year}", is_current=True,
                            starts_on=today.replace(month=1, day=1),
                            ends_on=today.replace(month=12, day=31))  # fmt: skip
    client = Client()
    client.force_login(supervisor)
    response = client.get(url, secure=True)
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    queries = len(captured)  # now: the next request empties the query log it reads
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url, secure=True)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"\nsupervisor dashboard ({url}, 300 assigned students): "
          f"queries {queries}   {summary(timings)}   ({requests} requests)")  # fmt: skip


def main() -> None:
    name = urlsplit(BENCH_DATABASE_URL).path.lstrip("/")
    print(f"database {name} ({'created' if created else 'exists'})")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the production manifest
    try:
        seeded = seeded_students()
        if seeded == 0:
            seed(ARGS.students)
        elif seeded != ARGS.students:
            sys.exit(f"{name} holds {seeded:,d} bench students, not {ARGS.students:,d}: "
                     "run with --reseed.")  # fmt: skip
        describe_data()
        show_plans("server defaults")
        measure_search(ARGS.rounds, setting="server defaults")
        with connection.cursor() as cursor:
            cursor.execute(f"SET {SSD_SETTING}")  # this connection only
        show_plans(SSD_SETTING)
        measure_search(ARGS.rounds, setting=SSD_SETTING)
        with connection.cursor() as cursor:
            cursor.execute("RESET random_page_cost")
        measure_supervisor_dashboard(requests=30)
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
        if ARGS.drop:
            drop_database(BENCH_DATABASE_URL)
            print(f"dropped {name}")
        else:
            print(f"kept {name} for the next run (--drop or dropdb removes it)")


if __name__ == "__main__":
    main()
