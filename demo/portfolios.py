"""Demo portfolios: student1 has a full one (every section, every visibility, real evidence
files made here by code); the other students range from empty to rich. Idempotent: a
portfolio that already has achievements is left as it is."""

from __future__ import annotations

import io
import math
import random
import struct
import wave
import zipfile
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from achievements.models import Achievement, Level
from achievements.services import achievement_create, evidence_add_link
from core.files.uploads import prepare_upload
from demo import texts
from portfolios.models import Category, Visibility
from portfolios.services import portfolio_get_or_create, portfolio_update, share_link_create

PALETTE = ["#1d3b6f", "#0b6e4f", "#8a3b12", "#5b2a86", "#a4161a", "#22577a"]


def make_image(title: str, subtitle: str, *, seed: int, size=(1200, 850)) -> bytes:
    """A certificate-like picture with a border, a title and a seal."""
    rng = random.Random(seed)
    colour = rng.choice(PALETTE)
    image = Image.new("RGB", size, "#fbf8f1")
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle([20, 20, w - 20, h - 20], outline=colour, width=14)
    draw.rectangle([48, 48, w - 48, h - 48], outline=colour, width=3)
    draw.text((w // 2, h // 3), title.upper(), fill=colour, anchor="mm", font_size=64)
    draw.text((w // 2, h // 2), subtitle, fill="#333333", anchor="mm", font_size=36)
    draw.ellipse([w - 260, h - 260, w - 100, h - 100], fill=colour)
    draw.text((w - 180, h - 180), "★", fill="#fbf8f1", anchor="mm", font_size=72)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def make_photo(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (600, 600), rng.choice(PALETTE))
    draw = ImageDraw.Draw(image)
    draw.ellipse([180, 110, 420, 350], fill="#f1d3b3")
    draw.ellipse([100, 360, 500, 760], fill="#f1d3b3")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the given lines of (ASCII) text."""
    text = (
        "BT /F1 14 Tf 72 760 Td 18 TL "
        + " ".join(f"({line.replace('(', '[').replace(')', ']')}) '" for line in lines)
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("latin-1") + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()


def make_wav(seconds: float = 2.0, frequency: float = 440.0) -> bytes:
    rate = 16000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * i / rate)))
            for i in range(int(rate * seconds))
        )
        audio.writeframes(frames)
    return buffer.getvalue()


def make_docx(paragraph: str) -> bytes:
    """A minimal Word document (Office Open XML)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicat'
            'ion/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Cont'
            'entType="application/xml"/><Override PartName="/word/document.xml" ContentType="'
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
            '"/></Types>',
        )
        docx.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openx'
            'mlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://s'
            'chemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Targ'
            'et="word/document.xml"/></Relationships>',
        )
        docx.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxm'
            'lformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{paragraph}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def _upload(name: str, content: bytes):
    return prepare_upload(SimpleUploadedFile(name, content))


V = Visibility
# section, title, organisation, level, result, grade, visibility, featured, months ago, files
STUDENT1_ITEMS = [
    (
        "academic",
        "Transcript, first year",
        "KSPU",
        "university",
        "GPA 4.6 / 5",
        "4.6",
        V.SUPERVISORS,
        False,
        14,
        ["pdf"],
    ),  # noqa: E501
    (
        "academic",
        "Coursework: a timetable planner in Python",
        "Department of Informatics",
        "faculty",
        "Excellent",
        "5",
        V.PUBLIC,
        True,
        8,
        ["pdf", "image"],
    ),  # noqa: E501
    (
        "academic",
        "Database design course project",
        "Department of Informatics",
        "faculty",
        "",
        "A",
        V.SIGNED_IN,
        False,
        4,
        ["docx"],
    ),  # noqa: E501
    (
        "academic",
        "Research seminar on learning analytics",
        "KSPU",
        "university",
        "participant",
        "",
        V.PRIVATE,
        False,
        2,
        [],
    ),  # noqa: E501
    (
        "research",
        "Student portfolios and learning outcomes",
        "Learning Analytics Lab",
        "university",
        "co-author",
        "",
        V.PUBLIC,
        True,
        6,
        ["pdf"],
    ),  # noqa: E501
    (
        "research",
        "Survey of Kyrgyz-language educational apps",
        "KSPU",
        "faculty",
        "team lead",
        "",
        V.SIGNED_IN,
        False,
        10,
        ["docx"],
    ),  # noqa: E501
    (
        "research",
        "Data for the dormitory energy study",
        "Green Campus club",
        "university",
        "",
        "",
        V.SUPERVISORS,
        False,
        12,
        [],
    ),  # noqa: E501
    (
        "conferences",
        "Young Scientists of Kyrgyzstan",
        "National Academy of Sciences",
        "national",
        "speaker",
        "",
        V.PUBLIC,
        True,
        5,
        ["image", "audio"],
    ),  # noqa: E501
    (
        "conferences",
        "EdTech Central Asia forum",
        "EdTech CA",
        "international",
        "participant",
        "",
        V.SIGNED_IN,
        False,
        3,
        ["image"],
    ),  # noqa: E501
    (
        "presentations",
        "How web portfolios help teachers",
        "Pedagogy week",
        "faculty",
        "talk",
        "",
        V.PUBLIC,
        False,
        7,
        ["pdf", "link"],
    ),  # noqa: E501
    (
        "presentations",
        "Report: open data in Bishkek schools",
        "City education office",
        "city",
        "report",
        "",
        V.SUPERVISORS,
        False,
        9,
        ["pdf"],
    ),  # noqa: E501
    (
        "presentations",
        "Draft slides for the thesis defence",
        "KSPU",
        "university",
        "",
        "",
        V.PRIVATE,
        False,
        1,
        ["docx"],
    ),  # noqa: E501
    (
        "certificates",
        "Olympiad in programming, 2nd place",
        "Ministry of Education",
        "national",
        "2nd place",
        "",
        V.PUBLIC,
        True,
        11,
        ["image"],
    ),  # noqa: E501
    (
        "certificates",
        "Cisco IT Essentials certificate",
        "Cisco Networking Academy",
        "international",
        "passed",
        "",
        V.PUBLIC,
        False,
        13,
        ["image", "pdf"],
    ),  # noqa: E501
    (
        "certificates",
        "English B2 certificate",
        "British Council",
        "international",
        "B2",
        "",
        V.SIGNED_IN,
        False,
        15,
        ["image"],
    ),  # noqa: E501
    (
        "experience",
        "Teaching practice: informatics at school No. 5",
        "School-gymnasium No. 5",
        "city",
        "student teacher",
        "",
        V.PUBLIC,
        False,
        4,
        ["pdf", "image"],
    ),  # noqa: E501
    (
        "experience",
        "Summer internship: QA engineer",
        "Ala-Too Soft",
        "city",
        "intern",
        "",
        V.SIGNED_IN,
        False,
        16,
        ["pdf"],
    ),  # noqa: E501
    ("experience", "Part-time tutor", "", "", "tutor", "", V.PRIVATE, False, 20, []),
    (
        "social",
        "Volunteer: computer literacy for seniors",
        "Bishkek city library",
        "city",
        "organiser",
        "",
        V.PUBLIC,
        False,
        9,
        ["image"],
    ),  # noqa: E501
    (
        "social",
        "Student council, IT committee",
        "KSPU student council",
        "university",
        "member",
        "",
        V.SUPERVISORS,
        False,
        18,
        [],
    ),  # noqa: E501
    (
        "sports",
        "University volleyball cup",
        "KSPU sports club",
        "university",
        "1st place",
        "",
        V.PUBLIC,
        False,
        10,
        ["image"],
    ),  # noqa: E501
    (
        "sports",
        "Chess tournament",
        "City chess federation",
        "city",
        "3rd place",
        "",
        V.SIGNED_IN,
        False,
        22,
        [],
    ),  # noqa: E501
]

DESCRIPTION = (
    "What I did: **{title}**.\n\n"
    "- my part: planning, the work itself and presenting the result\n"
    "- what I learned: to finish on time and explain my choices\n\n"
    "More on [the organiser's site](https://example.org)."
)


def _files_for(kind_list, title: str, seed: int):
    files = []
    for position, kind in enumerate(kind_list):
        if kind == "image":
            files.append(_upload(f"{title[:30]}.jpg", make_image(title[:28], "KSPU 2026",
                                                               seed=seed + position)))  # fmt: skip
        elif kind == "pdf":
            files.append(_upload(f"{title[:30]}.pdf", make_pdf([title, "Demo evidence file."])))
        elif kind == "docx":
            files.append(_upload(f"{title[:30]}.docx", make_docx(title)))
        elif kind == "audio":
            files.append(_upload("talk-recording.wav", make_wav(1.5, 330 + seed % 200)))
    return files


def seed_student1(student: User) -> int:
    portfolio = portfolio_get_or_create(student=student)
    if Achievement.objects.filter(portfolio=portfolio).exists():
        return 0
    categories = {c.code: c for c in Category.objects.all()}
    portfolio_update(
        portfolio=portfolio,
        skills=[
            "Python",
            "Django",
            "SQL",
            "Teaching",
            "Public speaking",
            "Kyrgyz",
            "Russian",
            "English",
        ],  # fmt: skip
        photo=_upload("me.png", make_photo(1)),
        headline="Future informatics teacher who builds tools for schools",
        about=(
            "I study **Programming** at the pedagogical university and teach informatics "
            "during my practice.\n\nI like making small web tools that save teachers time."
        ),
        interests="Learning analytics, open data, volleyball, chess",
        visibility=Visibility.PUBLIC,
        default_visibility=Visibility.SIGNED_IN,
        open_to_work=True,
        show_email=True,
        github="https://github.com/example",
        telegram="student_one_demo",
    )
    today = date.today()
    for seed, row in enumerate(STUDENT1_ITEMS):
        code, title, org, level, result, grade, visibility, featured, months, kinds = row
        start = today - timedelta(days=30 * months)
        achievement = achievement_create(
            portfolio=portfolio,
            category=categories[code],
            title=title,
            description=DESCRIPTION.format(title=title),
            start_date=start,
            end_date=start + timedelta(days=30) if code == "experience" else None,
            organisation=org,
            level=level,
            result=result,
            grade=grade,
            visibility=visibility,
            featured=featured,
            skills=["Python"] if code in ("academic", "research") else [],
            files=_files_for([k for k in kinds if k != "link"], title, seed),
        )
        if "link" in kinds:
            evidence_add_link(achievement=achievement, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                              caption="Recording of the talk")  # fmt: skip
    # A secret link, as for an application: it shows items and journal posts for signed-in
    # users to whoever holds it, without an account.
    share_link_create(
        portfolio=portfolio,
        label="Application: informatics teacher, School No. 5",
        expires_at=timezone.now() + timedelta(days=60),
    )
    return len(STUDENT1_ITEMS)


def seed_others(students, *, seed_value: int = 7) -> int:
    """From empty to rich: what a real faculty looks like."""
    rng = random.Random(seed_value)
    categories = list(Category.objects.filter(is_active=True))
    created = 0
    levels = [choice for choice, _label in Level.choices]
    for student in students:
        portfolio = portfolio_get_or_create(student=student)
        if Achievement.objects.filter(portfolio=portfolio).exists():
            continue
        size = rng.choice([0, 0, 1, 2, 3, 4, 6, 9])
        if size == 0:
            continue
        language = texts.writing_language(student)
        portfolio_update(
            portfolio=portfolio,
            skills=rng.sample(
                [
                    "Python",
                    "Teaching",
                    "Figma",
                    "Excel",
                    "Research",
                    "Design",
                    "Public speaking",
                    "English",
                    "Psychology",
                ],
                k=3,
            ),  # fmt: skip
            headline=texts.headline(student.program, language) if size > 2 else "",
            about=texts.ABOUT[language] if size > 3 else "",
            visibility=rng.choice([V.SUPERVISORS, V.SIGNED_IN, V.PUBLIC, V.PUBLIC]),
            open_to_work=rng.random() < 0.4,
        )
        for number in range(size):
            category = rng.choice(categories)
            with_file = rng.random() < 0.6
            titles = texts.ACHIEVEMENT_TITLES.get(category.code)
            title = (
                texts.pick(titles, language, student.pk + number)
                if titles
                else texts.OTHER_TITLE[language]
            )
            achievement_create(
                portfolio=portfolio,
                category=category,
                title=title,
                description=texts.pick(texts.ACHIEVEMENT_DESCRIPTIONS, language, number),
                start_date=date.today() - timedelta(days=rng.randint(10, 900)),
                organisation=rng.choice(texts.ORGANISATIONS[language]),
                level=rng.choice(levels),
                visibility=rng.choice(list(V)),
                files=[_upload("certificate.jpg", make_image(category.name_en, "KSPU 2026",
                                                             seed=student.pk + number,
                                                             size=(800, 560)))]
                if with_file else [],
            )  # fmt: skip
            created += 1
    return created


def seed(*, student1: User | None, others) -> int:
    created = seed_student1(student1) if student1 is not None else 0
    return created + seed_others(others)


# (username, how many portfolios they follow): only pages each may open, and among those
# the ones with the most recent updates, so each dashboard feed has something to show.
DEMO_FOLLOWS = [("student1", 3), ("employer1", 4), ("supervisor1", 2)]


def seed_following() -> int:
    """student1 follows three classmates (their program first), employer1 four portfolios,
    supervisor1 two of their students. Idempotent: someone who follows anything already is
    left as they are."""
    from django.db.models import Exists, F, OuterRef, Q

    from accounts.models import SupervisorAssignment
    from portfolios.access import Audience, audiences_for
    from portfolios.following import FEED_FLOOR, follow_add
    from portfolios.models import Follow, Portfolio

    created = 0
    for username, count in DEMO_FOLLOWS:
        user = User.objects.filter(username=username).first()
        if user is None or Follow.objects.filter(follower=user).exists():
            continue
        candidates = Portfolio.objects.filter(student__is_active=True).exclude(student=user)
        recent = F("content_updated_at").desc(nulls_last=True)
        if user.role == "student":  # classmates: the same program first, then the faculty
            candidates = candidates.annotate(
                same_program=Q(student__program_id=user.program_id),
                same_faculty=Q(student__program__faculty_id=user.program.faculty_id),
            ).order_by("-same_program", "-same_faculty", recent, "pk")
        elif user.role == "supervisor":  # their own students first
            candidates = candidates.annotate(
                advised=Exists(
                    SupervisorAssignment.objects.filter(
                        supervisor=user, student=OuterRef("student")
                    )
                )
            ).order_by("-advised", recent, "pk")
        else:
            candidates = candidates.order_by(recent, "pk")
        candidates = list(candidates.select_related("student")[:200])
        audiences = audiences_for(user, candidates)
        visible = [
            p
            for p in candidates
            if Audience(level=max(audiences[p.pk].level, FEED_FLOOR)).may_open(p)
        ]
        for portfolio in visible[:count]:
            follow_add(follower=user, portfolio=portfolio)
            created += 1
    return created
