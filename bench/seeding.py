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

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from PIL import Image, ImageDraw

from accounts import demo
from accounts.models import Role, User
from accounts.services import supervisor_assign, user_create
from achievements.models import Achievement
from achievements.services import achievement_create
from achievements.uploads import PreparedFile, prepare_upload
from feedback.services.verification import verification_decide, verification_request
from portfolios.models import Category, Portfolio, Visibility
from portfolios.services import portfolio_update

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


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with these lines of (ASCII) text."""
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


def portfolio_items(portfolio: Portfolio, achievements: int, files: int, *,
                    image: bytes | None = None, mix: bool = False) -> list[Achievement]:  # fmt: skip
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
