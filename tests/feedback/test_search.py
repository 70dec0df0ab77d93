"""Employers' search (search/query.py): ranking, languages, typos, filters, privacy and
whatever a search box may receive."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts.models import Cohort
from portfolios.models import Portfolio, Visibility
from portfolios.services import portfolio_update
from search import query as search
from search.query import clean_query, kyrgyz_stem, portfolio_search, search_plan
from tests.factories import (
    CohortFactory,
    ProgramFactory,
    StudentFactory,
    achievement_for,
    portfolio_for,
)

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    "\x00",
    "python\x00teacher",
    "a" * 10_000,
    "учитель " * 2_000,
    "🐍🐍🐍",
    "👩🏽‍🏫 teacher",
    "'); DROP TABLE portfolios_portfolio; --",
    "' OR 1=1 --",
    "!!",
    "&|",
    "&",
    "|",
    "!",
    '"unterminated',
    '"',
    '""',
    "a:*",
    "python:*",
    "<->",
    "python <-> teacher",
    "<2>",
    "(python",
    "python)",
    "()",
    "-",
    "- - -",
    "-python",
    "or",
    "python or",
    "\\",
    "%",
    "_",
    "%_%",
    "*",
    ":",
    ";",
    "'",
    "''",
    "\t\n\r",
    "\u200b\u200d\ufeff",
    "\ud800",
    "\x1b[31mred",
    "SELECT * FROM accounts_user",
    "<script>alert(1)</script>",
    "...",
    " ",
    "",
    "ё",
    "ң ө ү",
    "x" * 201,
]


def listed(first_name="Айбек", last_name="Осмонов", *, headline="", about="", skills=(),
           visibility=Visibility.SIGNED_IN, open_to_work=True, **student_fields):  # fmt: skip
    """A student whose portfolio employers' search lists (unless told otherwise)."""
    student = StudentFactory(first_name=first_name, last_name=last_name, **student_fields)
    portfolio = portfolio_for(student)
    portfolio_update(portfolio=portfolio, skills=list(skills), headline=headline, about=about,
                     visibility=visibility, open_to_work=open_to_work)  # fmt: skip
    return portfolio


def item(portfolio, title, *, visibility=Visibility.SIGNED_IN, **fields):
    return achievement_for(portfolio, title=title, visibility=visibility, **fields)


def found(query="", **filters) -> list[str]:
    return [p.slug for p in portfolio_search(query=query, **filters)]


def verify(achievement):
    achievement.verification_status = "verified"
    achievement.verified_at = timezone.now()
    achievement.save(update_fields=["verification_status", "verified_at"])


# --- Ranking and languages -----------------------------------------------------------


def test_a_title_match_ranks_above_a_description_match():
    by_description = listed("Bakyt", "Asanov")
    item(by_description, "Summer camp", description="I also coached the robotics club.")
    by_title = listed("Cholpon", "Isakova")
    item(by_title, "Robotics club coach")

    assert found("robotics") == [by_title.slug, by_description.slug]


def test_a_headline_match_ranks_above_an_item_title_match():
    by_item = listed("Dinara", "Beishenova")
    item(by_item, "Volunteer at the animal shelter")
    by_headline = listed("Emil", "Tokonov", headline="Volunteer coordinator")

    assert found("volunteer") == [by_headline.slug, by_item.slug]


def test_russian_words_match_in_other_forms():
    portfolio = listed(headline="Помощник учителя математики")
    listed("Other", "Person", headline="Программист")

    assert found("учитель") == [portfolio.slug]
    assert found("учителей математика") == [portfolio.slug]


def test_english_words_match_by_their_stem_as_postgresql_stems_them():
    portfolio = listed(headline="Mathematics teacher")

    assert found("teachers") == [portfolio.slug]
    assert found("mathematic") == [portfolio.slug]
    # The English stemmer keeps "teacher" and "teaching" apart ('teacher' vs 'teach').
    assert found("teaching") == []


def test_kyrgyz_words_and_names_match_as_written():
    portfolio = listed("Айгерим", "Жумабекова", headline="Математика мугалими")

    assert found("мугалими") == [portfolio.slug]
    assert found("Жумабекова") == [portfolio.slug]
    assert found("айгерим жумабекова") == [portfolio.slug]


def test_every_word_must_match_and_phrases_and_exclusions_work():
    both = listed(headline="Python developer and chess player")
    python_only = listed("Other", "Student", headline="Python developer")

    assert found("python chess") == [both.slug]
    assert found('"chess player"') == [both.slug]
    assert found("python -chess") == [python_only.slug]


def test_skills_and_organisations_are_searched():
    by_skill = listed(skills=["Public speaking"])
    by_organisation = listed("Other", "Student")
    item(by_organisation, "Internship", organisation="Kyrgyz Telecom")

    assert found("speaking") == [by_skill.slug]
    assert found("telecom") == [by_organisation.slug]


def test_an_empty_query_lists_every_listed_portfolio_most_recently_updated_first():
    # In one test transaction now() does not move: give the updates their own times.
    recent, earlier, never = listed("Recent", "One"), listed("Earlier", "One"), listed("New")
    now = timezone.now()
    Portfolio.objects.filter(pk=recent.pk).update(content_updated_at=now)
    Portfolio.objects.filter(pk=earlier.pk).update(content_updated_at=now - timedelta(days=3))
    Portfolio.objects.filter(pk=never.pk).update(content_updated_at=None)
    expected = [recent.slug, earlier.slug, never.slug]

    assert found("") == expected
    assert found("   ") == expected
    assert found("!!") == []  # no word to look for: nothing, as for any word found nowhere
    assert found("🐍 -") == []


def test_results_carry_rank_and_verified_count():
    portfolio = listed(headline="Chess coach")
    verify(item(portfolio, "Chess cup"))

    (result,) = portfolio_search(query="chess")
    assert result.rank >= 1
    assert result.listed_verified_count == 1


# --- Typos (pg_trgm) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["pythn", "pyton", "pyhton", "ppython", "PYTHON", "develper", "devloper",
              "robotcs pythn", "пайтон"],
)  # fmt: skip
def test_a_word_with_a_typo_still_finds_the_portfolio(typed):
    portfolio = listed(headline="Python developer", skills=["Robotics"])
    listed("Other", "Student", headline="Historian")

    assert found(typed) == [portfolio.slug]


def test_exact_matches_rank_above_typo_matches():
    exact = listed("Aidana", "Exact")
    close = listed("Aidina", "Close")  # updated last: first if unranked

    results = list(portfolio_search(query="aidana"))
    assert [p.slug for p in results] == [exact.slug, close.slug]
    assert results[0].rank >= 1 > results[1].rank > 0


def test_typo_variants_come_from_listed_documents_only():
    listed(headline="Python developer")
    hidden = listed("Hidden", "One", visibility=Visibility.SUPERVISORS, headline="Pythonista")

    assert search._typo_variants(["pythn", "zzzzqx"], set(), "default") == {
        "pythn": ["python"], "zzzzqx": []}  # fmt: skip
    assert search._typo_variants(["pythonist"], set(), "default") == {"pythonist": []}
    assert hidden.slug not in found("pythonist")


def test_typos_are_looked_for_only_when_the_words_as_typed_find_little(monkeypatch):
    exact = listed("Aidana", "Exact")
    close = listed("Aidina", "Close")

    assert found("aidana") == [exact.slug, close.slug]
    monkeypatch.setattr(search, "FUZZY_BELOW", 1)  # one match as typed is now enough
    cache.clear()  # plans are remembered
    assert found("aidana") == [exact.slug]


def test_short_words_are_not_bent_into_others():
    listed(headline="Art teacher")
    listed("Other", "Student", headline="Arts and crafts")

    assert search.allowed_edits(search_key("art")) == 0
    assert search._typo_variants(["ary"], set(), "default") == {"ary": []}


@pytest.mark.parametrize(
    "typed, written",
    [("nurbek", "Нурбек"), ("Aigerim", "Айгерим"), ("zhyldyz", "Жылдыз"),
     ("jyldyz", "Жылдыз"), ("Chyngyz", "Чыңгыз"), ("omurbek", "Өмүрбек"),
     ("Kubanychbek", "Кубанычбек"), ("daniyar", "Данияр"), ("Mukhammed", "Мухаммед"),
     ("Нурбек", "Nurbek"), ("эксель", "Excel"), ("джава", "Java")],
)  # fmt: skip
def test_a_word_typed_in_the_other_alphabet_finds_it(typed, written):
    portfolio = listed(written, "Асанов")
    listed("Other", "Student")

    assert found(typed) == [portfolio.slug]
    assert search_plan(typed).hits == 1  # an exact match: no typo needed


@pytest.mark.parametrize(
    "typed, written",
    [("олимпиада", "Олимпиадаларга катыштым"), ("олимпиадаларга", "Олимпиада по математике"),
     ("мугалим", "Келечектеги мугалимдерибизге"), ("мектеп", "Мектептеги практика"),
     ("математика", "Математикалык билим берүү"), ("китеп", "Китептерибиз")],
)  # fmt: skip
def test_kyrgyz_endings_are_matched_both_ways(typed, written):
    portfolio = listed(headline=written)
    listed("Other", "Student", headline="Волонтёр")

    assert found(typed) == [portfolio.slug]


@pytest.mark.parametrize(
    "word, stem",
    [("олимпиадаларга", "олимпиада"), ("мугалимдерибизге", "мугалим"),
     ("мектептеги", "мектеп"), ("математикалык", "математика"), ("китеп", "китеп"),
     ("тил", "тил"), ("билим", "билим"), ("катышкан", "катыш"), ("катышты", "катыш"),
     ("олимпиада", "олимпиа")],
)  # fmt: skip
def test_kyrgyz_stems(word, stem):
    assert kyrgyz_stem(word) == stem


def test_queries_with_search_syntax_are_matched_as_typed():
    listed(headline="Python programmer")

    assert found('"pythn programmer"') == []
    assert found("pythn -chess") == []
    assert found("pythn or haskell") == []


def require_trigram():
    return importlib.import_module("portfolios.migrations.0014_pg_trgm_required").require_trigram


def test_every_database_has_pg_trgm_and_the_vocabulary_key_index():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'searchword_key_trgm'")
        assert cursor.fetchone() == (1,)


def test_a_server_without_pg_trgm_stops_the_migration_saying_what_to_install():
    class NoContribCursor:  # pg_available_extensions has no pg_trgm row
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params=None):
            assert "CREATE" not in sql  # nothing is attempted

        def fetchone(self):
            return None

    server = SimpleNamespace(connection=SimpleNamespace(cursor=NoContribCursor))
    with pytest.raises(RuntimeError, match=r"no pg_trgm extension.*contrib"):
        require_trigram()(None, server)


# --- Filters -------------------------------------------------------------------------


def test_filters_by_program_entry_year_graduation_year_skills_and_verification():
    maths = ProgramFactory()
    old_cohort = CohortFactory(entry_year=2021)
    Cohort.objects.filter(pk=old_cohort.pk).update(graduation_year=2025)
    new_cohort = CohortFactory(entry_year=2024)
    a = listed("Asel", "A", program=maths, cohort=old_cohort, skills=["Python", "SQL"])
    b = listed("Bolot", "B", cohort=new_cohort, skills=["python"])
    verify(item(b, "Olympiad"))

    assert found(program_id=maths.pk) == [a.slug]
    assert found(cohort_year=2021) == [a.slug]
    assert found(graduation_year=2025) == [a.slug]
    assert found(graduation_year=2028) == [b.slug]
    assert sorted(found(skills=["PYTHON"])) == sorted([a.slug, b.slug])
    assert found(skills=["python", " sql "]) == [a.slug]  # all of them
    assert found(skills=["Haskell"]) == []
    assert found(verified_only=True) == [b.slug]
    assert found("bolot", skills=["python"], verified_only=True) == [b.slug]
    assert found("asel", verified_only=True) == []


def test_skills_of_visible_items_count_for_the_filter_but_not_of_private_ones():
    portfolio = listed()
    item(portfolio, "Data project", skills=["Pandas"])
    item(portfolio, "Secret project", skills=["Cobol"], visibility=Visibility.PRIVATE)

    assert found(skills=["pandas"]) == [portfolio.slug]
    assert found(skills=["cobol"]) == []


# --- Privacy -------------------------------------------------------------------------


def test_items_hidden_from_signed_in_users_never_make_a_portfolio_match():
    portfolio = listed()
    item(portfolio, "Zebrafish genome", visibility=Visibility.PRIVATE,
         description="Quantum entanglement notes", organisation="Secret Lab")  # fmt: skip
    item(portfolio, "Hydroponics trial", visibility=Visibility.SUPERVISORS)
    item(portfolio, "Public chess cup", visibility=Visibility.PUBLIC)

    for query in ("zebrafish", "quantum", "secret lab", "hydroponics", "zebrafsh"):
        assert found(query) == [], query
    assert found("chess") == [portfolio.slug]


def test_unlisted_portfolios_never_match_nor_show():
    supervisors_only = listed("Hidden", "Page", headline="Astronomy lover",
                              visibility=Visibility.SUPERVISORS)  # fmt: skip
    private = listed("Private", "Page", headline="Astronomy lover", visibility=Visibility.PRIVATE)
    gone = listed("Gone", "Away", headline="Astronomy lover")
    gone.student.is_active = False
    gone.student.save()
    public = listed("Public", "Page", headline="Astronomy lover", visibility=Visibility.PUBLIC)

    assert found("astronomy") == [public.slug]
    assert found("") == [public.slug]
    assert found("astronmy") in ([public.slug], [])
    for hidden in (supervisors_only, private, gone):
        assert hidden.slug not in found(hidden.student.first_name)


def test_a_portfolio_leaves_the_results_when_its_student_hides_it():
    portfolio = listed(headline="Astronomy lover")
    assert found("astronomy") == [portfolio.slug]

    portfolio_update(portfolio=portfolio, skills=[], visibility=Visibility.SUPERVISORS)
    assert found("astronomy") == []


# --- Any input -----------------------------------------------------------------------


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_any_query_runs_without_error(query):
    portfolio = listed(headline="Python teacher")
    results = portfolio_search(query=query)
    assert results.count() == len(list(results))
    assert set(p.slug for p in results) <= {portfolio.slug}


def test_queries_are_cleaned_and_capped():
    assert clean_query("a\x00b") == "a b"
    assert clean_query("  python \n\t teacher ") == "python teacher"
    assert clean_query("soft\u00adhyphen") == "softhyphen"
    assert clean_query("x" * 10_000) == "x" * search.MAX_QUERY_LENGTH
    assert clean_query(None) == ""
    assert clean_query("учитель 🐍") == "учитель 🐍"


def search_key(word: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_key(%s)", [word])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "one, other",
    [("Нурбек", "Nurbek"), ("Айгерим", "aigerim"), ("Жылдыз", "Jyldyz"), ("Жылдыз", "Zhyldyz"),
     ("Чолпон", "Cholpon"), ("Шарапат", "Sharapat"), ("Өмүр", "Ömür"), ("Үмүт", "Umut"),
     ("Евгений", "Evgeniy"), ("эксель", "Excel"), ("Щукин", "Shchukin"), ("фото", "photo"),
     ("Данияр", "Daniyar"), ("Джамиля", "Djamilya"), ("Хасан", "Khasan")],
)  # fmt: skip
def test_the_sound_key_makes_both_alphabets_one(one, other):
    assert search_key(one) == search_key(other)


def test_the_sound_key_keeps_different_words_apart():
    words = ("teacher", "python", "design", "дизайн", "мугалим", "мектеп", "математика",
             "music", "history")  # fmt: skip
    assert len({search_key(word) for word in words}) == len(words)


def test_open_to_work_is_a_filter_not_a_condition_of_the_listing():
    looking = listed("Looking", "One", headline="Astronomy lover")
    not_looking = listed("Not", "Looking", headline="Astronomy lover", open_to_work=False)

    assert sorted(found("astronomy")) == sorted([looking.slug, not_looking.slug])
    assert found("astronomy", open_to_work=True) == [looking.slug]


def test_program_faculty_and_section_names_in_every_language_find_students():
    psychology = ProgramFactory(
        name_en="Psychology", name_ru="Психология", name_ky="Психология",
        faculty__name_en="Faculty of Pedagogy", faculty__name_ru="Педагогический факультет",
        faculty__name_ky="Педагогика факультети",
    )  # fmt: skip
    student = listed("Asel", "Psy", program=psychology)
    other = listed("Bolot", "Other")
    item(other, "Chess cup")

    for query in ("психология", "psychology", "педагогический факультет", "педагогика"):
        assert found(query) == [student.slug], query
    category = other.achievements.first().category
    assert other.slug in found(category.name_ru)
    assert other.slug in found(category.name_en)


def test_snippets_mark_where_the_words_occur_and_escape_the_text():
    portfolio = listed(headline="Teacher <b>of</b> maths")
    item(portfolio, "Олимпиадаларга катыштым & <3", description="Подготовка к олимпиаде.")

    snippet = search.search_snippets([portfolio.pk], "олимпиада")[portfolio.pk]
    assert "<mark>Олимпиадаларга</mark>" in snippet
    assert "катыштым &amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert search.search_snippets([portfolio.pk], "teachers")[portfolio.pk].startswith(
        "<mark>Teacher</mark>"
    )
    assert search.search_snippets([portfolio.pk], "🐍") == {}


def test_a_very_long_query_counts_its_first_words_only():
    portfolio = listed(headline="Python developer")
    assert found("python " + "zzz " * 5_000) == []  # every word counts
    assert found("python developer " + " ".join(["python"] * 3_000)) == [portfolio.slug]


def test_renaming_a_program_faculty_or_section_reaches_the_search():
    portfolio = listed("Asel", "Renamed")
    achievement = item(portfolio, "Chess cup")
    program, category = portfolio.student.program, achievement.category

    program.name_ky = "Шахмат таануу"
    program.save()
    assert found("таануу") == [portfolio.slug]
    program.faculty.name_ru = "Факультет шахмат"
    program.faculty.save()
    assert found("факультет шахмат") == [portfolio.slug]
    category.name_en = "Tournaments"
    category.save()
    assert found("tournaments") == [portfolio.slug]


def test_search_reads_documents_through_their_index_and_puts_the_setting_back():
    listed(headline="Python developer")
    results = portfolio_search(query="python")
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)
        assert results.count() == 1 and len(list(results)) == 1
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)  # only the search's own statements are bound


def test_the_search_page_plan_never_reads_documents_one_by_one():
    for number in range(30):
        listed(f"Student{number}", "Python", headline="Python developer")
    queryset = portfolio_search(query="python")._documents.values_list("pk", "rank")[:20]
    sql, params = queryset.query.sql_with_params()
    with search._through_indexes("default"), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # (Which index a table of 30 rows is read by is the planner's choice; bench/search.py
    # shows the document index at 100,000 portfolios.)
    assert "Seq Scan on portfolios_searchdocument" not in plan


def test_matches_are_counted_up_to_the_cap(monkeypatch):
    for number in range(4):
        listed(f"Student{number}", "Counted", headline="Python developer")
    monkeypatch.setattr(search, "COUNT_CAP", 2)

    results = portfolio_search(query="python")
    assert results.count() == 3  # the cap and one more: "more than 2"
    assert len(list(results)) == 4


def test_the_vocabulary_rebuild_drops_the_words_of_hidden_portfolios():
    from search.derived import vocabulary_rebuild
    from search.models import SearchWord

    portfolio = listed(headline="Xylophonist")
    assert SearchWord.objects.filter(word="xylophonist").exists()
    portfolio_update(portfolio=portfolio, skills=[], visibility=Visibility.SUPERVISORS)
    assert SearchWord.objects.filter(word="xylophonist").exists()  # until the nightly rebuild

    assert vocabulary_rebuild() == SearchWord.objects.count()
    assert not SearchWord.objects.filter(word="xylophonist").exists()
    assert found("xylophonist") == []


def test_a_page_among_the_ranked_candidates_is_the_same_page_as_among_all(monkeypatch):
    monkeypatch.setattr(search, "RANK_CANDIDATES", 5)
    for number in range(8):
        listed(f"Strong{number}", "One", headline="Chess " * (number % 3 + 1) + "coach")
    for number in range(3):
        item(listed(f"Weak{number}", "One"), "Club", description="I also played chess.")

    results = portfolio_search(query="chess")
    everything = [p.slug for p in results]  # all matches, read in one statement
    assert len(everything) == 11
    assert [p.slug for p in results[0:3]] == everything[0:3]  # among the candidates
    assert [p.slug for p in results[3:5]] == everything[3:5]
    assert [p.slug for p in results[4:7]] == everything[4:7]  # past them
    assert [p.slug for p in results[:20]] == everything
    assert all(p.rank > 1 for p in results[0:5]) and all(p.rank == 1 for p in results[5:])
