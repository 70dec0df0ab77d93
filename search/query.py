"""Employers' search over listed portfolios, in English, Russian and Kyrgyz.

Matches the ``SearchDocument`` that search/derived.py keeps current (full text in the
English, Russian and simple configurations; program, faculty and section names in the three
languages) and ranks by cover density over its strong part (``rank_document``: names,
headline, skills, program, item titles) with the weights A > B.

A query without operators is read word by word; a portfolio must match every word, each
in any of these forms:

* the word in the English, Russian (both stemmed) and simple readings;
* for Cyrillic words, the Kyrgyz stem as a prefix (``kyrgyz_stem``: "олимпиадаларга" and
  "олимпиада" both look for олимпиад…; PostgreSQL has no Kyrgyz stemmer);
* words of the vocabulary with the same sound key (search/models.py): the word written in
  the other alphabet, "nurbek" → нурбек, "эксель" → excel;
* only when the words as typed find fewer than a page of portfolios: words of the vocabulary
  whose key is one or two edits away (a swap, a dropped or doubled letter): "pyhton" →
  python, "techer" → teacher. These rank below every portfolio found without them.

A query with web-search syntax typed on purpose ("a phrase", -word, or) is read by
``websearch_to_tsquery`` as typed, in the three configurations.

The document only holds what a signed-in user may see, and only listed portfolios match,
so nothing private can make a portfolio match, show in a snippet or be suggested.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portfolios.models import Portfolio, SearchDocument, Skill
from search.derived import SNIPPET_TEXT_CHARS

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8  # of a query without operators; the rest is left out
CONFIGS = ("english", "russian", "simple")
# Typos: for queries whose words as typed find fewer than a page of results.
FUZZY_BELOW = 20
FUZZY_MIN_KEY_LENGTH = 4
SIMILAR_WORDS = 3  # per word typed
SIMILAR_CANDIDATES = 40  # nearest keys read from the trigram index, then measured exactly
PLAN_CACHE_SECONDS = 600
# Counting: matches are counted up to this many and one more ("more than 500").
COUNT_CAP = 500
# Ranking: at most this many matches are ranked (see ``_ranked``); the rest follow, most
# recently updated first.
RANK_CANDIDATES = 500
# Kyrgyz stems: a stem shorter than this is too common a beginning to look for; at most
# STEM_WORDS forms of one stem are looked for.
KYRGYZ_MIN_STEM = 4
STEM_WORDS = 24

_WORD = re.compile(r"\w")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A lexeme in a tsquery's text, and whether it is negated.
_LEXEME = re.compile(r"(!?)'((?:[^']|'')+)'")

# Kyrgyz words that join or point rather than say (the simple reading keeps them, so a
# query "англис тили жана адабияты" would require "жана" of every match).
KYRGYZ_STOP_WORDS = frozenset(
    [
        "жана",
        "менен",
        "үчүн",
        "боюнча",
        "жөнүндө",
        "дагы",
        "деле",
        "бул",
        "ал",
        "мен",
        "сен",
        "биз",
        "силер",
        "алар",
        "ошол",
        "же",
        "эле",
        "деген",
        "болуп",
        "катары",
        "ушул",
        "тууралуу",
    ]
)

# Kyrgyz endings by slot, each in its vowel-harmony forms. A Kyrgyz word is a stem, then
# derivation, plural, possessive and case, in that order: ``kyrgyz_stem`` takes them off
# from the end, the longest form of each slot that leaves KYRGYZ_MIN_STEM letters (a
# one-letter ending, one letter more): мугалим-дер-ибиз-ге → мугалим.
_KYRGYZ_SLOTS = [
    "нын нин нун нүн дын дин дун дүн тын тин тун түн "  # genitive
    "га ге го гө ка ке ко кө на не но нө а е о ө "  # dative
    "ны ни ну нү ды ди ду дү ты ти ту тү "  # accusative (and the past: катыш-ты)
    "да де до дө та те то тө нда нде ндо ндө "  # locative
    "дан ден дон дөн тан тен тон төн нан нен нон нөн "  # ablative
    "дагы деги догу дөгү тагы теги тогу төгү ндагы ндеги ндогу ндөгү "  # "the one in"
    "ча че чо чө",  # "like"
    "ым им ум үм ың иң уң үң ыңыз иңиз уңуз үңүз ыбыз ибиз убуз үбүз быз биз буз бүз "
    "сы си су сү ы и у ү",  # possessive
    "лар лер лор лөр дар дер дор дөр тар тер тор төр",  # plural
    "лык лик лук лүк дык дик дук дүк тык тик тук түк чылык чилик чулук чүлүк "
    "чы чи чу чү луу лүү дуу дүү туу түү сыз сиз суз сүз ган ген гон гөн кан кен кон көн",
]
_KYRGYZ_SUFFIXES = [sorted(slot.split(), key=len, reverse=True) for slot in _KYRGYZ_SLOTS]


def kyrgyz_stem(word: str) -> str:
    """``word`` without its Kyrgyz endings, never shorter than KYRGYZ_MIN_STEM letters."""
    stem = word.casefold()
    for slot in _KYRGYZ_SUFFIXES:
        for suffix in slot:
            keep = KYRGYZ_MIN_STEM + (1 if len(suffix) == 1 else 0)
            if stem.endswith(suffix) and len(stem) - len(suffix) >= keep:
                stem = stem[: -len(suffix)]
                break
    return stem


def clean_query(text: object) -> str:
    """The query as PostgreSQL may safely receive it: no NUL or other control, format,
    surrogate or unassigned characters, single spaces, at most ``MAX_QUERY_LENGTH``
    characters. Everything else (quotes, operators, emoji) is left to the readings below,
    which never fail on their input."""
    if not isinstance(text, str):
        return ""
    text = text[: MAX_QUERY_LENGTH * 4]  # bound the work on pathological input
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue  # soft hyphens, zero-width joiners: invisible, drop them
        kept.append(" " if category in ("Cc", "Cs", "Co", "Cn") else char)
    text = " ".join("".join(kept).split())
    if len(text) > MAX_QUERY_LENGTH:  # cut at a space: a word cut in two finds nothing
        cut = text[: MAX_QUERY_LENGTH + 1].rfind(" ")
        text = text[: cut if cut > 0 else MAX_QUERY_LENGTH]
    return text.strip()


def skill_keys(names: Iterable[str]) -> list[str]:
    """The normalised keys of skill names, as ``SearchDocument.skill_keys`` holds them."""
    return sorted({key for name in names for key in [Skill.normalise(name)[1]] if key})


def osa_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from ``a`` to ``b``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(key: str) -> int:
    """Edits a typo may make in a word whose sound key is ``key``."""
    if len(key) < FUZZY_MIN_KEY_LENGTH:
        return 0
    return 1 if len(key) < 10 else 2


def _literal(lexeme: str) -> str:
    """A lexeme as a tsquery operand."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class ParsedQuery(SearchQuery):
    """A tsquery given as its text (built below from the server's own readings)."""

    def __init__(self, text: str):
        super().__init__(text, search_type="raw")

    def as_sql(self, compiler, connection, function=None, template=None):
        return super().as_sql(compiler, connection, template="%(expressions)s::tsquery")


@dataclass
class Plan:
    """What a query looks for: ``exact`` (as typed, with stems, prefixes and the other
    alphabet), ``fuzzy`` (with typo variants too, or None), how many listed documents the
    exact query finds (up to FUZZY_BELOW) and ``highlight``, the lexemes to mark in
    snippets."""

    exact: str
    fuzzy: str | None = None
    hits: int = 0
    highlight: list[str] = field(default_factory=list)


# Each word's readings in the three configurations ('' for a stop word of one of them).
READINGS_SQL = """
SELECT typed.word,
       websearch_to_tsquery('english', typed.word)::text,
       websearch_to_tsquery('russian', typed.word)::text,
       websearch_to_tsquery('simple', typed.word)::text
FROM unnest(%(words)s::text[]) WITH ORDINALITY AS typed(word, n) ORDER BY typed.n
"""

# Each "phrase" in the three configurations, duplicates removed.
PHRASE_SQL = """
SELECT typed.phrase, string_agg(DISTINCT '(' || reading::text || ')', ' | ')
FROM unnest(%(phrases)s::text[]) AS typed(phrase)
CROSS JOIN LATERAL unnest(ARRAY[
  websearch_to_tsquery('english', '"' || typed.phrase || '"'),
  websearch_to_tsquery('russian', '"' || typed.phrase || '"'),
  websearch_to_tsquery('simple', '"' || typed.phrase || '"')]) AS reading
WHERE numnode(reading) > 0
GROUP BY typed.phrase
"""

HITS_SQL = """
SELECT count(*) FROM (
  SELECT 1 FROM portfolios_searchdocument
  WHERE is_listed AND document @@ %(query)s::tsquery LIMIT %(limit)s) AS hit
"""

# Vocabulary words sharing each typed word's sound key: the other alphabet's spelling.
SAME_KEY_SQL = """
SELECT typed.word, w.word
FROM unnest(%(words)s::text[]) AS typed(word)
JOIN search_searchword w ON w.key = search_key(typed.word) AND w.word <> typed.word
"""

# The vocabulary's words that begin with each Kyrgyz stem, the most common first: the
# forms of the word the documents hold (a tsquery prefix, 'олимпиад':*, would do the same
# but makes the planner give up the index and read every document).
STEM_WORDS_SQL = """
SELECT typed.stem, w.word
FROM unnest(%(stems)s::text[]) AS typed(stem)
CROSS JOIN LATERAL (
  SELECT word FROM search_searchword
  WHERE word LIKE replace(replace(replace(typed.stem, '\\', '\\\\'), '%%', '\\%%'),
                          '_', '\\_') || '%%'
  ORDER BY documents DESC, word LIMIT %(limit)s
) AS w
"""

# The vocabulary words whose keys are nearest each typed word's key (the trigram index
# answers in order of distance); ``_typo_variants`` measures them exactly.
NEAR_KEY_SQL = """
SELECT typed.word, typed.key, near.word, near.key, near.documents
FROM (SELECT t, search_key(t) FROM unnest(%(words)s::text[]) AS t) AS typed(word, key)
CROSS JOIN LATERAL (
  SELECT w.word, w.key, w.documents FROM search_searchword w
  WHERE length(typed.key) >= %(shortest)s
  ORDER BY w.key <-> typed.key LIMIT %(candidates)s
) AS near
"""


def _rows(sql: str, params: dict, using: str) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _lexemes(tsquery_text: str) -> list[str]:
    """The positive lexemes of a tsquery's text."""
    return [
        lexeme.replace("''", "'").replace("\\\\", "\\")
        for negated, lexeme in _LEXEME.findall(tsquery_text)
        if not negated
    ]


def _word_operands(
    words: list[str], using: str
) -> tuple[dict[str, list[str]], dict[str, tuple[str, str, str]]]:
    """Each word with the tsquery operands it may match as: its three readings, the
    forms the documents hold of its Kyrgyz and Russian stems and the other alphabet's
    spelling. A stop word (of English, Russian or Kyrgyz) gets none, as
    ``websearch_to_tsquery`` leaves stop words out."""
    rows = _rows(READINGS_SQL, {"words": words}, using)
    readings = {word: (english, russian, simple) for word, english, russian, simple in rows}
    same_key: dict[str, list[str]] = {}
    for typed, other in _rows(SAME_KEY_SQL, {"words": words}, using):
        same_key.setdefault(typed, []).append(other)
    stems = {word: _stems(word, readings.get(word, ("", "", ""))[1]) for word in words}
    forms = _stem_forms({stem for found in stems.values() for stem in found}, using)
    operands = {}
    for word in words:
        english, russian, simple = readings.get(word, ("", "", ""))
        if not english or not russian or not simple or word in KYRGYZ_STOP_WORDS:
            operands[word] = []
            continue
        found = list(dict.fromkeys(f"({reading})" for reading in (english, russian, simple)))
        others = set(same_key.get(word, []))
        for stem in stems[word]:
            others |= set(forms.get(stem, []))
        found += [_literal(other) for other in sorted(others - {word})]
        operands[word] = found
    return operands, readings


def _stems(word: str, russian: str) -> list[str]:
    """The stems whose forms a Cyrillic word also looks for: its Kyrgyz stem (and that
    without a last vowel: олимпиада → олимпиад) and its Russian one (the Russian
    reading's lexeme), each at least KYRGYZ_MIN_STEM letters."""
    if not _CYRILLIC.search(word) or len(word) < KYRGYZ_MIN_STEM:
        return []
    stem = kyrgyz_stem(word)
    found = [stem]
    if stem[-1] in "аеёиоөуүыэюя" and len(stem) > KYRGYZ_MIN_STEM + 1:
        found.append(stem[:-1])
    lexemes = _lexemes(russian)
    if len(lexemes) == 1 and len(lexemes[0]) >= KYRGYZ_MIN_STEM:
        found.append(lexemes[0])
    return list(dict.fromkeys(found))


def _stem_forms(stems: set[str], using: str) -> dict[str, list[str]]:
    forms: dict[str, list[str]] = {}
    if stems:
        params = {"stems": sorted(stems), "limit": STEM_WORDS}
        for stem, other in _rows(STEM_WORDS_SQL, params, using):
            forms.setdefault(stem, []).append(other)
    return forms


def _typo_variants(words: list[str], known: set[str], using: str) -> dict[str, list[str]]:
    """Up to SIMILAR_WORDS vocabulary words per typed word whose sound key is within
    ``allowed_edits`` of the typed word's: nearest first, then the most common."""
    found: dict[str, list[tuple[int, int, str]]] = {word: [] for word in words}
    params = {"words": words, "shortest": FUZZY_MIN_KEY_LENGTH, "candidates": SIMILAR_CANDIDATES}
    for typed, typed_key, word, key, documents in _rows(NEAR_KEY_SQL, params, using):
        if word in known or word == typed:
            continue
        distance = osa_distance(typed_key, key)
        if 0 < distance <= allowed_edits(typed_key):
            found[typed].append((distance, -documents, word))
    return {typed: [word for *_order, word in sorted(near)[:SIMILAR_WORDS]]
            for typed, near in found.items()}  # fmt: skip


def _hits(query: str, using: str) -> int:
    return _rows(HITS_SQL, {"query": query, "limit": FUZZY_BELOW}, using)[0][0]


def plan_cache_key(text: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """The cache key of ``text``'s plan: per database (benchmarks share one Redis)."""
    database = connections[using].settings_dict["NAME"]
    digest = hashlib.sha256(f"{database}\x1f{clean_query(text)}".encode()).hexdigest()
    return f"search-plan:v2:{digest}"


def search_plan(text: str, *, using: str = DEFAULT_DB_ALIAS) -> Plan | None:
    """What ``text`` looks for, or None when it has no word search can use (remembered
    ten minutes: the same query on the next page or from another employer)."""
    text = clean_query(text)
    if not _WORD.search(text):
        return None
    key = plan_cache_key(text, using)
    plan = cache.get(key)
    if plan is None:
        plan = _build_plan(text, using) or False
        cache.set(key, plan, PLAN_CACHE_SECONDS)
    return plan or None


# The query's parts: "a phrase" (to the end if the quote is not closed), -word, or, word.
_PARTS = re.compile(r'"([^"]*)"?|(?:(?<=\s)|^)-(\w+)|(\w+)')


def _parse(text: str) -> list[list[tuple[str, str]]]:
    """Web-search syntax as ``websearch_to_tsquery`` reads it: clauses that must all
    match, each a list of (kind, text) alternatives joined by "or"; kind is "word",
    "phrase" or "not" (a -word is a clause of its own)."""
    clauses: list[list[tuple[str, str]]] = []
    join_next = False
    for match in _PARTS.finditer(text):
        phrase, negated, word = match.groups()
        if word is not None and word.casefold() == "or":
            join_next = bool(clauses) and clauses[-1][0][0] != "not"
            continue
        if negated is not None:
            clauses.append([("not", negated.casefold())])
            join_next = False
            continue
        part = ("phrase", phrase) if phrase is not None else ("word", word.casefold())
        if part[1].strip():
            if join_next:
                clauses[-1].append(part)
            else:
                clauses.append([part])
        join_next = False
    return clauses[: MAX_WORDS * 2]


def _build_plan(text: str, using: str) -> Plan | None:
    clauses = _parse(text)
    words = list(dict.fromkeys(
        part for clause in clauses for kind, part in clause if kind in ("word", "not")
    ))[: MAX_WORDS * 2]  # fmt: skip
    operands, readings = _word_operands(words, using) if words else ({}, {})
    phrases = [part for clause in clauses for kind, part in clause if kind == "phrase"]
    phrase_readings = dict(_rows(PHRASE_SQL, {"phrases": phrases}, using)) if phrases else {}

    def build(extra: dict[str, list[str]]) -> str:
        made = []
        for clause in clauses:
            alternatives = []
            for kind, part in clause:
                if kind == "phrase":
                    reading = phrase_readings.get(part)
                    if reading:
                        alternatives.append(f"({reading})")
                    continue
                found = operands.get(part, []) + [_literal(v) for v in extra.get(part, [])]
                if found:
                    group = "(" + " | ".join(found) + ")"
                    alternatives.append("!" + group if kind == "not" else group)
            if alternatives:
                made.append("(" + " | ".join(alternatives) + ")")
        if not any(not item.startswith("(!") for item in made):
            return ""  # only exclusions: nothing to look for
        return " & ".join(made)

    exact = build({})
    if not exact:
        return None
    # Web-search syntax typed on purpose is matched as typed: no typo variants, and so no
    # need to count what the words find (for a phrase that count reads documents).
    typed_as_is = any(
        kind != "word" or len(clause) > 1 for clause in clauses for kind, _p in clause
    )
    plan = Plan(exact=exact, hits=FUZZY_BELOW if typed_as_is else _hits(exact, using))
    positive = [part for clause in clauses for kind, part in clause if kind == "word"]
    highlight = [lexeme for word in positive for op in operands.get(word, [])
                 for lexeme in _lexemes(op)]  # fmt: skip
    highlight += [lexeme for reading in phrase_readings.values() for lexeme in _lexemes(reading)]
    if plan.hits < FUZZY_BELOW and not typed_as_is:
        # Typos: each word, and each word's Russian stem, against the vocabulary; the
        # Cyrillic words found bring their stems' forms too.
        searched = [word for word in positive if operands.get(word)]
        russian_stems = {word: stem for word in searched
                         for stem in _stems(word, readings[word][1])[-1:]
                         if stem != word}  # fmt: skip
        variants = _typo_variants(
            list(dict.fromkeys(searched + list(russian_stems.values()))), set(highlight), using
        )
        extra = {word: variants.get(word, []) + variants.get(russian_stems.get(word, ""), [])
                 for word in searched}  # fmt: skip
        forms = _stem_forms({stem for found in extra.values() for variant in found
                             for stem in _stems(variant, "")}, using)  # fmt: skip
        for word, found in extra.items():
            more = [form for variant in found for stem in _stems(variant, "")
                    for form in forms.get(stem, [])]  # fmt: skip
            extra[word] = list(dict.fromkeys(found + more))[:STEM_WORDS]
        if any(extra.values()):
            plan.fuzzy = build(extra)
            highlight += [variant for found in extra.values() for variant in found]
    plan.highlight = list(dict.fromkeys(highlight))
    return plan


@contextmanager
def _through_indexes(using: str):
    """Within: the server reads search documents through their indexes, never one by
    one. Its planner counts a sequential scan by the narrow rows it reads, not by the
    documents it must unpack beside them to test each: for a word half the portfolios
    hold it would choose that scan, 20 times slower than the index (bench/search.py).
    ``SET LOCAL``: in a transaction of its own it ends with it; inside a caller's
    transaction it is put back after the search's statement."""
    connection = connections[using]
    outer = connection.in_atomic_block
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        (before, _off) = cursor.fetchone()
        yield
        if outer:  # after an error the caller's transaction rolls back, and the setting
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


class SearchResults:
    """The matches of a search, best first, as the paginator and templates use them:
    ``count()``, slices and iteration give portfolios (with ``rank`` and
    ``listed_verified_count``).

    A slice is two statements: the page's ids and ranks from the search documents alone
    (matched and sorted without reading any portfolio, through the indexes), then those
    portfolios with what the cards show. One statement joining portfolios, accounts and
    programs to every match would make the server join tens of thousands of rows for a
    common word before it sorts (bench/search.py)."""

    def __init__(
        self,
        documents: QuerySet[SearchDocument],
        portfolios: QuerySet[Portfolio],
        *,
        ranked_first: QuerySet[SearchDocument] | None = None,
    ):
        self._documents = documents
        self._portfolios = portfolios
        self._ranked_first = ranked_first  # the first matches, when they are known apart
        self._count: int | None = None

    @property
    def db(self) -> str:
        return self._documents.db

    def count(self) -> int:
        """How many match, counted up to COUNT_CAP + 1 (a page says "more than 500"):
        counting every match of a common word would read them all."""
        if self._count is None:
            capped = self._documents.order_by().values("pk")[: COUNT_CAP + 1]
            with _through_indexes(self.db):
                self._count = capped.count()
        return self._count

    def __len__(self) -> int:
        return len(self._slice(0, None))

    def __iter__(self):
        return iter(self._slice(0, None))

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise ValueError("Search results are sliced without a step.")
            return self._slice(key.start or 0, key.stop)
        found = self._slice(key, key + 1)
        if not found:
            raise IndexError(key)
        return found[0]

    def _slice(self, start: int, stop: int | None) -> list[Portfolio]:
        ranked = None
        with _through_indexes(self.db):
            if self._ranked_first is not None and stop is not None and stop <= RANK_CANDIDATES:
                ranked = list(self._ranked_first.values_list("pk", "rank")[start:stop])
                if len(ranked) < stop - start:
                    ranked = None  # the page reaches past them: read every match
            if ranked is None:
                ranked = list(self._documents.values_list("pk", "rank")[start:stop])
        portfolios = self._portfolios.in_bulk([pk for pk, _rank in ranked])
        page = []
        for pk, rank in ranked:
            portfolio = portfolios.get(pk)
            if portfolio is not None:  # (a student hidden between the two statements)
                portfolio.rank = rank
                page.append(portfolio)
        return page


class BrowseResults:
    """Every listed portfolio the filters keep, most recently updated first (the search
    without a query), counted like a search's matches: up to COUNT_CAP + 1."""

    def __init__(self, portfolios: QuerySet[Portfolio]):
        self._portfolios = portfolios
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._portfolios.order_by().values("pk")[: COUNT_CAP + 1].count()
        return self._count

    def __len__(self) -> int:
        return len(self._portfolios)

    def __iter__(self):
        return iter(self._portfolios)

    def __getitem__(self, key):
        return self._portfolios[key]


def listed_portfolios() -> QuerySet[Portfolio]:
    """Portfolios that search may show: ``is_listed`` (the page visible to signed-in users,
    an active account). search/derived.py keeps it current in the very transaction that
    changes the page's visibility or the account, so it is never behind them."""
    return (
        Portfolio.objects.filter(search_document__is_listed=True)
        .select_related("student__program__faculty", "student__cohort")
        .defer("about", "about_html")
        .annotate(listed_verified_count=F("search_document__verified_count"))
    )


def _rank(query: SearchQuery):
    """Cover density over the strong part, A > B, normalised (rank / (rank + 1)): 0–1."""
    return SearchRank(F("rank_document"), query, cover_density=True, normalization=Value(32))


def _ranked(query: SearchQuery, *, base: float):
    """``base`` + the rank for the RANK_CANDIDATES most recently refreshed documents whose
    strong part matches (found through its own index); ``base`` for the others.
    Ranking reads each ranked document's vector: for a common word's tens of thousands of
    matches that would be most of the search's time (bench/search.py), so only the
    candidates are ranked: portfolios whose names, headline, skills, program or item
    titles match, and which are among the most recently updated of those."""
    return Case(
        When(pk__in=_candidates(query), then=Value(base) + _rank(query)),
        default=Value(base),
        output_field=FloatField(),
    )


def _candidates(query: SearchQuery) -> QuerySet[SearchDocument]:
    """The ids of the RANK_CANDIDATES most recently refreshed documents whose strong part
    matches ``query``."""
    return (
        SearchDocument.objects.filter(is_listed=True, rank_document=query)
        .order_by("-updated_at")
        .values("pk")[:RANK_CANDIDATES]
    )


def _filters(
    *,
    to_portfolio: str,
    to_document: str,
    program_id: int | None,
    cohort_year: int | None,
    graduation_year: int | None,
    skills: Iterable[str],
    verified_only: bool,
    open_to_work: bool,
) -> Q:
    """The filters as one condition, from portfolios (``to_document`` =
    "search_document__") or from search documents (``to_portfolio`` = "portfolio__")."""
    condition = Q(**{f"{to_document}is_listed": True})
    if program_id:
        condition &= Q(**{f"{to_portfolio}student__program_id": program_id})
    if cohort_year:
        condition &= Q(**{f"{to_portfolio}student__cohort__entry_year": cohort_year})
    if graduation_year:
        condition &= Q(**{f"{to_portfolio}student__cohort__graduation_year": graduation_year})
    keys = skill_keys(skills)
    if keys:
        condition &= Q(**{f"{to_document}skill_keys__contains": keys})
    if verified_only:
        condition &= Q(**{f"{to_document}verified_count__gt": 0})
    if open_to_work:
        condition &= Q(**{f"{to_portfolio}open_to_work": True})
    return condition


def portfolio_search(
    *,
    query: str,
    program_id: int | None = None,
    cohort_year: int | None = None,
    graduation_year: int | None = None,
    skills: Iterable[str] = (),
    verified_only: bool = False,
    open_to_work: bool = False,
) -> SearchResults | BrowseResults:
    """Listed portfolios matching ``query`` and the filters, best match first, each with
    ``rank`` and ``listed_verified_count`` (verified items signed-in users may see):
    ``rank`` 1–2 for portfolios that match without typo variants (cover density, ties to
    the most recently changed), 0–1 for those that match only through them.
    An empty query lists every match of the filters, most recently updated first; a query
    without a word search can use (only operators, emoji, stop words) finds nothing."""
    criteria = {
        "program_id": program_id, "cohort_year": cohort_year,
        "graduation_year": graduation_year, "skills": skills,
        "verified_only": verified_only, "open_to_work": open_to_work,
    }  # fmt: skip
    portfolios = listed_portfolios()
    plan = search_plan(query, using=portfolios.db)
    if plan is None:
        portfolios = portfolios.filter(
            _filters(to_portfolio="", to_document="search_document__", **criteria)
        )
        if clean_query(query):
            # Only operators, punctuation, emoji or stop words: nothing to look for.
            portfolios = portfolios.none()
        return BrowseResults(
            portfolios.annotate(rank=Value(0.0, output_field=FloatField())).order_by(
                F("content_updated_at").desc(nulls_last=True), "-pk"
            )
        )
    exact = ParsedQuery(plan.exact)
    if plan.fuzzy is None:
        matches, rank = exact, _ranked(exact, base=1.0)
    else:
        # The few portfolios that match without typo variants first, then the others.
        # The first are known by id: matching each row's whole document against the
        # exact query again would read every document.
        fuzzy = ParsedQuery(plan.fuzzy)
        matches = fuzzy
        exact_ids = SearchDocument.objects.filter(is_listed=True, document=exact).values("pk")
        rank = Case(
            When(pk__in=exact_ids, then=Value(1.0) + _rank(exact)),
            default=_ranked(fuzzy, base=0.0),
        )
    # Ties go to the most recently refreshed document.
    condition = _filters(to_portfolio="portfolio__", to_document="", **criteria)
    documents = (
        SearchDocument.objects.filter(condition, document=matches)
        .annotate(rank=ExpressionWrapper(rank, output_field=FloatField()))
        .order_by("-rank", "-updated_at", "-pk")
    )
    ranked_first = None
    if plan.fuzzy is None:
        # The ranked candidates come before every other match: a page among them is
        # found among them alone, without reading the other matches.
        ranked_first = (
            SearchDocument.objects.filter(condition, pk__in=_candidates(exact))
            .annotate(rank=ExpressionWrapper(Value(1.0) + _rank(exact), output_field=FloatField()))
            .order_by("-rank", "-updated_at", "-pk")
        )
    return SearchResults(documents, portfolios, ranked_first=ranked_first)


# Snippets: up to two passages of the document's text around the words found.
_OPEN, _CLOSE = "\x02", "\x03"
SNIPPETS_SQL = """
SELECT portfolio_id,
       ts_headline('simple', replace(replace(left(text, %(chars)s), chr(2), ' '), chr(3), ' '),
                   %(query)s::tsquery,
                   'MaxFragments=2, MinWords=6, MaxWords=18, FragmentDelimiter=" … ", '
                   || 'StartSel=' || chr(2) || ', StopSel=' || chr(3))
FROM portfolios_searchdocument
WHERE portfolio_id = ANY(%(ids)s) AND is_listed AND text <> ''
"""


def search_snippets(
    portfolio_ids: Iterable[int], query: str, *, using: str = DEFAULT_DB_ALIAS
) -> dict[int, SafeString]:
    """For each of these portfolios, the passages of its searchable text where the words
    of ``query`` (or their stems, other spellings and typo variants) occur, those words
    in ``<mark>``; portfolios where none occur in the text get none."""
    ids = [int(pk) for pk in portfolio_ids]
    plan = search_plan(query, using=using)
    if not ids or plan is None or not plan.highlight:
        return {}
    highlight = " | ".join(
        _literal(lexeme) + (":*" if len(lexeme) >= 3 else "") for lexeme in plan.highlight
    )
    snippets = {}
    params = {"query": highlight, "ids": ids, "chars": SNIPPET_TEXT_CHARS}
    for portfolio_id, headline in _rows(SNIPPETS_SQL, params, using):
        if _OPEN in headline:
            snippets[portfolio_id] = _marked(headline)
    return snippets


def _marked(headline: str) -> SafeString:
    """The server's headline as HTML: the text escaped, the markers made ``<mark>``."""
    parts = []
    for piece in re.split(f"([{_OPEN}{_CLOSE}])", headline):
        if piece == _OPEN:
            parts.append("<mark>")
        elif piece == _CLOSE:
            parts.append("</mark>")
        else:
            parts.append(escape(piece))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
