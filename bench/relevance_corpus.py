"""A judged corpus for the employers' search: portfolios in Russian, Kyrgyz and English
whose relevant answers are known by construction (bench/search_relevance.py,
tests/search_relevance/). Import after ``django.setup()``.

Two kinds of students:

* **planted** (``PLANTED``): about sixty students, each carrying the facts the judged
  queries of ``search_queries.json`` ask for: an olympiad written "Олимпиадаларга", a
  teacher with or without Python, the only students of Psychology or Design, a name
  written in Cyrillic that an employer types in Latin. The judged relevant set of a query
  is the planted students that hold its fact;
* **filler** (``filler`` of them, seeded random): students of History, Biology, Geography
  and Chemistry with neutral texts in the three languages. ``build_corpus`` refuses a
  filler text holding a reserved stem (``RESERVED``: every word a judged query is about),
  so no filler student can be a relevant answer the judgement missed.

Rows are written with the ORM with the fields the app writes (Markdown rendered to the
HTML the site shows, skills normalised by ``skills_resolve``, verified items with their
supervisor and time), then ``search.derived.portfolio_refresh_all`` builds the search
documents with the app's own SQL. ``evaluate`` runs each judged query through
``search.query.portfolio_search`` and scores it: recall@10, reciprocal rank, must_not
violations.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import Cohort, Faculty, Program, Role, User
from achievements.models import Achievement
from core import markdown
from demo import accounts as demo
from journal.models import Post, Status
from journal.services import tags_normalise
from portfolios.models import Category, Portfolio, Visibility
from portfolios.services import skills_resolve
from search.derived import portfolio_refresh_all

QUERIES_FILE = Path(__file__).resolve().parent / "search_queries.json"
CUTOFF = 10  # recall@10
TARGET = 0.9  # every class's recall@10 should reach it
FILLER = 360  # bench size: with the planted ones, about 420 students
SEED = 17

# --- Programs and faculties ----------------------------------------------------------------

# Beside the demo's (demo/accounts.py: psychology, design, mathematics, kyrgyz-philology…).
FACULTIES = {
    "history": ("Faculty of History", "Исторический факультет", "Тарых факультети"),
    "natural": ("Faculty of Natural Sciences and Geography", "Естественно-географический "
                "факультет", "Табигый илимдер жана география факультети"),
    "physical": ("Faculty of Physical Education", "Факультет физической культуры",
                 "Дене тарбия факультети"),
}  # fmt: skip
PROGRAMS = {
    # code: (faculty key: ours or the demo's, English, Russian, Kyrgyz)
    "informatics": ("informatics", "Informatics", "Информатика", "Информатика"),
    "english-language": ("philology", "English Language", "Английский язык", "Англис тили"),
    "primary-psychology": ("pedagogy", "Primary Education Pedagogy and Psychology",
                           "Педагогика и психология начального образования",
                           "Башталгыч билим берүүнүн педагогикасы жана психологиясы"),
    "physical-education": ("physical", "Physical Education", "Физическая культура",
                           "Дене тарбия"),
    "history": ("history", "History", "История", "Тарых"),
    "biology": ("natural", "Biology", "Биология", "Биология"),
    "geography": ("natural", "Geography", "География", "География"),
    "chemistry": ("natural", "Chemistry", "Химия", "Химия"),
}  # fmt: skip
FILLER_PROGRAMS = ["history", "biology", "geography", "chemistry"]


def programs_and_cohorts() -> tuple[dict[str, Program], list[Cohort]]:
    """The demo's programs and cohorts plus the corpus's own (created when missing);
    cohorts get their graduation year (entry + 4) when they have none."""
    programs = demo.seed_programs()
    faculties = {}
    for key, (en, ru, ky) in FACULTIES.items():
        faculties[key], _ = Faculty.objects.get_or_create(
            name_en=en, defaults={"name_ru": ru, "name_ky": ky}
        )
    for key, (en, _ru, _ky) in demo.FACULTIES.items():
        faculties[key] = Faculty.objects.get(name_en=en)
    for code, (faculty, en, ru, ky) in PROGRAMS.items():
        programs[code], _ = Program.objects.get_or_create(
            code=code,
            defaults={"name_en": en, "name_ru": ru, "name_ky": ky, "faculty": faculties[faculty]},
        )
    cohorts = demo.seed_cohorts()  # this year - 4 … this year
    for cohort in cohorts:
        if cohort.graduation_year is None:
            cohort.graduation_year = cohort.entry_year + 4
            cohort.save(update_fields=["graduation_year"])
    return programs, sorted(cohorts, key=lambda c: c.entry_year)


# --- The planted students ----------------------------------------------------------------


@dataclass
class Item:
    section: str  # a Category code (portfolios/migrations/0002_default_sections.py)
    title: str
    organisation: str = ""
    result: str = ""
    description: str = ""
    visibility: int = Visibility.SIGNED_IN
    verified: bool = False
    skills: list[str] = field(default_factory=list)


@dataclass
class Student:
    username: str
    first_name: str
    last_name: str
    program: str
    cohort: int = 2  # index into the cohorts, oldest first (0 = this year - 4)
    headline: str = ""
    about: str = ""
    skills: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    posts: list[tuple[str, str, list[str]]] = field(default_factory=list)
    visibility: int = Visibility.SIGNED_IN
    open_to_work: bool = True


I = Item  # noqa: E741 - short, the roster below reads as a table
S = Student

PLANTED: list[Student] = [
    # Psychology: no text names the program (the issue: program names are not searched).
    S("aigerim-toktogulova", "Айгерим", "Токтогулова", "psychology", 1,
      "Тренинги для подростков и консультирование",
      "Провожу тренинги по стресс-менеджменту для старшеклассников.", ["SPSS", "Тренинги"],
      [I("research", "Изучение тревожности у старшеклассников", "Кафедра",
         description="Анкетирование 120 учеников, обработка в SPSS.")]),
    S("meerim-asanova", "Мээрим", "Асанова", "psychology", 2,
      "Мектепте кеңеш берүү жана тренингдер", "", ["Кеңеш берүү"],
      [I("experience", "Мектепте кеңешчинин жардамчысы", "№ 13 гимназия")]),
    S("sofia-lee", "Sofia", "Lee", "psychology", 3, "Counselling and wellbeing workshops",
      "I run small groups on exam stress.", [],
      [I("conferences", "Talk on exam stress at a student forum", "Student forum")]),
    S("nurbek-asanov", "Нурбек", "Асанов", "psychology", 0, "Консультирование и тесты",
      "Интересуюсь диагностикой и тестами.", ["Тестирование"]),
    # Pedagogy and psychology of primary education (the pedagogy faculty too).
    S("zhyldyz-mamytova", "Жылдыз", "Мамытова", "primary-psychology", 2,
      "Башталгыч класстар менен иштейм", "Балдар менен оюн аркылуу сабак өтөм.",
      ["Оюн методикасы"]),
    S("olga-smirnova", "Ольга", "Смирнова", "primary-psychology", 1,
      "Развивающие занятия для младших школьников", "", [],
      [I("social", "Вожатая в летнем лагере «Ласточка»", "Лагерь «Ласточка»")]),
    S("chynara-abdyrakhmanova", "Чынара", "Абдырахманова", "primary-psychology", 3,
      "Окуу жана жазуу боюнча кружок", "Кичинекей окуучулар үчүн кружок жетектейм."),
    # Design.
    S("aizada-zhumalieva", "Айзада", "Жумалиева", "design", 2,
      "Фирменный стиль и иллюстрация", "", ["Figma", "Illustrator"],
      [I("academic", "Айдентика для кофейни", "Кафедра", "Отлично")]),
    S("daniil-kim", "Даниил", "Ким", "design", 4, "UI/UX: макеты мобильных приложений",
      "", ["Figma"],
      [I("academic", "Макет сайта для школы № 61", "Кафедра", verified=True)]),
    S("bermet-usenova", "Бермет", "Усенова", "design", 1, "Плакаттар жана логотиптер",
      "", ["Photoshop"]),
    S("emily-clark", "Emily", "Clark", "design", 2, "Branding and poster art", "",
      ["Illustrator"]),
    # Mathematics Education.
    S("erlan-toktosunov", "Эрлан", "Токтосунов", "mathematics", 2,
      "Уроки геометрии с интерактивными чертежами", "", ["GeoGebra"]),
    S("anna-belova", "Анна", "Белова", "mathematics", 3, "Подготовка к ОРТ по алгебре"),
    S("tilek-bekov", "Тилек", "Беков", "mathematics", 1,
      "Геометриялык маселелерди чыгаруу", "Алгебра жана геометрия боюнча кеңештер."),
    S("maria-shevchenko", "Мария", "Шевченко", "mathematics", 0, "Статистика для школьников",
      "", ["Excel"]),
    # Informatics.
    S("azamat-kadyrbekov", "Азамат", "Кадырбеков", "informatics", 2,
      "Backend-разработка на Django", "", ["Python", "Django"]),
    S("nurbek-zhumabaev", "Нурбек", "Жумабаев", "informatics", 3, "Веб-программалоо",
      "", ["JavaScript"]),
    S("aleksei-smirnov", "Алексей", "Смирнов", "informatics", 1,
      "Разработка школьных чат-ботов", "", ["Python"]),
    S("john-miller", "John", "Miller", "informatics", 4, "Data analysis with pandas", "",
      ["Python", "Excel"]),
    # English Language.
    S("aidai-nurlanova", "Айдай", "Нурланова", "english-language", 2,
      "Speaking clubs for teenagers", "I host speaking clubs every Friday."),
    S("kanykei-sadykova", "Каныкей", "Садыкова", "english-language", 1,
      "IELTS 7.0 и разговорный клуб", "", [],
      [I("certificates", "IELTS Academic: 7.0", "British Council", "7.0")]),
    S("bekzhan-orozov", "Бекжан", "Орозов", "english-language", 3,
      "Окуу клубу жана котормо", "Котормо жасаганды жакшы көрөм."),
    # Kyrgyz Language and Literature.
    S("cholpon-isakova", "Чолпон", "Исакова", "kyrgyz-philology", 2, "Манас эпосун изилдейм"),
    S("mirlan-turgunbaev", "Мирлан", "Тургунбаев", "kyrgyz-philology", 1,
      "Акындар айтышы жана поэзия"),
    S("begimai-toktosunova", "Бегимай", "Токтосунова", "kyrgyz-philology", 3,
      "Литературный кружок для школьников"),
    # Physical Education.
    S("bakyt-kalybekov", "Бакыт", "Калыбеков", "physical-education", 2,
      "Волейбол боюнча машыктыруучу", "", [],
      [I("sports", "Университеттин волейбол боюнча кубогу", "Университет", "1-орун")]),
    S("daniyar-saparov", "Данияр", "Сапаров", "physical-education", 1,
      "Күрөш боюнча машыктыруучу", "", [],
      [I("sports", "Күрөш боюнча шаардык мелдеш", "Бишкек шаары", "2-орун")]),
    S("elena-orlova", "Елена", "Орлова", "physical-education", 3,
      "Фитнес и здоровый образ жизни для школьников"),
    # Olympiads, inflected (Kyrgyz endings, Russian cases); one English.
    S("nurbek-osmonov", "Нурбек", "Осмонов", "history", 3, "Тарыхты сүйгөн студент", "", [],
      [I("certificates", "Тарых боюнча олимпиадаларга катышуу", "Билим берүү министрлиги",
         "2-орун")]),
    S("dmitry-egorov", "Дмитрий", "Егоров", "chemistry", 0, "Студент-химик", "", [],
      [I("certificates", "Призёр олимпиады по химии", "Минобразования", "Диплом II степени")]),
    S("aisuluu-kasymova", "Айсулуу", "Касымова", "biology", 1, "Биология жана экология", "",
      [], [I("academic", "Олимпиадада биринчи орун алдым", "Университет", "1-орун")]),
    S("igor-laptev", "Игорь", "Лаптев", "geography", 3, "Картограф", "", [],
      [I("certificates", "Участие в олимпиадах по географии", "Географическое общество")]),
    S("kate-wilson", "Kate", "Wilson", "biology", 2, "Field ecology", "", [],
      [I("certificates", "Regional Biology Olympiad: silver medal", "Ministry", "Silver")]),
    S("adilet-zhusupov", "Адилет", "Жусупов", "history", 2, "Краевед", "", [], [],
      [("Как я готовил ребят к олимпиаде", "Три месяца занятий по субботам: задачи "
        "прошлых лет, разбор ошибок, пробные туры.", ["ученики"])]),
    # Teachers, English: two of them with Python (exclusion).
    S("zhanyl-beishenova", "Жаныл", "Бейшенова", "history", 2,
      "Teacher of history at a village school", "", ["PowerPoint"]),
    S("ruslan-akhmedov", "Руслан", "Ахмедов", "geography", 1,
      "Geography teacher and tour guide", "", ["Python", "QGIS"]),
    S("sarah-johnson", "Sarah", "Johnson", "biology", 3, "Lab work and field trips", "", [],
      [I("experience", "Assistant teacher, Bishkek International School", "BIS",
         verified=True)]),
    S("aibek-mambetov", "Айбек", "Мамбетов", "chemistry", 2,
      "Chemistry teacher, lab experiments", "", ["Python", "Excel"]),
    S("nurgul-alieva", "Нургуль", "Алиева", "history", 1, "Archives and old maps",
      "I have worked as a substitute teacher for two years.", [],
      [I("academic", "Coursework on classroom management", "Faculty", "A", verified=True)]),
    # Teachers, Russian (cases).
    S("viktoria-pavlova", "Виктория", "Павлова", "history", 2, "Учитель истории",
      "", ["Публичные выступления"]),
    S("kirill-sidorov", "Кирилл", "Сидоров", "biology", 1, "Биолог, лаборант", "", [],
      [I("experience", "Работал учителем биологии в лицее № 7", "Лицей № 7")]),
    S("alina-kim", "Алина", "Ким", "geography", 3, "Туризм и краеведение", "", [], [],
      [("Заметки молодого учителя", "Первый месяц в школе: что получилось, что нет.",
        ["школа"])]),
    # Teachers, Kyrgyz (endings).
    S("aizhan-temirova", "Айжан", "Темирова", "history", 2, "Тарых мугалими", "",
      ["Командада иштөө"]),
    S("erkin-abdiev", "Эркин", "Абдиев", "biology", 1, "Жаратылыш таануу", "",
      ["Командада иштөө"],
      [I("experience", "Мектепте мугалимдин жардамчысы", "№ 5 мектеп")]),
    S("zhamila-orozbaeva", "Жамиля", "Орозбаева", "chemistry", 3, "Химия лабораториясы",
      "Жаш мугалимдер үчүн семинар өткөрдүм."),
    # Research, experience, sports, social sections (the sections' names not in the text).
    S("aiperi-sharshenova", "Айпери", "Шаршенова", "biology", 2, "Экология", "", [],
      [I("research", "Экологиялык долбоорлорго катышуу", "Университет")]),
    S("tom-becker", "Tom", "Becker", "chemistry", 4, "Water chemistry", "", [],
      [I("research", "Water quality study of Lake Issyk-Kul", "University")]),
    S("artur-li", "Артур", "Ли", "geography", 2, "Гид и картограф", "", [],
      [I("experience", "Стажировка в туристической компании «Ала-Тоо Тур»", "Ала-Тоо Тур")]),
    S("lucy-park", "Lucy", "Park", "history", 3, "Museums and archives", "", [],
      [I("experience", "Summer internship at the National History Museum", "Museum")]),
    S("maksim-gusev", "Максим", "Гусев", "biology", 1, "Биолог", "", [],
      [I("sports", "Чемпионат города по шахматам", "Шахматная федерация", "3 место")]),
    S("aziz-karimov", "Aziz", "Karimov", "geography", 2, "Maps and data", "", [],
      [I("social", "Volunteer at the Bishkek food bank", "Food bank")]),
    S("nuriza-zhaparova", "Нуриза", "Жапарова", "history", 3, "Тарых жана саясат", "", [],
      [I("social", "Студенттик кеңештин мүчөсү", "Университет")]),
    # Public speaking, Russian skill.
    S("denis-egorov", "Денис", "Егоров", "chemistry", 1, "Химик-аналитик", "",
      ["Публичные выступления"]),
    # Not shown to employers: a page for supervisors only, a private page, a private item.
    # (Not being open to work hides no one: it is a filter employers choose.)
    S("nurbek-bakirov", "Нурбек", "Бакиров", "history", 2, "Teacher, olympiad coach", "",
      ["Python"], visibility=Visibility.SUPERVISORS),
    S("timur-ismailov", "Тимур", "Исмаилов", "history", 2, "Music teacher", "", ["Figma"],
      visibility=Visibility.PRIVATE),
    S("asel-kenzhebaeva", "Асель", "Кенжебаева", "biology", 2, "Ботаника", "", [],
      [I("certificates", "Олимпиада по биологии: 1 место", "Университет",
         visibility=Visibility.PRIVATE)]),
]  # fmt: skip

# Stems no filler text may hold: every word a judged query is about (casefolded).
RESERVED = (
    "teacher", "учител", "мугалим", "педагог", "образован", "education", "психолог",
    "psycholog", "дизайн", "design", "математ", "mathemat", "билим", "олимпиад", "olympiad",
    "python", "пайтон", "excel", "эксель", "figma", "фигма", "django", "джанго", "geogebra",
    "spss", "photoshop", "illustrator", "практик", "practice", "стажир", "intern",
    "тажрыйба", "проект", "project", "долбоор", "research", "научн", "илим", "спорт",
    "sport", "сертификат", "certificat", "сыйлык", "наград", "award", "обществен",
    "коомдук", "community", "кыргыз", "тили", "язык", "language", "literat", "литерат",
    "адабият", "english", "англис", "английск", "информатик", "informatic", "физическ",
    "physical", "дене", "искусств", "манас", "ielts", "волейбол", "counsel", "фитнес",
    "pandas", "акын", "айтыш", "тренинг", "кружок", "мектеп", "күрөш", "шахмат", "нурбек",
    "айгерим", "смирнов", "жылдыз", "асанов", "emily", "эмили", "miller", "миллер",
    "командада", "выступлен", "chess", "волонт", "volunteer",
)  # fmt: skip

# --- Filler: neutral students ---------------------------------------------------------------

FILLER_NAMES = {
    "ky_men": ["Эрмек", "Улан", "Канат", "Талант", "Бактыбек", "Эльдияр", "Самат", "Мирбек"],
    "ky_women": ["Динара", "Эльнура", "Камила", "Салтанат", "Назира", "Акмаал", "Жибек"],
    "ky_last": ["Абдыкадыров", "Жумабеков", "Сыдыков", "Турдубаев", "Исаков", "Алыбаев",
                "Сатыев", "Кадыров", "Шаршеев", "Бообеков"],
    "ru_men": ["Дмитрий", "Иван", "Сергей", "Андрей", "Никита", "Артём"],
    "ru_women": ["Анна", "Мария", "Наталья", "Дарья", "Екатерина"],
    "ru_last": ["Иванов", "Петров", "Кузнецов", "Попов", "Соколов", "Волков", "Морозов"],
    "latin": [("Daniel", "Wong"), ("Maya", "Patel"), ("Lena", "Schmidt"), ("Omar", "Haddad")],
}  # fmt: skip
FILLER_HEADLINES = [
    "Студент-историк, люблю музеи и архивы", "Изучаю флору и фауну Чуйской долины",
    "Картография и туризм", "Химия: лабораторные опыты и анализ",
    "Краевед, собираю истории о родном селе",
    "Тарых факультетинин студенти, музейлерди жакшы көрөм",
    "Өсүмдүктөр жана жаныбарлар", "География жана туризм", "Химия лабораториясында иштейм",
    "Айылымдын тарыхын чогултам", "History student who loves museums and archives",
    "Biology student: field trips and herbarium", "Geography and tourism",
    "Chemistry lab assistant", "Local history enthusiast",
]  # fmt: skip
FILLER_SENTENCES = [
    "Люблю походы и фотографию.", "Читаю книги по истории Центральной Азии.",
    "Собираю гербарий растений Иссык-Куля.", "Участвовал в экспедиции по Таласской долине.",
    "Тоого чыгууну жана сүрөткө тартууну жакшы көрөм.",
    "Борбордук Азиянын тарыхы боюнча китеп окуйм.", "Жаратылышты коргоо мага кызыктуу.",
    "I enjoy hiking and photography.", "I read books on the history of Central Asia.",
    "I am curious about rivers and glaciers.",
]  # fmt: skip
FILLER_ITEMS = {
    "academic": ["Курсовая работа: Великий шелковый путь", "Coursework: Silk Road trade",
                 "Курстук иш: Ала-Тоо мөңгүлөрү", "Курсовая: почвы Чуйской долины",
                 "Coursework: enzymes in food", "Лабораторная работа по органической химии",
                 "Essay on the medieval towns of the Chui valley"],
    "presentations": ["Доклад: древние города Чуйской долины",
                      "Presentation: glaciers of the Tien Shan", "Баяндама: Ала-Тоонун куштары",
                      "Доклад: редкие птицы Иссык-Куля"],
    "conferences": ["Студенческая конференция: экология рек",
                    "Student conference: climate of Issyk-Kul",
                    "Студенттер конференциясы: Чүй өрөөнүнүн тарыхы"],
}  # fmt: skip
FILLER_ORGANISATIONS = ["Исторический музей", "Ботанический сад", "Кафедра", "Faculty",
                        "Тарых музейи", "Университет"]  # fmt: skip
FILLER_RESULTS = ["", "5 (отлично)", "Grade A", "Жакшы", "участник", "катышуучу"]
FILLER_SKILLS = ["Canva", "Moodle", "Google Classroom", "PowerPoint", "Kahoot",
                 "Тайм-менеджмент", "Фотография", "QGIS", "Word"]  # fmt: skip
FILLER_POSTS = [
    ("Экспедиция в Сары-Челек", "Неделя в заповеднике: озёра, орехово-плодовые леса, птицы."),
    ("Field trip to Ala-Archa", "We walked to the glacier and counted plants on the way."),
    ("Ала-Арчага саякат", "Мөңгүгө чейин бардык, жолдо өсүмдүктөрдү санадык."),
]  # fmt: skip


def filler_students(count: int, *, seed: int = SEED) -> list[Student]:
    rng = random.Random(seed)
    names = FILLER_NAMES
    made = []
    for number in range(count):
        roll = rng.random()
        if roll < 0.6:
            woman = rng.random() < 0.5
            first = rng.choice(names["ky_women" if woman else "ky_men"])
            last = rng.choice(names["ky_last"])
        elif roll < 0.95:
            woman = rng.random() < 0.5
            first = rng.choice(names["ru_women" if woman else "ru_men"])
            last = rng.choice(names["ru_last"])
        else:
            woman = False
            first, last = rng.choice(names["latin"])
        if woman:
            last = demo._feminine(last)
        items = [
            Item(section=(section := rng.choice(list(FILLER_ITEMS))),
                 title=rng.choice(FILLER_ITEMS[section]),
                 organisation=rng.choice(FILLER_ORGANISATIONS), result=rng.choice(FILLER_RESULTS),
                 description=rng.choice(FILLER_SENTENCES),
                 visibility=rng.choice([Visibility.PRIVATE, Visibility.SIGNED_IN,
                                        Visibility.SIGNED_IN, Visibility.PUBLIC]),
                 verified=rng.random() < 0.15,
                 skills=rng.sample(FILLER_SKILLS, rng.randint(0, 1)))
            for _ in range(rng.randint(1, 5))
        ]  # fmt: skip
        posts = [
            (title, body, ["природа"]) for title, body in rng.sample(FILLER_POSTS, 1)
        ] if rng.random() < 0.3 else []  # fmt: skip
        made.append(Student(
            username=f"filler-{number:04d}", first_name=first, last_name=last,
            program=rng.choice(FILLER_PROGRAMS), cohort=rng.randrange(5),
            headline=rng.choice(FILLER_HEADLINES),
            about=" ".join(rng.sample(FILLER_SENTENCES, rng.randint(0, 2))),
            skills=rng.sample(FILLER_SKILLS, rng.randint(1, 3)), items=items, posts=posts,
            visibility=rng.choice([Visibility.SUPERVISORS, Visibility.SIGNED_IN,
                                   Visibility.SIGNED_IN, Visibility.PUBLIC]),
            open_to_work=rng.random() < 0.85,
        ))  # fmt: skip
    return made


def _texts(student: Student) -> list[str]:
    texts = [student.first_name, student.last_name, student.headline, student.about,
             *student.skills]  # fmt: skip
    for item in student.items:
        texts += [item.title, item.organisation, item.result, item.description, *item.skills]
    for title, body, tags in student.posts:
        texts += [title, body, *tags]
    return texts


def check_filler(students: list[Student]) -> None:
    """No filler text holds a reserved stem (a judged query's word)."""
    for student in students:
        for text in _texts(student):
            folded = text.casefold()
            for stem in RESERVED:
                if stem in folded:
                    raise ValueError(f"filler {student.username}: {text!r} holds {stem!r}")


# --- Writing the rows ------------------------------------------------------------------------


@dataclass
class Corpus:
    students: list[Student]
    programs: dict[str, Program]
    cohorts: list[Cohort]

    @property
    def usernames(self) -> set[str]:
        return {s.username for s in self.students}


def _valid(instances: list, *, exclude: tuple[str, ...] = ()) -> list:
    """The rows as the models accept them (field validation; the database checks the
    foreign keys, unique and other constraints when they are written)."""
    for instance in instances:
        keys = [f.name for f in instance._meta.concrete_fields if f.is_relation]
        instance.full_clean(exclude=[*exclude, *keys], validate_unique=False,
                            validate_constraints=False)  # fmt: skip
    return instances


def corpus_exists() -> bool:
    return User.objects.filter(username=PLANTED[0].username).exists()


def build_corpus(*, filler: int = FILLER, seed: int = SEED) -> Corpus:
    """The planted students and ``filler`` neutral ones, their portfolios, items, skills
    and posts; then the search documents (``portfolio_refresh_all``)."""
    fillers = filler_students(filler, seed=seed)
    check_filler(fillers)
    students = PLANTED + fillers
    programs, cohorts = programs_and_cohorts()
    categories = {c.code: c for c in Category.objects.all()}
    now = timezone.now()
    rng = random.Random(seed + 1)
    with transaction.atomic():
        supervisor, _created = User.objects.get_or_create(
            username="relevance-supervisor",
            defaults={"role": Role.SUPERVISOR, "first_name": "Гульнара", "last_name": "Ажыбаева"},
        )  # fmt: skip
        users = User.objects.bulk_create(_valid([
            User(username=s.username, email=f"{s.username}@example.edu", role=Role.STUDENT,
                 first_name=s.first_name, last_name=s.last_name, program=programs[s.program],
                 cohort=cohorts[s.cohort], password="!")
            for s in students
        ], exclude=("password",)))  # fmt: skip
        portfolios = Portfolio.objects.bulk_create(_valid([
            Portfolio(student=user, slug=s.username, headline=s.headline, about=s.about,
                      about_html=str(markdown.render(s.about)), open_to_work=s.open_to_work,
                      visibility=s.visibility, default_visibility=Visibility.SIGNED_IN,
                      content_updated_at=now - timedelta(days=rng.randint(0, 400)))
            for user, s in zip(users, students, strict=True)
        ]))  # fmt: skip
        skill_names = {name for s in students for name in s.skills}
        skill_names |= {name for s in students for item in s.items for name in item.skills}
        skills = {name: skill for name in sorted(skill_names) for skill in skills_resolve([name])}
        Portfolio.skills.through.objects.bulk_create([
            Portfolio.skills.through(portfolio_id=p.pk, skill_id=skills[name].pk)
            for p, s in zip(portfolios, students, strict=True) for name in dict.fromkeys(s.skills)
        ])  # fmt: skip
        pairs = []
        for portfolio, student in zip(portfolios, students, strict=True):
            for order, item in enumerate(student.items, start=1):
                pairs.append((item, Achievement(
                    portfolio=portfolio, category=categories[item.section], title=item.title,
                    organisation=item.organisation, result=item.result,
                    description=item.description,
                    description_html=str(markdown.render(item.description)),
                    start_date=date(2024, 1, 1) + timedelta(days=rng.randint(0, 600)),
                    visibility=item.visibility, order=order,
                    verification_status="verified" if item.verified else "",
                    verified_at=now if item.verified else None,
                    verified_by=supervisor if item.verified else None,
                )))  # fmt: skip
        achievements = Achievement.objects.bulk_create(_valid([a for _item, a in pairs]))
        Achievement.skills.through.objects.bulk_create([
            Achievement.skills.through(achievement_id=a.pk, skill_id=skills[name].pk)
            for (item, _a), a in zip(pairs, achievements, strict=True)
            for name in dict.fromkeys(item.skills)
        ])  # fmt: skip
        Post.objects.bulk_create(_valid([
            Post(portfolio=portfolio, title=title, body=body,
                 body_html=str(markdown.render(body)), tags=tags_normalise(tags),
                 visibility=Visibility.SIGNED_IN, status=Status.PUBLISHED,
                 published_at=now - timedelta(days=number + 1))
            for portfolio, student in zip(portfolios, students, strict=True)
            for number, (title, body, tags) in enumerate(student.posts)
        ]))  # fmt: skip
    portfolio_refresh_all()
    return Corpus(students=students, programs=programs, cohorts=cohorts)


def load_corpus() -> Corpus:
    """The corpus already in the database (a benchmark's second run)."""
    programs, cohorts = programs_and_cohorts()
    count = User.objects.filter(username__startswith="filler-").count()
    return Corpus(students=PLANTED + filler_students(count), programs=programs, cohorts=cohorts)


# --- Judging ------------------------------------------------------------------------------


def load_queries(path: Path = QUERIES_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def resolve_filters(filters: dict, corpus: Corpus) -> dict:
    """``portfolio_search`` keyword arguments from a query's ``filters``: ``program_id`` is
    given as a program code, ``cohort_year`` and ``graduation_year`` as an index into the
    cohorts (oldest first), as the corpus's students are."""
    resolved = dict(filters)
    if "program_id" in resolved:
        resolved["program_id"] = corpus.programs[resolved["program_id"]].pk
    if "cohort_year" in resolved:
        resolved["cohort_year"] = corpus.cohorts[resolved["cohort_year"]].entry_year
    if "graduation_year" in resolved:
        resolved["graduation_year"] = corpus.cohorts[resolved["graduation_year"]].graduation_year
    return resolved


@dataclass
class Outcome:
    query: dict
    top: list[str]  # usernames, best first (the first CUTOFF)
    recall: float
    reciprocal_rank: float
    violations: list[str]
    found: int

    @property
    def failed(self) -> bool:
        return self.recall < 1 or bool(self.violations)


def evaluate(queries: list[dict], corpus: Corpus) -> list[Outcome]:
    """Every query through ``portfolio_search`` as the employers' page runs it, each
    read anew (a plan remembered from before the corpus or the code changed would not
    say what the search does now)."""
    from django.core.cache import cache

    from search.query import plan_cache_key, portfolio_search

    outcomes = []
    for query in queries:
        cache.delete(plan_cache_key(query["query"]))
        arguments = resolve_filters(query.get("filters") or {}, corpus)
        results = portfolio_search(query=query["query"], **arguments)
        usernames = [portfolio.student.username for portfolio in results[:100]]
        top = usernames[:CUTOFF]
        relevant = query["relevant"]
        hits = sum(1 for name in relevant if name in top)
        first = next((i for i, name in enumerate(usernames, 1) if name in relevant), None)
        must_not = set(query.get("must_not", []))
        outcomes.append(Outcome(
            query=query, top=top, recall=hits / min(len(relevant), CUTOFF),
            reciprocal_rank=1 / first if first else 0.0,
            violations=[name for name in top if name in must_not], found=len(usernames),
        ))  # fmt: skip
    return outcomes


def by_class(outcomes: list[Outcome]) -> dict[str, dict]:
    classes: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        classes.setdefault(outcome.query["class"], []).append(outcome)
    classes["overall"] = list(outcomes)
    return {
        name: {
            "queries": len(group),
            "recall_at_10": sum(o.recall for o in group) / len(group),
            "mrr": sum(o.reciprocal_rank for o in group) / len(group),
            "violations": sum(len(o.violations) for o in group),
        }
        for name, group in classes.items()
    }


def table(outcomes: list[Outcome]) -> str:
    summary = by_class(outcomes)
    lines = [f"{'class':10} {'queries':>7} {'recall@10':>9} {'MRR':>6} {'must_not':>8}"]
    for name, row in summary.items():
        if name == "overall":
            lines.append("-" * 44)
        mark = "  < 0.9" if row["recall_at_10"] < TARGET else ""
        lines.append(f"{name:10} {row['queries']:7d} {row['recall_at_10']:9.2f} "
                     f"{row['mrr']:6.2f} {row['violations']:8d}{mark}")  # fmt: skip
    return "\n".join(lines)
