"""What the models learn from: a student's portfolio and activity as they stood on a day.

``snapshot(cutoff=…)`` reads, for every student (or the ones named) and with one statement
per source whatever their number, the figures below *as of the cutoff*, so the same code
builds the training rows of past terms (cutoff = the term's last day) and today's row of a
student the site recommends to:

* activity log (analytics): achievements and evidence added minus deleted, journal posts,
  sign-ins in the last 90 days;
* daily roll-up (analytics ``ActivityDay``): updates in the last 30 / 90 days and in the
  term so far, active weeks in the term, days since the last update; for training rows
  also the outcome "updated at all in the next 30 days";
* achievements (as of their creation, evidence and verification dates): items, items with
  evidence, files, verified items, items per section and sections filled;
* skills (their current number: skills carry no date) and the last released review score.

Outcomes for training come from ``next_term_scores`` (the review score of the next term).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import Role
from analytics.models import ActivityKind
from portfolios.models import Category

BASE_FEATURES = [
    "items", "items_with_evidence", "evidence_files", "verified_items", "sections_filled",
    "skills", "posts", "updates_30d", "updates_90d", "updates_term", "active_weeks_term",
    "logins_90d", "days_since_update", "last_score", "has_score", "completeness",
]  # fmt: skip
NEVER_UPDATED_DAYS = 400  # days_since_update of a student with no update at all


def section_feature(code: str) -> str:
    """Items in the section."""
    return f"section:{code}"


def section_evidence_feature(code: str) -> str:
    """Items with evidence in the section."""
    return f"evidence:{code}"


def feature_names(section_codes: list[str]) -> list[str]:
    return (
        BASE_FEATURES
        + [section_feature(code) for code in section_codes]
        + [section_evidence_feature(code) for code in section_codes]
    )


def completeness(
    *, profile_fields: int, has_skills: bool, filled: int, active: int, items: int, with_files: int
) -> float:
    """search/derived.py's completeness, from figures as of the cutoff: 10 points each for
    the headline, the about text, the photo and a skill; up to 45 for the sections filled,
    up to 15 for the share of items with evidence (a test holds the two equal today)."""
    total = 10 * profile_fields + 10 * int(has_skills)
    if active:
        total += (90 * filled + active) // (2 * active)
    if items:
        total += (30 * with_files + items) // (2 * items)
    return float(min(100, total))


def active_sections() -> list[tuple[int, str]]:
    return list(Category.objects.filter(is_active=True).order_by("pk").values_list("pk", "code"))


@dataclass
class Row:
    student_id: int
    program_id: int | None
    values: dict[str, float] = field(default_factory=dict)
    updated_next_30d: bool = False
    last_update: date | None = None
    last_post: datetime | None = None
    profile_fields: int = 0  # headline, about text, photo: how many are filled in
    listed_items: int = 0  # achievements in the table as of the cutoff (completeness counts them)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), timezone.get_current_timezone())


def _students_clause(column: str, student_ids) -> str:
    return "" if student_ids is None else f" AND {column} = ANY(%(ids)s)"


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The student with the figures that need one lookup each: skills (their current number:
# skills carry no date), journal posts written before the cutoff, the last released score.
STUDENTS_SQL = """
SELECT u.id, u.program_id, COALESCE(sk.n, 0), COALESCE(jp.n, 0), jp.last, sc.score,
       COALESCE((p.headline <> '')::int + (p.about <> '')::int + (p.photo <> '')::int, 0)
FROM accounts_user u
LEFT JOIN portfolios_portfolio p ON p.student_id = u.id
LEFT JOIN LATERAL (SELECT count(*) AS n FROM portfolios_portfolio_skills ps
                   WHERE ps.portfolio_id = p.id) sk ON true
LEFT JOIN LATERAL (SELECT count(*) AS n, max(j.created_at) AS last FROM journal_post j
                   WHERE j.portfolio_id = p.id AND j.created_at < %(cutoff)s) jp ON true
LEFT JOIN LATERAL (SELECT sta.score_sum / sta.review_count AS score
                   FROM analytics_studenttermactivity sta
                   JOIN feedback_term t ON t.id = sta.term_id
                   WHERE sta.student_id = u.id AND sta.review_count > 0
                     AND t.starts_on <= %(day)s
                   ORDER BY t.starts_on DESC LIMIT 1) sc ON true
LEFT JOIN accounts_cohort c ON c.id = u.cohort_id
WHERE u.role = %(role)s AND u.is_active
  AND (u.date_joined < %(cutoff)s OR make_date(c.entry_year, 9, 1) <= %(day)s){ids}{enrolled}
"""
# Training rows: only students still studying on the cutoff (a graduate's quiet is no news).
ENROLLED = """
  AND (c.id IS NULL OR make_date(COALESCE(c.graduation_year, c.entry_year + 4), 6, 30)
                       >= %(day)s)"""

EVENTS_SQL = """
SELECT student_id,
  count(*) FILTER (WHERE kind = %(item_new)s) - count(*) FILTER (WHERE kind = %(item_gone)s),
  count(*) FILTER (WHERE kind = %(file_new)s) - count(*) FILTER (WHERE kind = %(file_gone)s),
  count(*) FILTER (WHERE kind = %(post_new)s) - count(*) FILTER (WHERE kind = %(post_gone)s),
  count(*) FILTER (WHERE kind = %(login)s AND created_at >= %(cutoff)s - interval '90 days')
FROM analytics_activityevent
WHERE created_at < %(cutoff)s{ids}
GROUP BY student_id
"""

DAYS_SQL = """
WITH term AS (SELECT COALESCE(%(term_start)s::date,
                              (SELECT max(starts_on) FROM feedback_term WHERE starts_on <= %(day)s),
                              %(day)s::date - 120) AS starts_on)
SELECT student_id,
  COALESCE(sum(updates) FILTER (WHERE day > %(day)s - 30 AND day <= %(day)s), 0),
  COALESCE(sum(updates) FILTER (WHERE day > %(day)s - 90 AND day <= %(day)s), 0),
  COALESCE(sum(updates) FILTER (WHERE day >= term.starts_on AND day <= %(day)s), 0),
  count(DISTINCT date_trunc('week', day)) FILTER (WHERE day >= term.starts_on AND day <= %(day)s),
  max(day) FILTER (WHERE day <= %(day)s),
  bool_or(day > %(day)s)
FROM analytics_activityday CROSS JOIN term
WHERE updates > 0 AND day <= %(day)s + 30{ids}
GROUP BY student_id
"""

ITEMS_SQL = """
SELECT p.student_id, a.category_id, count(*),
  count(*) FILTER (WHERE e.files > 0), COALESCE(sum(e.files), 0),
  count(*) FILTER (WHERE a.verification_status = 'verified' AND a.verified_at < %(cutoff)s)
FROM achievements_achievement a
JOIN portfolios_portfolio p ON p.id = a.portfolio_id
LEFT JOIN LATERAL (SELECT count(*) AS files FROM achievements_evidence ev
                   WHERE ev.achievement_id = a.id AND ev.created_at < %(cutoff)s) e ON true
WHERE a.created_at < %(cutoff)s{ids}
GROUP BY 1, 2
"""


def snapshot(
    *,
    cutoff: date,
    term_start: date | None = None,
    student_ids: list[int] | None = None,
    sections: list[tuple[int, str]] | None = None,
    enrolled_only: bool = False,
) -> dict[int, Row]:
    """Each student's features at the end of ``cutoff`` (a day); ``term_start`` opens the
    term whose updates and active weeks count (default: the latest term begun by then).
    Four statements, whatever the number of students. A student counts from joining (or
    their cohort's first September); ``enrolled_only`` leaves out those graduated by then."""
    sections = active_sections() if sections is None else sections
    code_of = dict(sections)
    params = {
        "cutoff": end_of_day(cutoff), "day": cutoff, "term_start": term_start,
        "ids": list(student_ids or []), "role": Role.STUDENT,
        "item_new": ActivityKind.ACHIEVEMENT_CREATED, "item_gone": ActivityKind.ACHIEVEMENT_DELETED,
        "file_new": ActivityKind.EVIDENCE_ADDED, "file_gone": ActivityKind.EVIDENCE_DELETED,
        "post_new": ActivityKind.POST_CREATED, "post_gone": ActivityKind.POST_DELETED,
        "login": ActivityKind.LOGIN,
    }  # fmt: skip
    names = feature_names([code for _pk, code in sections])
    rows: dict[int, Row] = {}
    for student_id, program_id, skills, posts, last_post, score, profile in _fetch(
        STUDENTS_SQL.format(
            ids=_students_clause("u.id", student_ids), enrolled=ENROLLED if enrolled_only else ""
        ),
        params,
    ):
        values = dict.fromkeys(names, 0.0)
        values["days_since_update"] = float(NEVER_UPDATED_DAYS)
        values["skills"], values["posts"] = float(skills), float(posts)
        # No released score yet: 0 with has_score 0 (no missing values for the models).
        values["last_score"] = 0.0 if score is None else float(score)
        values["has_score"] = 0.0 if score is None else 1.0
        rows[student_id] = Row(
            student_id, program_id, values, last_post=last_post, profile_fields=profile
        )
    if not rows:
        return rows
    for sid, items, files, posts, logins in _fetch(
        EVENTS_SQL.format(ids=_students_clause("student_id", student_ids)), params
    ):
        if (row := rows.get(sid)) is not None:
            row.values["items"] = max(0, items)
            row.values["evidence_files"] = max(0, files)
            row.values["posts"] = max(row.values["posts"], posts)
            row.values["logins_90d"] = logins
    for sid, u30, u90, term, weeks, last_day, later in _fetch(
        DAYS_SQL.format(ids=_students_clause("student_id", student_ids)), params
    ):
        if (row := rows.get(sid)) is not None:
            v = row.values
            v["updates_30d"], v["updates_90d"], v["updates_term"] = u30, u90, term
            v["active_weeks_term"] = weeks
            if last_day is not None:
                row.last_update = last_day
                v["days_since_update"] = float(min(NEVER_UPDATED_DAYS, (cutoff - last_day).days))
            row.updated_next_30d = bool(later)
    table_items: dict[int, list[int]] = {}
    for sid, category_id, items, with_files, files, verified in _fetch(
        ITEMS_SQL.format(ids=_students_clause("p.student_id", student_ids)), params
    ):
        if (row := rows.get(sid)) is None:
            continue
        totals = table_items.setdefault(sid, [0, 0, 0, 0])
        for i, figure in enumerate((items, with_files, files, verified)):
            totals[i] += figure
        if category_id in code_of:
            row.values[section_feature(code_of[category_id])] = items
            row.values[section_evidence_feature(code_of[category_id])] = with_files
            row.values["sections_filled"] += 1
    for sid, (items, with_files, files, verified) in table_items.items():
        v = rows[sid].values
        # The log may predate the tables or miss imported rows: the larger figure holds.
        v["items"] = max(v["items"], items)
        v["items_with_evidence"] = with_files
        v["evidence_files"] = max(v["evidence_files"], files)
        v["verified_items"] = verified
    for sid, row in rows.items():
        row.listed_items = table_items.get(sid, [0])[0]
        row.values["completeness"] = row_completeness(row, active=len(sections))
    return rows


def row_completeness(
    row: Row,
    *,
    active: int,
    profile: int = 0,
    skill: int = 0,
    filled: int = 0,
    items: int = 0,
    with_files: int = 0,
) -> float:
    """The row's completeness, or what it would be with the given additions."""
    return completeness(
        profile_fields=row.profile_fields + profile,
        has_skills=row.values["skills"] + skill > 0,
        filled=int(row.values["sections_filled"]) + filled, active=active,
        items=row.listed_items + items,
        with_files=int(row.values["items_with_evidence"]) + with_files,
    )  # fmt: skip


def next_term_scores(term_id: int) -> dict[int, float]:
    """Each student's released review score in a term (the outcome of the term before)."""
    return {
        sid: float(score)
        for sid, score in _fetch(
            "SELECT student_id, score_sum / review_count FROM analytics_studenttermactivity "
            "WHERE term_id = %(term)s AND review_count > 0",
            {"term": term_id},
        )
    }
