"""Employers' search over listed portfolios.

Matches the ``SearchDocument`` that portfolios/derived.py keeps current: full text in the
English, Russian and simple (Kyrgyz, names) configurations, OR-ed, ranked by cover density
with the weights A (names, headline, skills) > B (item titles, organisations, results) >
C (about text, descriptions). Where the server has pg_trgm, words with a typo also match
(``<%`` on the document's distinct words), ranked below every full-text match. The
embedded PostgreSQL has no pg_trgm: search is then full text only.

The document only holds what a signed-in user may see, and only listed portfolios match,
so nothing private can make a portfolio match or show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from portfolios.models import Portfolio, Skill, Visibility

MAX_QUERY_LENGTH = 200
# Typo tolerance is for short look-ups ("pythn", "учитил"); longer queries are full text.
TRIGRAM_MAX_WORDS = 4
TRIGRAM_MIN_WORD_LENGTH = 3
CONFIGS = ("english", "russian", "simple")

_WORD = re.compile(r"\w", re.UNICODE)
# websearch syntax the user may type on purpose: "a phrase", -exclusion, or. Fuzzy matching
# would undo it, so such queries are full text only.
_OPERATORS = re.compile(r"\"|(?:^|\s)-\w|\sor\s", re.IGNORECASE)

_trigram_available: dict[str, bool] = {}


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


def trigram_available(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database has pg_trgm (asked once per process and database)."""
    connection = connections[using]
    key = f"{using}:{connection.settings_dict.get('NAME')}"
    if key not in _trigram_available:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram_available[key] = cursor.fetchone() is not None
    return _trigram_available[key]


def reset_trigram_cache() -> None:
    """Forget what ``trigram_available`` found (tests switch the extension on and off)."""
    _trigram_available.clear()


def skill_keys(names: Iterable[str]) -> list[str]:
    """The normalised keys of skill names, as ``SearchDocument.skill_keys`` holds them."""
    return sorted({key for name in names for key in [Skill.normalise(name)[1]] if key})


def listed_portfolios() -> QuerySet[Portfolio]:
    """Portfolios that search may show. ``is_listed`` says it all; the page visibility,
    "open to work" and the active account are checked again so that a document a
    refresh has not reached yet cannot show a portfolio that has since left."""
    return (
        Portfolio.objects.filter(
            search_document__is_listed=True,
            visibility__gte=Visibility.SIGNED_IN,
            open_to_work=True,
            student__is_active=True,
        )
        .select_related("student__program__faculty", "student__cohort")
        .defer("about", "about_html")
        .annotate(verified_count=F("search_document__verified_count"))
    )


def _fuzzy_words(text: str) -> list[str]:
    if _OPERATORS.search(text):
        return []
    words = list(dict.fromkeys(re.findall(r"\w+", text.casefold())))
    words = [word for word in words if len(word) >= TRIGRAM_MIN_WORD_LENGTH]
    return words if len(words) <= TRIGRAM_MAX_WORDS else []


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
    annotated with ``rank`` and ``verified_count``. An empty query (or one without a
    letter or digit) lists every match of the filters, most recently updated first."""
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
    if not _WORD.search(text):
        return portfolios.annotate(rank=Value(0.0, output_field=FloatField())).order_by(
            *recent_first
        )

    tsquery = SearchQuery(text, search_type="websearch", config=CONFIGS[0])
    for config in CONFIGS[1:]:
        tsquery |= SearchQuery(text, search_type="websearch", config=config)
    full_text = Q(search_document__document=tsquery)
    # Full-text matches rank in [1, 2) (cover density normalised by rank/(rank+1)),
    # typo-only matches in [0, 1) by their word similarity: a real match always comes first.
    full_text_rank = Value(1.0) + SearchRank(
        F("search_document__document"), tsquery, cover_density=True, normalization=Value(32)
    )
    matches, other_rank = full_text, Value(0.0)
    words = _fuzzy_words(text)
    if words and trigram_available(portfolios.db):
        fuzzy = Q()
        for word in words:
            fuzzy &= Q(search_document__words__trigram_word_similar=word)
        matches = full_text | fuzzy
        other_rank = TrigramWordSimilarity(Value(" ".join(words)), "search_document__words")
    rank = Case(When(full_text, then=full_text_rank), default=other_rank, output_field=FloatField())
    return portfolios.filter(matches).annotate(rank=rank).order_by("-rank", *recent_first)
