"""Demo accounts: programs, cohorts, students with Kyrgyz and Russian names, supervisors,
employers and staff. Idempotent: existing rows are kept as they are."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import Cohort, EmployerProfile, Faculty, Program, Role, User

FACULTIES = {
    "informatics": (
        "Faculty of Informatics and Mathematics",
        "Факультет информатики и математики",
        "Информатика жана математика факультети",
    ),
    "arts": ("Faculty of Arts", "Факультет искусств", "Искусство факультети"),
    "philology": ("Faculty of Philology", "Филологический факультет", "Филология факультети"),
    "pedagogy": (
        "Faculty of Pedagogy and Psychology",
        "Факультет педагогики и психологии",
        "Педагогика жана психология факультети",
    ),
}

# code: (faculty, English, Russian, Kyrgyz, share of students)
PROGRAMS = {
    "programming": ("informatics", "Programming", "Программирование", "Программалоо", 4),
    "design": ("arts", "Design", "Дизайн", "Дизайн", 3),
    "mathematics": (
        "informatics",
        "Mathematics Education",
        "Математическое образование",
        "Математикалык билим берүү",
        2,
    ),
    "english": ("philology", "English Philology", "Английская филология", "Англис филологиясы", 2),
    "kyrgyz-philology": (
        "philology",
        "Kyrgyz Language and Literature",
        "Кыргызский язык и литература",
        "Кыргыз тили жана адабияты",
        1,
    ),
    "primary-education": (
        "pedagogy",
        "Primary Education",
        "Начальное образование",
        "Башталгыч билим берүү",
        2,
    ),
    "psychology": ("pedagogy", "Psychology", "Психология", "Психология", 1),
}

KYRGYZ_MEN = ["Айбек", "Нурбек", "Азамат", "Бакыт", "Эрлан", "Мирлан", "Данияр", "Тилек", "Бекжан"]
KYRGYZ_WOMEN = ["Жылдыз", "Айгерим", "Нургуль", "Айпери", "Бегимай", "Гулзат", "Мээрим", "Чолпон"]
KYRGYZ_SURNAMES = ["Абдыкадыров", "Токтогулов", "Жумабеков", "Осмонов", "Сыдыков", "Асанов",
                   "Бакиров", "Мамытов", "Турдубаев", "Исаков", "Алыбаев", "Сатыев"]  # fmt: skip
RUSSIAN_MEN = ["Алексей", "Дмитрий", "Иван", "Сергей", "Андрей", "Никита", "Артём"]
RUSSIAN_WOMEN = ["Анна", "Мария", "Екатерина", "Ольга", "Наталья", "Елена", "Дарья"]
RUSSIAN_SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Волков",
                    "Морозов", "Лебедев"]  # fmt: skip

SUPERVISORS = [
    # username, first, last, programs they advise
    ("supervisor1", "Гульнара", "Мамбетова", ["programming", "mathematics"]),
    ("supervisor2", "Игорь", "Ким", ["programming"]),
    ("supervisor3", "Айнура", "Эсенова", ["design"]),
    ("supervisor4", "Светлана", "Павлова", ["english", "kyrgyz-philology"]),
    ("supervisor5", "Кубанычбек", "Орозов", ["primary-education", "psychology"]),
    ("supervisor6", "Марат", "Султанов", ["mathematics", "design"]),
]

EMPLOYERS = [
    # username, first, last, organisation, website, status
    ("employer1", "Эмиль", "Касымов", "Ала-Тоо Софт", "https://alatoo-soft.example",
     EmployerProfile.Status.APPROVED),
    ("employer2", "Ирина", "Белова", "Школа-гимназия №5", "https://school5.example",
     EmployerProfile.Status.APPROVED),
    ("employer3", "Нурлан", "Джапаров", "Ош Дизайн Студио", "https://osh-design.example",
     EmployerProfile.Status.PENDING),
    ("employer4", "Олег", "Ли", "Tunduk Analytics", "https://tunduk-analytics.example",
     EmployerProfile.Status.PENDING),
    ("employer5", "Асель", "Нуралиева", "Fast Hire Agency", "",
     EmployerProfile.Status.REJECTED),
]  # fmt: skip

STAFF = [
    # username, first, last, superuser
    ("admin", "Админ", "Администратор", True),
    ("staff1", "Замира", "Усенова", False),
]


@dataclass
class DemoResult:
    created: int
    students: int


def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ин")):
        return surname + "а"
    return surname


def _student_name(rng: random.Random) -> tuple[str, str]:
    kyrgyz = rng.random() < 0.7
    woman = rng.random() < 0.55
    if kyrgyz:
        first = rng.choice(KYRGYZ_WOMEN if woman else KYRGYZ_MEN)
        last = rng.choice(KYRGYZ_SURNAMES)
    else:
        first = rng.choice(RUSSIAN_WOMEN if woman else RUSSIAN_MEN)
        last = rng.choice(RUSSIAN_SURNAMES)
    return first, _feminine(last) if woman else last


def seed_programs() -> dict[str, Program]:
    faculties = {}
    for key, (en, ru, ky) in FACULTIES.items():
        faculties[key], _ = Faculty.objects.get_or_create(
            name_en=en, defaults={"name_ru": ru, "name_ky": ky}
        )
    programs = {}
    for code, (faculty, en, ru, ky, _share) in PROGRAMS.items():
        programs[code], _ = Program.objects.get_or_create(
            code=code,
            defaults={"name_en": en, "name_ru": ru, "name_ky": ky, "faculty": faculties[faculty]},
        )
    return programs


def seed_cohorts() -> list[Cohort]:
    this_year = timezone.localdate().year
    return [
        Cohort.objects.get_or_create(entry_year=year)[0]
        # The oldest cohort has graduated: its students show employment outcomes.
        for year in range(this_year - 4, this_year + 1)
    ]


@transaction.atomic
def seed(*, students: int = 60, password: str, seed_value: int = 2026) -> DemoResult:
    rng = random.Random(seed_value)
    programs = seed_programs()
    cohorts = seed_cohorts()
    password_hash = make_password(password)  # hashed once: the slow part of creating users
    existing = set(User.objects.values_list("username", flat=True))
    created = 0

    def make(username: str, **fields) -> User:
        nonlocal created
        if username in existing:
            return User.objects.get(username=username)
        created += 1
        return services.user_create(
            username=username,
            email=f"{username}@demo.example.edu",
            password_hash=password_hash,
            **fields,
        )

    for username, first, last, superuser in STAFF:
        make(username, role=Role.STAFF, first_name=first, last_name=last, is_superuser=superuser)

    supervisors = {
        username: (
            make(
                username,
                role=Role.SUPERVISOR,
                first_name=first,
                last_name=last,
                preferred_language="ru",
            ),
            codes,
        )
        for username, first, last, codes in SUPERVISORS
    }

    weighted_codes = [code for code, spec in PROGRAMS.items() for _ in range(spec[4])]
    for number in range(1, students + 1):
        first, last = _student_name(rng)
        code = "programming" if number == 1 else rng.choice(weighted_codes)
        student = make(
            f"student{number}",
            role=Role.STUDENT,
            first_name=first,
            last_name=last,
            program=programs[code],
            cohort=cohorts[number % len(cohorts)],
            preferred_language=rng.choice(["ky", "ru", "ru", "en", ""]),
        )
        advisers = [user for user, codes in supervisors.values() if code in codes]
        if number == 1:
            advisers = [supervisors["supervisor1"][0], supervisors["supervisor2"][0]]
        elif number % 9 == 0:
            advisers = []  # a few students are still waiting for a supervisor
        elif len(advisers) > 1 and number % 4:
            advisers = [advisers[number % len(advisers)]]
        for adviser in advisers:
            services.supervisor_assign(supervisor=adviser, student=student)

    staff = User.objects.get(username="admin")
    for username, first, last, organisation, website, status in EMPLOYERS:
        if username in existing:
            continue
        created += 1
        user = services.employer_sign_up(
            username=username,
            email=f"{username}@demo.example.com",
            password=password,
            first_name=first,
            last_name=last,
            organisation=organisation,
            website=website,
            preferred_language="ru",
        )
        if status != EmployerProfile.Status.PENDING:
            services.employers_decide(
                profiles=EmployerProfile.objects.filter(user=user),
                approve=status == EmployerProfile.Status.APPROVED,
                by=staff,
                notify=False,
            )
    return DemoResult(created=created, students=students)


DEMO_LOGINS = [
    ("student1", "student"),
    ("supervisor1", "supervisor"),
    ("employer1", "employer (approved)"),
    ("employer3", "employer (waiting for approval)"),
    ("admin", "staff, Django admin"),
]
