"""The employers' search against the judged queries of bench/search_queries.json, on the
corpus of bench/relevance_corpus.py (issue 17; bench/search_relevance.py prints the same
figures per class). A quality assertion: every class's recall@10 at least 0.9 and no
excluded or hidden student in the first 10."""

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import relevance_corpus as rc  # noqa: E402

from portfolios.models import Visibility  # noqa: E402

pytestmark = pytest.mark.django_db

QUERIES = rc.load_queries()
PLANTED = {student.username: student for student in rc.PLANTED}
# Employers' search lists every page visible to signed-in users ("open to work" is a filter).
LISTED = {name for name, s in PLANTED.items() if s.visibility >= Visibility.SIGNED_IN}
HIDDEN = set(PLANTED) - LISTED


@pytest.fixture
def corpus():
    return rc.build_corpus(filler=rc.FILLER)


def test_the_queries_cover_every_class_and_language():
    assert len(QUERIES) >= 80
    assert len({q["id"] for q in QUERIES}) == len(QUERIES)
    classes = Counter(q["class"] for q in QUERIES)
    assert set(classes) == {"exact", "inflected", "typo", "program", "section", "skill",
                            "translit", "phrase", "exclusion", "filters", "or"}  # fmt: skip
    assert min(classes.values()) >= 6
    assert {q["lang"] for q in QUERIES} == {"en", "ru", "ky"}


def test_the_judgements_name_planted_students_shown_to_employers():
    for q in QUERIES:
        assert 1 <= len(q["relevant"]) <= rc.CUTOFF, q["id"]
        assert set(q["relevant"]) <= LISTED, q["id"]
        assert set(q.get("must_not", [])) <= set(PLANTED), q["id"]
        assert not set(q["relevant"]) & set(q.get("must_not", [])), q["id"]


def _sets(key) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for name in LISTED:
        for value in key(PLANTED[name]):
            groups.setdefault(value, set()).add(name)
    return list(groups.values())


def test_program_and_section_judgements_are_whole():
    """A program (or faculty) query's relevant students are all the listed students of a
    program or faculty; a section query's, all those with an item visible in the section."""
    faculty = {code: spec[0] for code, spec in rc.PROGRAMS.items()}
    faculty |= {code: spec[0] for code, spec in rc.demo.PROGRAMS.items()}
    programs = _sets(lambda s: [s.program]) + _sets(lambda s: [faculty[s.program]])
    sections = _sets(lambda s: {i.section for i in s.items if i.visibility >= Visibility.SIGNED_IN})
    for q in QUERIES:
        if q["class"] == "program":
            assert set(q["relevant"]) in programs, q["id"]
        if q["class"] == "section":
            assert set(q["relevant"]) in sections, q["id"]


def test_no_filler_text_holds_a_judged_word():
    rc.check_filler(rc.filler_students(rc.FILLER))
    with pytest.raises(ValueError, match="олимпиад"):
        rc.check_filler([rc.Student("filler-x", "A", "B", "history", headline="Олимпиада")])


def test_students_hidden_from_employers_never_show(corpus):
    for outcome in rc.evaluate(QUERIES, corpus):
        assert not set(outcome.top) & HIDDEN, outcome.query["id"]


def test_every_class_reaches_the_target(corpus):
    outcomes = rc.evaluate(QUERIES, corpus)
    summary = rc.by_class(outcomes)
    below = {c: round(row["recall_at_10"], 2) for c, row in summary.items()
             if row["recall_at_10"] < rc.TARGET}  # fmt: skip
    assert not below, "\n" + rc.table(outcomes)
    assert summary["overall"]["violations"] == 0, "\n" + rc.table(outcomes)
