"""The institution's own figures that the cards quote as reasons ("achievements with a
file are verified 3× more often in your program"): per program, computed with four
statements and kept an hour in the cache; the skills of similar students, per portfolio
content version."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.utils import translation

from accounts.models import Program, Role

CACHE_SECONDS = 3600
HIGH_SCORE = 80  # "students who scored 80+"
MIN_GROUP = 5  # fewer students than this: quote the whole program instead


@dataclass
class ProgramFigures:
    names: dict[str, str] = field(default_factory=dict)  # language → the program's name
    students: int = 0
    updated_30d: int = 0
    high_scorers: int = 0
    files_items: int = 0
    files_verified: int = 0
    bare_items: int = 0
    bare_verified: int = 0
    journal_keepers: int = 0
    # per section id: (students with an item, high scorers with an item)
    sections: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        language = (translation.get_language() or "en").split("-")[0]
        return self.names.get(language) or self.names.get("en", "")

    def share(self, part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    @property
    def verified_with_file(self) -> float:
        return self.files_verified / self.files_items if self.files_items else 0.0

    @property
    def verified_without_file(self) -> float:
        return self.bare_verified / self.bare_items if self.bare_items else 0.0

    @property
    def file_ratio(self) -> float | None:
        """How many times more often an item with a file is verified, when both are known."""
        if self.verified_without_file > 0 and self.files_items >= MIN_GROUP:
            return self.verified_with_file / self.verified_without_file
        return None

    def section_share(self, section_id: int) -> tuple[int, bool]:
        """(share of students with an item in the section, whether among high scorers)."""
        with_item, high_with_item = self.sections.get(section_id, (0, 0))
        if self.high_scorers >= MIN_GROUP:
            return self.share(high_with_item, self.high_scorers), True
        return self.share(with_item, self.students), False


PROGRAM_SQL = """
SELECT count(*), count(*) FILTER (WHERE updates_30d > 0),
       count(*) FILTER (WHERE review_count > 0 AND score_sum / review_count >= %(high)s)
FROM analytics_studentactivity WHERE program_id = %(program)s AND is_active
"""

ITEMS_SQL = """
SELECT count(*) FILTER (WHERE has_file), count(*) FILTER (WHERE has_file AND verified),
       count(*) FILTER (WHERE NOT has_file), count(*) FILTER (WHERE NOT has_file AND verified)
FROM (SELECT EXISTS (SELECT 1 FROM achievements_evidence e WHERE e.achievement_id = a.id)
               AS has_file,
             a.verification_status = 'verified' AS verified
      FROM achievements_achievement a
      JOIN portfolios_portfolio p ON p.id = a.portfolio_id
      JOIN accounts_user u ON u.id = p.student_id
      WHERE u.program_id = %(program)s AND u.role = %(role)s) AS items
"""

SECTIONS_SQL = """
SELECT a.category_id, count(DISTINCT u.id),
       count(DISTINCT u.id) FILTER (WHERE sa.review_count > 0
                                      AND sa.score_sum / sa.review_count >= %(high)s)
FROM achievements_achievement a
JOIN portfolios_portfolio p ON p.id = a.portfolio_id
JOIN accounts_user u ON u.id = p.student_id
LEFT JOIN analytics_studentactivity sa ON sa.student_id = u.id
WHERE u.program_id = %(program)s AND u.role = %(role)s
GROUP BY a.category_id
"""

JOURNAL_SQL = """
SELECT count(DISTINCT p.student_id) FROM journal_post jp
JOIN portfolios_portfolio p ON p.id = jp.portfolio_id
JOIN accounts_user u ON u.id = p.student_id
WHERE u.program_id = %(program)s AND u.role = %(role)s
"""


def program_figures(program_id: int | None) -> ProgramFigures:
    if program_id is None:
        return ProgramFigures()
    key = f"recommendations:program:{program_id}"
    figures = cache.get(key)
    if figures is None:
        figures = compute_program_figures(program_id)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def compute_program_figures(program_id: int) -> ProgramFigures:
    params = {"program": program_id, "high": HIGH_SCORE, "role": Role.STUDENT}
    with connection.cursor() as cursor:
        cursor.execute(PROGRAM_SQL, params)
        students, updated, high = cursor.fetchone()
        cursor.execute(ITEMS_SQL, params)
        files_items, files_verified, bare_items, bare_verified = cursor.fetchone()
        cursor.execute(SECTIONS_SQL, params)
        sections = {cid: (n, high_n) for cid, n, high_n in cursor.fetchall()}
        cursor.execute(JOURNAL_SQL, params)
        (keepers,) = cursor.fetchone()
    program = Program.objects.filter(pk=program_id).values("name_en", "name_ru", "name_ky").first()
    names = {k.removeprefix("name_"): v for k, v in (program or {}).items() if v}
    return ProgramFigures(
        names=names, students=students, updated_30d=updated, high_scorers=high,
        files_items=files_items, files_verified=files_verified, bare_items=bare_items,
        bare_verified=bare_verified, journal_keepers=keepers, sections=sections,
    )  # fmt: skip


# Skills listed by students of the same program who share at least one skill with the
# student (or, for a student with none yet, the program's most listed ones).
SIMILAR_SKILLS_SQL = """
WITH mine AS (SELECT skill_id FROM portfolios_portfolio_skills
              WHERE portfolio_id = %(portfolio)s),
peers AS (
  SELECT DISTINCT ps.portfolio_id FROM portfolios_portfolio_skills ps
  JOIN portfolios_portfolio p ON p.id = ps.portfolio_id
  JOIN accounts_user u ON u.id = p.student_id
  WHERE ps.skill_id IN (SELECT skill_id FROM mine) AND ps.portfolio_id <> %(portfolio)s
    AND u.program_id = %(program)s
)
SELECT s.id, s.name, count(*), (SELECT count(*) FROM peers)
FROM peers JOIN portfolios_portfolio_skills ps ON ps.portfolio_id = peers.portfolio_id
JOIN portfolios_skill s ON s.id = ps.skill_id
WHERE ps.skill_id NOT IN (SELECT skill_id FROM mine)
GROUP BY s.id, s.name ORDER BY count(*) DESC, s.name LIMIT %(limit)s
"""

POPULAR_SKILLS_SQL = """
WITH peers AS (
  SELECT p.id AS portfolio_id FROM portfolios_portfolio p
  JOIN accounts_user u ON u.id = p.student_id
  WHERE u.program_id = %(program)s AND p.id <> %(portfolio)s
    AND EXISTS (SELECT 1 FROM portfolios_portfolio_skills x WHERE x.portfolio_id = p.id)
)
SELECT s.id, s.name, count(*), (SELECT count(*) FROM peers)
FROM peers JOIN portfolios_portfolio_skills ps ON ps.portfolio_id = peers.portfolio_id
JOIN portfolios_skill s ON s.id = ps.skill_id
GROUP BY s.id, s.name ORDER BY count(*) DESC, s.name LIMIT %(limit)s
"""


def similar_skills(
    *,
    portfolio_id: int,
    content_version: int,
    program_id: int | None,
    has_skills: bool,
    limit: int = 3,
) -> list[tuple[int, str, int, int]]:
    """(skill id, name, peers listing it, peers) for skills the student does not list."""
    if program_id is None:
        return []
    key = f"recommendations:skills:{portfolio_id}:{content_version}"
    found = cache.get(key)
    if found is None:
        params = {"portfolio": portfolio_id, "program": program_id, "limit": limit}
        with connection.cursor() as cursor:
            cursor.execute(SIMILAR_SKILLS_SQL if has_skills else POPULAR_SKILLS_SQL, params)
            found = [row for row in cursor.fetchall() if row[2] >= 2]
        cache.set(key, found, CACHE_SECONDS)
    return found
