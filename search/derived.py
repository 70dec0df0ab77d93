"""Figures kept on each portfolio so lists and search never recompute them per row.

Every write that changes a portfolio, its items, their evidence, skills or posts ends with one
``portfolio_content_changed`` (portfolios/content.py), and search/receivers.py calls
``portfolio_refresh`` for the portfolios it names: once per write, however many rows the
write saved. It runs two SQL statements, whatever the portfolios' size:

* ``completeness`` and ``content_updated_at`` on the portfolio — the same figure as
  ``selectors.completeness`` computes from a loaded page (a test holds them equal) — and
  its ``evidence_count`` and ``verified_count`` (analytics reads them);
* the ``SearchDocument`` employers' search matches: names, headline, interests, skills,
  the titles, organisations, results and descriptions of items a signed-in user may see,
  and the titles, tags and text of the newest journal posts a signed-in user may read
  (published, their date come), as English, Russian (stemmed) and simple (Kyrgyz, names)
  text. Long texts are taken as shown (the sanitised HTML's text), not as typed. A
  scheduled post enters it when its date comes (``manage.py publish_due_posts``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from portfolios.models import Visibility
from search.signals import portfolio_figures_refreshed

LISTED_LEVEL = int(Visibility.SIGNED_IN)

COMPLETENESS_SQL = """
UPDATE portfolios_portfolio AS p SET
  completeness = LEAST(100,
      10 * (p.headline <> '')::int + 10 * (p.about <> '')::int + 10 * (p.photo <> '')::int
    + 10 * (EXISTS (SELECT 1 FROM portfolios_portfolio_skills ps
                    WHERE ps.portfolio_id = p.id))::int
    + COALESCE((90 * s.filled + s.active) / NULLIF(2 * s.active, 0), 0)
    + COALESCE((30 * i.with_evidence + i.items) / NULLIF(2 * i.items, 0), 0)),
  content_updated_at = CASE WHEN %(touch)s THEN now() ELSE p.content_updated_at END,
  evidence_count = i.evidence, verified_count = i.verified
FROM
  (SELECT p2.id AS portfolio_id,
          (SELECT count(*) FROM portfolios_category c WHERE c.is_active) AS active,
          (SELECT count(DISTINCT a.category_id) FROM achievements_achievement a
             JOIN portfolios_category c ON c.id = a.category_id AND c.is_active
            WHERE a.portfolio_id = p2.id) AS filled
     FROM portfolios_portfolio p2 WHERE p2.id = ANY(%(ids)s)) AS s,
  (SELECT p3.id AS portfolio_id,
          (SELECT count(*) FROM achievements_achievement a WHERE a.portfolio_id = p3.id)
            AS items,
          (SELECT count(*) FROM achievements_achievement a
            WHERE a.portfolio_id = p3.id
              AND EXISTS (SELECT 1 FROM achievements_evidence e
                          WHERE e.achievement_id = a.id)) AS with_evidence,
          (SELECT count(*) FROM achievements_evidence e
             JOIN achievements_achievement a ON a.id = e.achievement_id
            WHERE a.portfolio_id = p3.id) AS evidence,
          (SELECT count(*) FROM achievements_achievement a
            WHERE a.portfolio_id = p3.id AND a.verification_status = 'verified') AS verified
     FROM portfolios_portfolio p3 WHERE p3.id = ANY(%(ids)s)) AS i
WHERE p.id = s.portfolio_id AND p.id = i.portfolio_id
"""

# Weights: A names, headline and skills; B item titles, organisations, results and skills;
# C the about text, item descriptions and journal posts: the newest POSTS_INDEXED, each cut
# at POST_CHARS_INDEXED characters. Ranking reads the whole document of every match, so
# the posts' share is kept small (bench/journal_search.py: with 20 posts of 2,500
# characters whole, documents were 20 KB and a common word's search p95 286 ms on 5,000
# portfolios; with these limits 8 KB and about 130 ms).
POSTS_INDEXED = 10
POST_CHARS_INDEXED = 1000
SEARCH_SQL = """
INSERT INTO portfolios_searchdocument
  (portfolio_id, is_listed, document, words, skill_keys, verified_count, updated_at)
SELECT p.id,
  (p.visibility >= %(level)s AND p.open_to_work AND u.is_active),
  setweight(to_tsvector('english', a.text), 'A') || setweight(to_tsvector('russian', a.text), 'A')
    || setweight(to_tsvector('simple', a.text), 'A')
    || setweight(to_tsvector('english', b.text), 'B')
    || setweight(to_tsvector('russian', b.text), 'B')
    || setweight(to_tsvector('simple', b.text), 'B')
    || setweight(to_tsvector('english', c.text), 'C')
    || setweight(to_tsvector('russian', c.text), 'C')
    || setweight(to_tsvector('simple', c.text), 'C'),
  COALESCE((SELECT string_agg(DISTINCT w, ' ' ORDER BY w)
              FROM regexp_split_to_table(lower(a.text || ' ' || b.text), '[^[:alnum:]]+') AS w
             WHERE length(w) > 1), ''),
  COALESCE(ARRAY(
    SELECT s.key FROM portfolios_portfolio_skills ps
      JOIN portfolios_skill s ON s.id = ps.skill_id WHERE ps.portfolio_id = p.id
    UNION
    SELECT s.key FROM achievements_achievement_skills x
      JOIN achievements_achievement ach ON ach.id = x.achievement_id
      JOIN portfolios_skill s ON s.id = x.skill_id
     WHERE ach.portfolio_id = p.id AND ach.visibility >= %(level)s
  ), '{}'),
  b.verified_count,
  now()
FROM portfolios_portfolio p
JOIN accounts_user u ON u.id = p.student_id
CROSS JOIN LATERAL (
  SELECT concat_ws(' ', u.first_name, u.last_name, p.headline, p.interests,
    (SELECT string_agg(s.name, ' ') FROM portfolios_portfolio_skills ps
       JOIN portfolios_skill s ON s.id = ps.skill_id WHERE ps.portfolio_id = p.id)) AS text
) AS a
CROSS JOIN LATERAL (
  SELECT COALESCE(string_agg(concat_ws(' ', ach.title, ach.organisation, ach.result,
           (SELECT string_agg(s.name, ' ') FROM achievements_achievement_skills x
              JOIN portfolios_skill s ON s.id = x.skill_id WHERE x.achievement_id = ach.id)),
           ' '), '') AS text,
         COALESCE(string_agg(ach.description_html, ' '), '') AS descriptions,
         count(*) FILTER (WHERE ach.verification_status = 'verified') AS verified_count
    FROM achievements_achievement ach
   WHERE ach.portfolio_id = p.id AND ach.visibility >= %(level)s
) AS b
-- clock_timestamp(), not now(): a post published by this very transaction counts.
CROSS JOIN LATERAL (
  SELECT COALESCE(string_agg(concat_ws(' ', jp.title, array_to_string(jp.tags, ' '),
           left(regexp_replace(left(jp.body_html, 4 * %(post_chars)s), '<[^>]*>', ' ', 'g'),
                %(post_chars)s)), ' '), '') AS text
    FROM (SELECT title, tags, body_html FROM journal_post
           WHERE portfolio_id = p.id AND status = 'published' AND published_at <= clock_timestamp()
             AND visibility >= %(level)s
           ORDER BY published_at DESC LIMIT %(posts)s) AS jp
) AS j
-- What readers see: the sanitised HTML without its tags and entities, never the Markdown
-- source (text the sanitiser removes, in a <template> say, must not make a match).
CROSS JOIN LATERAL (
  SELECT regexp_replace(
           regexp_replace(concat_ws(' ', p.about_html, b.descriptions, j.text),
                          '<[^>]*>', ' ', 'g'),
           '&#?[0-9a-z]+;', ' ', 'gi') AS text
) AS c
WHERE p.id = ANY(%(ids)s)
ON CONFLICT (portfolio_id) DO UPDATE SET
  is_listed = EXCLUDED.is_listed, document = EXCLUDED.document, words = EXCLUDED.words,
  skill_keys = EXCLUDED.skill_keys, verified_count = EXCLUDED.verified_count,
  updated_at = EXCLUDED.updated_at
"""


def portfolio_refresh(
    portfolio_ids: Iterable[int], *, touch: bool = True, search: bool = True, using=None
) -> None:
    """Recompute completeness and the search document of these portfolios; ``touch`` also
    moves their "last update" time (a student's own change, not a supervisor's decision)."""
    ids = [int(pk) for pk in portfolio_ids if pk is not None]
    if not ids:
        return
    conn = connection if using is None else using
    with conn.cursor() as cursor:
        cursor.execute(COMPLETENESS_SQL, {"ids": ids, "touch": touch})
        if search:
            cursor.execute(
                SEARCH_SQL,
                {
                    "ids": ids,
                    "level": LISTED_LEVEL,
                    "posts": POSTS_INDEXED,
                    "post_chars": POST_CHARS_INDEXED,
                },
            )
    if using is None:  # not from a migration, where listeners' tables may not exist yet
        # Analytics keeps a copy of the figures per student.
        portfolio_figures_refreshed.send(sender=None, portfolio_ids=ids)


def portfolio_refresh_all(*, using=None, batch_size: int = 2000, search: bool = True) -> None:
    """Every portfolio, in batches (a migration and ``seed_demo`` use this)."""
    conn = connection if using is None else using
    with conn.cursor() as cursor:
        cursor.execute("SELECT id FROM portfolios_portfolio ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(ids), batch_size):
        portfolio_refresh(ids[start : start + batch_size], touch=False, search=search, using=using)
