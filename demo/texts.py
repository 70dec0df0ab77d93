"""What demo students and their supervisors write, in the student's writing language: most
write in Russian or Kyrgyz, some in English (about 45 % ru, 35 % ky, 20 % en), as at a
Kyrgyz university. student1, the showcase portfolio, writes in English. Deterministic: the
language follows the student's number, so every seed of the demo is the same."""

from __future__ import annotations

import re

LANGUAGES = ("ru", "ky", "en")
# Out of 20 students: 9 write in Russian, 7 in Kyrgyz, 4 in English.
_SHARES = ["ru"] * 9 + ["ky"] * 7 + ["en"] * 4


def writing_language(student) -> str:
    """The language a demo student writes their portfolio in (and is reviewed in)."""
    match = re.fullmatch(r"student(\d+)", student.username)
    if match is None:
        return "en"
    number = int(match.group(1))
    if number == 1:
        return "en"
    # 7 and 20 share no factor: the languages are spread through the list, not in blocks.
    return _SHARES[(number * 7) % len(_SHARES)]


def pick(pool: dict[str, list], language: str, index: int):
    """The ``index``-th text of the pool in ``language`` (wrapping round)."""
    texts = pool[language]
    return texts[index % len(texts)]


# --- Achievements (demo/portfolios.py) ----------------------------------------------------
ACHIEVEMENT_TITLES = {
    "academic": {
        "ru": ["Курсовая работа по методике преподавания", "Сессия на «отлично»"],
        "ky": ["Окутуу методикасы боюнча курстук иш", "Сессияны «эң жакшы» деген баага тапшырдым"],
        "en": ["Coursework on teaching methods", "Exam session with top marks"],
    },
    "research": {
        "ru": ["Исследование: мотивация студентов к чтению",
               "Статья в сборнике студенческих научных работ"],
        "ky": ["Изилдөө: студенттердин китеп окууга кызыгуусу",
               "Студенттердин илимий эмгектер жыйнагындагы макала"],
        "en": ["Study: students' motivation to read", "Paper in the student research collection"],
    },
    "conferences": {
        "ru": ["Студенческая научная конференция университета",
               "Республиканская конференция молодых учёных"],
        "ky": ["Университеттин студенттик илимий конференциясы",
               "Жаш илимпоздордун республикалык конференциясы"],
        "en": ["University student research conference", "National conference of young scientists"],
    },
    "presentations": {
        "ru": ["Доклад на неделе факультета", "Презентация проекта на методическом семинаре"],
        "ky": ["Факультеттин жумалыгында баяндама жасадым",
               "Методикалык семинарда долбоорумду тааныштырдым"],
        "en": ["Talk at the faculty week", "Project presentation at the methods seminar"],
    },
    "certificates": {
        "ru": ["Сертификат курса «Цифровая грамотность учителя»",
               "Олимпиада по специальности, 3 место"],
        "ky": ["«Мугалимдин санариптик сабаттуулугу» курсунун сертификаты",
               "Адистик боюнча олимпиада, 3-орун"],
        "en": ["Certificate: digital literacy for teachers", "Subject olympiad, 3rd place"],
    },
    "experience": {
        "ru": ["Педагогическая практика в школе № 12", "Летняя стажировка в IT-компании"],
        "ky": ["№ 12 мектептеги педагогикалык практика", "IT компаниясындагы жайкы стажировка"],
        "en": ["Teaching practice at school No. 12", "Summer internship at an IT company"],
    },
    "social": {
        "ru": ["Волонтёр на городском субботнике", "Праздник для воспитанников детского дома"],
        "ky": ["Шаардык ишембиликке ыктыярчы катары катыштым",
               "Балдар үйүнүн тарбиялануучуларына майрам уюштурдук"],
        "en": ["Volunteer at the city clean-up day", "A party for the children of an orphanage"],
    },
    "sports": {
        "ru": ["Турнир по волейболу между факультетами", "Городской забег на 10 км"],
        "ky": ["Факультеттер аралык волейбол мелдеши", "10 чакырымга шаардык жарыш"],
        "en": ["Inter-faculty volleyball tournament", "City 10 km run"],
    },
}  # fmt: skip
# Any other category: a neutral title.
OTHER_TITLE = {"ru": "Участие в мероприятии", "ky": "Иш-чарага катышуу", "en": "Taking part"}

ACHIEVEMENT_DESCRIPTIONS = {
    "ru": ["Моя роль — подготовка и выступление. Этот опыт помог мне увереннее держаться "
           "перед аудиторией.",
           "Работали в команде из трёх человек. Этот проект научил меня планировать время и "
           "доводить дело до конца."],
    "ky": ["Менин ролум — даярдануу жана чыгып сүйлөө. Бул тажрыйба угуучулардын алдында "
           "өзүмдү ишенимдүү сезүүгө жардам берди.",
           "Үч кишилик командада иштедик. Убакытты пландаштырууну жана ишти аягына чейин "
           "жеткирүүнү үйрөндүм."],
    "en": ["My part: preparation and presenting. It helped me feel more confident in front "
           "of an audience.",
           "We worked as a team of three. I learned to plan my time and finish what I start."],
}  # fmt: skip
ORGANISATIONS = {
    "ru": ["КГУ им. И. Арабаева", "Управление образования мэрии", "Студенческий совет", ""],
    "ky": ["И. Арабаев атындагы КМУ", "Шаардык билим берүү башкармалыгы", "Студенттик кеңеш",
           ""],
    "en": ["KSPU", "City education office", "Student council", ""],
}  # fmt: skip
ABOUT = {
    "ru": "Здесь я собираю свои достижения: учёбу, практику, конференции и волонтёрство.",
    "ky": "Бул жерде жетишкендиктеримди чогултам: окуу, практика, конференциялар жана ыктыярчылык.",
    "en": "I keep my achievements here.",
}
CERTIFICATE_LINE = {"ru": "Сертификат", "ky": "Сертификат", "en": "Certificate"}


def headline(program, language: str) -> str:
    if language == "ru":
        return f"Учусь по направлению «{program.name_ru or program.name_en}»"
    if language == "ky":
        return f"«{program.name_ky or program.name_en}» багытынын студенти"
    return f"{program.name_en} student"


# --- Journal (demo/journal.py) ---------------------------------------------------------
POST_TITLES = {
    "ru": ["Заметки с практики в школе", "Книга, которая изменила мой взгляд на преподавание",
           "Готовлюсь к олимпиаде", "Наши волонтёрские выходные"],
    "ky": ["Мектептеги практикадан жазгандарым",
           "Окутууга болгон көз карашымды өзгөрткөн китеп", "Олимпиадага даярданып жатам",
           "Ыктыярчылар менен өткөн дем алыш күндөрү"],
    "en": ["Notes from my practice at school", "A book that changed how I teach",
           "Preparing for the olympiad", "Our volunteering weekend"],
}  # fmt: skip
POST_BODY = {
    "ru": "Коротко о том, что получилось, что было трудно и чему это меня научило.",
    "ky": "Эмне ишке ашканы, эмнеси кыйын болгону жана андан эмнеге үйрөнгөнүм тууралуу "
    "бир нече сап.",
    "en": "A few lines about what I did and what I learned.",
}
POST_TAGS = {
    "ru": ["практика", "чтение", "олимпиада", "волонтёрство"],
    "ky": ["практика", "китеп окуу", "олимпиада", "ыктыярчылык"],
    "en": ["practice", "reading", "olympiad", "volunteering"],
}

# --- Supervisors' reviews and decisions (demo/feedback.py) ------------------------------
REVIEW_STRONG = {
    "ru": "{name}, сильное портфолио: подтверждения убедительны, а рефлексия честная. В "
    "следующем семестре добавьте проект, который покажет ваши лидерские качества.",
    "ky": "{name}, портфолиоңуз күчтүү: далилдер ынанымдуу, ой-пикириңиз чынчыл. Кийинки "
    "семестрде лидерлик сапатыңызды көрсөткөн бир долбоор кошуңуз.",
    "en": "{name}, a strong portfolio: the evidence is convincing and the reflection is "
    "honest. Next term, add one project that shows leadership.",
}
REVIEW_GOOD = {
    "ru": "Хороший прогресс. Приложите подтверждения к каждому достижению и напишите два-три "
    "предложения о том, чему вы научились.",
    "ky": "Жакшы өсүш бар. Ар бир жетишкендикке далил тиркеп, андан эмнеге үйрөнгөнүңүз "
    "тууралуу эки-үч сүйлөм жазыңыз.",
    "en": "Good progress. Attach evidence to every achievement and write two or three "
    "sentences on what you learned from each one.",
}
REVIEW_WEAK = {
    "ru": "Портфолио нужно доработать: несколько разделов пусты, у большинства достижений нет "
    "подтверждений. Давайте встретимся и составим план на этот месяц.",
    "ky": "Портфолиону толуктоо керек: бир нече бөлүм бош, көпчүлүк жетишкендиктин далили "
    "жок. Жолугуп, ушул айда эмнелерди кошууну чогуу пландайлы.",
    "en": "The portfolio needs work: several sections are empty and most items have no "
    "evidence. Let us meet to plan what to add this month.",
}
REVIEW_UPDATED = {
    "ru": ["Обновлено после нашей встречи."],
    "ky": ["Жолугушуудан кийин жаңыланды."],
    "en": ["Updated after our meeting."],
}
DECLINE_REASONS = {
    "ru": ["Фото сертификата слишком размыто: не читаются имя и дата.",
           "Приложите приказ или сертификат, а не только фотографию с мероприятия.",
           "Даты в описании и в сертификате не совпадают."],
    "ky": ["Сертификаттын сүрөтү бүдөмүк: аты-жөнү менен датасы окулбайт.",
           "Иш-чаранын сүрөтү эле эмес, буйрукту же сертификатты тиркеңиз.",
           "Сыпаттамадагы жана сертификаттагы даталар дал келбейт."],
    "en": ["The certificate photo is too blurry to read the name and the date.",
           "Please attach the order or the certificate, not only a photo of the event.",
           "The dates in the description and on the certificate differ."],
}  # fmt: skip

# --- Employers' feedback, in the student's language (demo/feedback.py) -------------------
EMPLOYER_COMMENTS = {
    "employer1": {
        "ru": ["Сильные проекты, код легко читать. Хотели бы подробнее обсудить их на "
               "собеседовании.",
               "Хорошая база. Добавьте ссылки на репозитории, чтобы мы увидели сам код.",
               "Интересная работа с данными, сертификаты убедительны."],
        "ky": ["Долбоорлоруңуз күчтүү, коду түшүнүктүү жазылган. Аларды аңгемелешүүдө "
               "кененирээк талкуулагыбыз келет.",
               "Негизги билимиңиз жакшы. Кодуңузду көрүшүбүз үчүн репозиторийлердин "
               "шилтемелерин кошуңуз.",
               "Маалыматтар менен кызыктуу иштегенсиз, сертификаттар ынанымдуу."],
        "en": ["Strong projects with code we could read. We would like to hear about the "
               "timetable planner in an interview.",
               "Good basics. Add links to your repositories so we can see the code itself.",
               "Interesting data work; the certificates are convincing."],
    },
    "employer2": {
        "ru": ["Отчёт о педагогической практике — именно то, что хочет видеть школа.",
               "Добавьте, пожалуйста, запись урока: она лучше всего покажет, как вы работаете "
               "в классе.",
               "Понятное портфолио. Мы ищем учителя с сентября."],
        "ky": ["Педагогикалык практика боюнча отчётуңуз мектеп көргүсү келген нерсенин дал "
               "өзү.",
               "Сабагыңыздын видеожазуусун кошуңузчу: класста кантип иштээриңизди ал эң жакшы "
               "көрсөтөт.",
               "Портфолиоңуз түшүнүктүү. Бизге сентябрдан тарта мугалим керек."],
        "en": ["Your teaching practice report is exactly what a school wants to see.",
               "Please add a recording of a lesson: it would show your classroom skills best.",
               "A clear portfolio. We are looking for a teacher from September."],
    },
}  # fmt: skip
