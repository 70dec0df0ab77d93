"""Employers' search over listed portfolios.

Matches the ``SearchDocument`` that search/derived.py keeps current: full text in the
English, Russian and simple (Kyrgyz, names) configurations, OR-ed, ranked by cover density
with the weights A (names, headline, skills) > B (item titles, organisations, results) >
C (about text, descriptions).

Typos: where the words as typed find less than a page of portfolios, each word also looks
for similar words (``<%``, word similarity) among the distinct words of listed documents,
and the search takes them too: "pythn" finds Python developers, ranked below every
portfolio that matches the words as typed. (Matching ``query <% words`` on every row
instead compares each candidate document with the query: seconds for a common word on
100,000 portfolios, see bench/search.py.) The similar words
come from pg_trgm, which portfolios/0014 requires of the server (the embedded PostgreSQL 18
has it, as every distribution's server does).

The document only holds what a signed-in user may see, and only listed portfolios match,
so nothing private can make a portfolio match or show.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, ExpressionWrapper, F, FloatField, QuerySet, Value, When

from portfolios.models import Portfolio, Skill, Visibility

MAX_QUERY_LENGTH = 200
CONFIGS = ("english", "russian", "simple")  # PARSE_SQL names them too
# Typo tolerance: for look-ups of up to four words that find fewer than a page of results.
FUZZY_BELOW = 20
FUZZY_MAX_WORDS = 4
FUZZY_MIN_WORD_LENGTH = 3
SIMILAR_WORDS = 3  # per word typed
SIMILAR_SAMPLE = 50  # documents whose words are read to find them
SIMILAR_CACHE_SECONDS = 600

_WORD = re.compile(r"\w")
# websearch syntax typed on purpose: "a phrase", -exclusion, or. Looking for similar words
# would undo it, so such queries are matched as typed.
_OPERATORS = re.compile(r"\"|(?:^|\s)-\w|\sor\s", re.IGNORECASE)


def clean_query(text: object) -> str:
    """The query as PostgreSQL may safely receive it: no NUL or other control, format,
    surrogate or unassigned characters, single spaces, at most ``MAX_QUERY_LENGTH``
    characters. Everything else (quotes, operators, emoji) is left to
    ``websearch_to_tsquery``, which never fails on its input."""
    if not isinstance(text, str):
        return ""
    text = text[: MAX_QUERY_LENGTH * 4]  # bound the work on pathological input
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue  # soft hyphens, zero-width joiners: invisible, drop them
        kept.append(" " if category in ("Cc", "Cs", "Co", "Cn") else char)
    return " ".join("".join(kept).split())[:MAX_QUERY_LENGTH].strip()


def skill_keys(names: Iterable[str]) -> list[str]:
    """The normalised keys of skill names, as ``SearchDocument.skill_keys`` holds them."""
    return sorted({key for name in names for key in [Skill.normalise(name)[1]] if key})


class ParsedQuery(SearchQuery):
    """A tsquery given as the text PostgreSQL printed for it (see ``_parse``)."""

    def __init__(self, text: str):
        super().__init__(text, search_type="raw")

    def as_sql(self, compiler, connection, function=None, template=None):
        return super().as_sql(compiler, connection, template="%(expressions)s::tsquery")


# The three configurations' readings of the query, duplicates removed (the planner counts
# 'teacher' | 'teacher' | 'teacher' three times), and how many listed documents match it,
# counted up to FUZZY_BELOW: enough to know whether to look for similar words.
PARSE_SQL = """
WITH parsed AS (
  SELECT string_agg(DISTINCT '(' || reading::text || ')', ' | ') AS text
  FROM unnest(ARRAY[websearch_to_tsquery('english', %(text)s),
                    websearch_to_tsquery('russian', %(text)s),
                    websearch_to_tsquery('simple', %(text)s)]) AS reading
  WHERE numnode(reading) > 0
)
SELECT parsed.text,
  CASE WHEN parsed.text IS NULL THEN 0 ELSE (
    SELECT count(*) FROM (
      SELECT 1 FROM portfolios_searchdocument
      WHERE is_listed AND document @@ parsed.text::tsquery LIMIT %(limit)s) AS hit
  ) END
FROM parsed
"""

# For each word, up to SIMILAR_WORDS words of listed documents that it is similar to
# (pg_trgm's word similarity), found in a sample of the documents the trigram index
# offers: "pythn" → python, "teachr" → teacher, teaching.
SIMILAR_WORDS_SQL = """
SELECT typed.word, variant.word
FROM unnest(%(words)s::text[]) AS typed(word)
CROSS JOIN LATERAL (
  SELECT candidate AS word, max(similarity(candidate, typed.word)) AS closeness
  FROM (SELECT d.words FROM portfolios_searchdocument AS d
        WHERE d.is_listed AND typed.word <%% d.words LIMIT %(sample)s) AS sample
  CROSS JOIN LATERAL regexp_split_to_table(sample.words, ' ') AS candidate
  WHERE candidate <> typed.word AND typed.word <%% candidate
  GROUP BY candidate ORDER BY closeness DESC, candidate LIMIT %(limit)s
) AS variant
"""


def _parse(text: str, using: str) -> tuple[str | None, int]:
    with connections[using].cursor() as cursor:
        cursor.execute(PARSE_SQL, {"text": text, "limit": FUZZY_BELOW})
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (None, 0)


def similar_words(words: list[str], *, using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """Words of listed portfolios similar to each of ``words`` (remembered ten minutes)."""
    key = "search-similar:" + hashlib.sha256("\x1f".join(words).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = {word: [] for word in words}
        with connections[using].cursor() as cursor:
            params = {"words": words, "sample": SIMILAR_SAMPLE, "limit": SIMILAR_WORDS}
            cursor.execute(SIMILAR_WORDS_SQL, params)
            for word, variant in cursor.fetchall():
                found[word].append(variant)
        cache.set(key, found, SIMILAR_CACHE_SECONDS)
    return found


def _fuzzy_groups(text: str, using: str) -> list[list[str]] | None:
    """Each word of the query with the similar words found for it, or None when there
    is nothing to widen."""
    if _OPERATORS.search(text):
        return None
    tokens = list(dict.fromkeys(re.findall(r"\w+", text.casefold())))
    words = [token for token in tokens if len(token) >= FUZZY_MIN_WORD_LENGTH]
    if not words or len(words) > FUZZY_MAX_WORDS:
        return None
    variants = similar_words(words, using=using)
    if not any(variants.values()):
        return None
    return [[token, *variants.get(token, [])] for token in tokens]


def _fuzzy_query(groups: list[list[str]]) -> SearchQuery:
    """Every word or one of its similar words, in any of the configurations."""
    readings = []
    for config in CONFIGS:
        reading = None
        for group in groups:
            part = SearchQuery(" or ".join(group), search_type="websearch", config=config)
            reading = part if reading is None else reading & part
        readings.append(reading)
    query = readings[0]
    for reading in readings[1:]:
        query |= reading
    return query


def listed_portfolios() -> QuerySet[Portfolio]:
    """Portfolios that search may show: ``is_listed`` (the page visible to signed-in users,
    open to work, an active account; search/derived.py keeps it current). The page
    visibility and "open to work" are checked again at no cost (the portfolio row is read
    anyway), so that a refresh still on its way cannot show a page its student just hid."""
    return (
        Portfolio.objects.filter(
            search_document__is_listed=True,
            visibility__gte=Visibility.SIGNED_IN,
            open_to_work=True,
        )
        .select_related("student__program__faculty", "student__cohort")
        .defer("about", "about_html")
        .annotate(listed_verified_count=F("search_document__verified_count"))
    )


def _rank(query: SearchQuery):
    """Cover density with the A > B > C weights, normalised (rank / (rank + 1)): 0–1."""
    return SearchRank(
        F("search_document__document"), query, cover_density=True, normalization=Value(32)
    )


def portfolio_search(
    *,
    query: str,
    program_id: int | None = None,
    cohort_year: int | None = None,
    graduation_year: int | None = None,
    skills: Iterable[str] = (),
    verified_only: bool = False,
) -> QuerySet[Portfolio]:
    """Listed portfolios matching ``query`` and the filters, best match first, each
    annotated with ``rank`` and ``listed_verified_count`` (verified items signed-in users
    may see): ``rank`` 1–2 for portfolios that match the words as typed (cover density,
    ties to the most recently updated), 0–1 for those that match only through similar words.
    An empty query, or one without a word search can use, lists every match of the filters,
    most recently updated first."""
    portfolios = listed_portfolios()
    if program_id:
        portfolios = portfolios.filter(student__program_id=program_id)
    if cohort_year:
        portfolios = portfolios.filter(student__cohort__entry_year=cohort_year)
    if graduation_year:
        portfolios = portfolios.filter(student__cohort__graduation_year=graduation_year)
    keys = skill_keys(skills)
    if keys:
        portfolios = portfolios.filter(search_document__skill_keys__contains=keys)
    if verified_only:
        portfolios = portfolios.filter(search_document__verified_count__gt=0)

    recent_first = (F("content_updated_at").desc(nulls_last=True), "-pk")
    text = clean_query(query)
    using = portfolios.db
    parsed, hits = _parse(text, using) if _WORD.search(text) else (None, 0)
    if parsed is None:
        return portfolios.annotate(rank=Value(0.0, output_field=FloatField())).order_by(
            *recent_first
        )

    exact = ParsedQuery(parsed)
    groups = None
    if hits < FUZZY_BELOW:
        groups = _fuzzy_groups(text, using)
    if groups is None:
        matches, rank = exact, Value(1.0) + _rank(exact)
    else:
        # The few portfolios that match as typed first, then those matching through
        # similar words. The first are known by id: matching each row's whole document
        # against the typed words again would read every document.
        fuzzy = _fuzzy_query(groups)
        matches = exact | fuzzy
        rank = Case(
            When(pk__in=portfolios.filter(search_document__document=exact).values("pk"),
                 then=Value(1.0) + _rank(exact)),
            default=_rank(fuzzy),
        )  # fmt: skip
    return (
        portfolios.filter(search_document__document=matches)
        .annotate(rank=ExpressionWrapper(rank, output_field=FloatField()))
        .order_by("-rank", *recent_first)
    )
