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

from django.db import connection, transaction

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

# Weights: A names, headline and skills; B program and faculty (in English, Russian and
# Kyrgyz), item titles, organisations, results and skills; C the about text, item
# descriptions, the sections the items are in (in the three languages) and journal posts:
# the newest POSTS_INDEXED, each cut at POST_CHARS_INDEXED characters.
# ``document`` (A + B + C) is what matches, through its GIN index; ``rank_document`` (A + B)
# is what ranks: small enough to stay in the row, so ranking the thousands of portfolios a
# common word finds reads no large values (bench/search.py). ``text`` is what the result
# snippets are cut from (headline, items, then the long texts), at most SNIPPET_TEXT_CHARS.
POSTS_INDEXED = 10
POST_CHARS_INDEXED = 1000
SNIPPET_TEXT_CHARS = 3000
SEARCH_SQL = """
INSERT INTO portfolios_searchdocument
  (portfolio_id, is_listed, document, rank_document, text, skill_keys, verified_count,
   updated_at)
SELECT p.id,
  (p.visibility >= %(level)s AND u.is_active),
  v.strong || v.weak,
  v.strong,
  left(concat_ws(' · ', NULLIF(p.headline, ''),
                 NULLIF(concat_ws(' / ', NULLIF(pr.name_en, ''), NULLIF(pr.name_ru, ''),
                                  NULLIF(pr.name_ky, '')), ''),
                 NULLIF(b.text, ''), NULLIF(c.text, '')),
       %(text_chars)s),
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
LEFT JOIN accounts_program pr ON pr.id = u.program_id
LEFT JOIN accounts_faculty fa ON fa.id = pr.faculty_id
CROSS JOIN LATERAL (
  SELECT concat_ws(' ', u.first_name, u.last_name, p.headline, p.interests,
    (SELECT string_agg(s.name, ' ') FROM portfolios_portfolio_skills ps
       JOIN portfolios_skill s ON s.id = ps.skill_id WHERE ps.portfolio_id = p.id)) AS text
) AS a
CROSS JOIN LATERAL (
  SELECT COALESCE(string_agg(concat_ws(' ', ach.title, ach.organisation, ach.result,
           (SELECT string_agg(s.name, ' ') FROM achievements_achievement_skills x
              JOIN portfolios_skill s ON s.id = x.skill_id WHERE x.achievement_id = ach.id)),
           ' · ' ORDER BY ach.category_id, ach."order", ach.id), '') AS text,
         COALESCE(string_agg(ach.description_html, ' '), '') AS descriptions,
         COALESCE(string_agg(DISTINCT concat_ws(' ', cat.name_en, cat.name_ru, cat.name_ky),
                             ' '), '') AS sections,
         count(*) FILTER (WHERE ach.verification_status = 'verified') AS verified_count
    FROM achievements_achievement ach
    JOIN portfolios_category cat ON cat.id = ach.category_id
   WHERE ach.portfolio_id = p.id AND ach.visibility >= %(level)s
) AS b
CROSS JOIN LATERAL (
  SELECT concat_ws(' ', b.text, pr.name_en, pr.name_ru, pr.name_ky,
                   fa.name_en, fa.name_ru, fa.name_ky) AS text
) AS b2
-- clock_timestamp(), not now(): a post published by this very transaction counts. A post is
-- cut at a space: a word cut in two would enter the vocabulary.
CROSS JOIN LATERAL (
  SELECT COALESCE(string_agg(concat_ws(' ', jp.title, array_to_string(jp.tags, ' '),
           regexp_replace(
             left(regexp_replace(left(jp.body_html, 4 * %(post_chars)s), '<[^>]*>', ' ', 'g'),
                  %(post_chars)s),
             '\\s\\S*$', '')), ' '), '') AS text
    FROM (SELECT title, tags, body_html FROM journal_post
           WHERE portfolio_id = p.id AND status = 'published' AND published_at <= clock_timestamp()
             AND visibility >= %(level)s
           ORDER BY published_at DESC LIMIT %(posts)s) AS jp
) AS j
-- What readers see: the sanitised HTML without its tags and entities, never the Markdown
-- source (text the sanitiser removes, in a <template> say, must not make a match).
CROSS JOIN LATERAL (
  SELECT regexp_replace(regexp_replace(
           regexp_replace(concat_ws(' ', p.about_html, b.descriptions, j.text),
                          '<[^>]*>', ' ', 'g'),
           '&#?[0-9a-z]+;', ' ', 'gi'), '\\s+', ' ', 'g') AS text
) AS c
CROSS JOIN LATERAL (
  SELECT setweight(to_tsvector('english', a.text), 'A')
      || setweight(to_tsvector('russian', a.text), 'A')
      || setweight(to_tsvector('simple', a.text), 'A')
      || setweight(to_tsvector('english', b2.text), 'B')
      || setweight(to_tsvector('russian', b2.text), 'B')
      || setweight(to_tsvector('simple', b2.text), 'B') AS strong,
         setweight(to_tsvector('english', c.text || ' ' || b.sections), 'C')
      || setweight(to_tsvector('russian', c.text || ' ' || b.sections), 'C')
      || setweight(to_tsvector('simple', c.text || ' ' || b.sections), 'C') AS weak
) AS v
WHERE p.id = ANY(%(ids)s)
ON CONFLICT (portfolio_id) DO UPDATE SET
  is_listed = EXCLUDED.is_listed, document = EXCLUDED.document,
  rank_document = EXCLUDED.rank_document, text = EXCLUDED.text,
  skill_keys = EXCLUDED.skill_keys, verified_count = EXCLUDED.verified_count,
  updated_at = EXCLUDED.updated_at
"""

# The words of the documents just written that the vocabulary lacks (search/models.py).
VOCABULARY_ADD_SQL = """
INSERT INTO search_searchword (word, key, documents)
SELECT fresh.word, search_key(fresh.word), 1
FROM (SELECT DISTINCT unnest(tsvector_to_array(d.document)) AS word
        FROM portfolios_searchdocument d
       WHERE d.portfolio_id = ANY(%(ids)s) AND d.is_listed) AS fresh
WHERE length(fresh.word) BETWEEN %(shortest)s AND %(longest)s AND fresh.word !~ '^[0-9]'
  AND NOT EXISTS (SELECT 1 FROM search_searchword w WHERE w.word = fresh.word)
ON CONFLICT (word) DO NOTHING
"""
VOCABULARY_WORD_LENGTH = (3, 40)

# Every listed document's words with the number of documents holding each (ts_stat reads
# the documents once); words no listed document holds any more go.
VOCABULARY_REBUILD_SQL = """
CREATE TEMPORARY TABLE search_fresh_words ON COMMIT DROP AS
SELECT word, ndoc FROM ts_stat(
  'SELECT document FROM portfolios_searchdocument WHERE is_listed AND document IS NOT NULL')
WHERE length(word) BETWEEN %(shortest)s AND %(longest)s AND word !~ '^[0-9]';
DELETE FROM search_searchword w
 WHERE NOT EXISTS (SELECT 1 FROM search_fresh_words f WHERE f.word = w.word);
INSERT INTO search_searchword (word, key, documents)
SELECT word, search_key(word), ndoc FROM search_fresh_words
ON CONFLICT (word) DO UPDATE SET documents = EXCLUDED.documents
  WHERE search_searchword.documents <> EXCLUDED.documents;
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
                    "text_chars": SNIPPET_TEXT_CHARS,
                },
            )
            if using is None:  # a migration fills the vocabulary once, at its end
                shortest, longest = VOCABULARY_WORD_LENGTH
                cursor.execute(
                    VOCABULARY_ADD_SQL, {"ids": ids, "shortest": shortest, "longest": longest}
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


def vocabulary_rebuild(*, using=None) -> int:
    """The vocabulary anew from the listed documents (nightly, and once by search/0004):
    words of deleted or hidden portfolios leave it, and each word's document count is
    brought up to date. One transaction; searches go on reading the old rows meanwhile.
    The number of words it holds."""
    conn = connection if using is None else using
    shortest, longest = VOCABULARY_WORD_LENGTH
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute(VOCABULARY_REBUILD_SQL, {"shortest": shortest, "longest": longest})
        cursor.execute("SELECT count(*) FROM search_searchword")
        return cursor.fetchone()[0]
