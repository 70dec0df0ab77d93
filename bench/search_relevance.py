"""Relevance of the employers' search: judged queries against a corpus built to know the
answers (issue 17).

Creates its own database (``<DATABASE_URL's name>_search_relevance``, or
``BENCH_DATABASE_URL``), migrates it and builds the corpus of ``relevance_corpus``: about
sixty planted students who carry the judged facts (an olympiad written "Олимпиадаларга",
teachers with and without Python, the only students of Psychology or Design, Kyrgyz names
typed in Latin) among neutral filler students, in Russian, Kyrgyz and English; the search
documents are built by ``portfolio_refresh_all``, the app's own SQL. Then every query of
``search_queries.json`` goes through ``search.query.portfolio_search`` with its filters,
as the employers' page runs it, and is scored:

* recall@10: the share of its relevant students in the first 10 (of at most 10);
* reciprocal rank of the first relevant student (MRR over a class);
* must_not violations: students that must not be in the first 10 but are (excluded by
  "-word", filtered out, or not shown to employers at all).

It prints a table per class and overall, marks the classes below 0.9, and lists the
failing queries with what came first. The exit code is 0 whatever the figures (it is a
benchmark); ``tests/search_relevance`` holds the same queries to 0.9.

    .venv/bin/python bench/search_relevance.py [--filler 360] [--json out.json]
                                               [--reseed] [--drop] [--smoke]

``--smoke`` (or ``BENCH_SIZE=smoke``): 60 filler students, in a fresh database dropped at
the end (``make bench-smoke``). The database is kept for the next run otherwise;
``--reseed`` builds the corpus again.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=360, help="neutral students")
    parser.add_argument("--json", type=Path, help="write every query's outcome here")
    parser.add_argument("--failures", type=int, default=60, help="failing queries shown")
    return benchdb.parse_args(parser, smoke={"filler": 60})


ARGS = parse_args()
benchdb.start("search_relevance", ARGS)

import relevance_corpus as corpus_module  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402


def names(usernames: list[str]) -> dict[str, str]:
    return {
        u.username: f"{u.first_name} {u.last_name}"
        for u in User.objects.filter(username__in=usernames)
    }


def show_failures(outcomes, limit: int) -> None:
    failing = [o for o in outcomes if o.failed]
    print(f"\nfailing queries ({len(failing)} of {len(outcomes)}: a relevant student not in "
          f"the first 10, or an excluded one in them); "
          f"first {min(limit, len(failing))}:")  # fmt: skip
    shown = names([n for o in failing for n in o.top + o.query["relevant"]])
    for outcome in failing[:limit]:
        q = outcome.query
        filters = f" {q['filters']}" if q.get("filters") else ""
        print(f"\n  {q['id']:14} [{q['lang']}] {q['query']!r}{filters}: "
              f"recall@10 {outcome.recall:.2f}, RR {outcome.reciprocal_rank:.2f}, "
              f"{outcome.found} found")  # fmt: skip
        missing = [n for n in q["relevant"] if n not in outcome.top]
        if missing:
            print("    missing: " + ", ".join(f"{n} ({shown.get(n, '?')})" for n in missing))
        if outcome.violations:
            print("    MUST NOT: " + ", ".join(outcome.violations))
        if outcome.top:
            first = ", ".join(
                ("*" if n in q["relevant"] else "") + f"{n} ({shown.get(n, '?')})"
                for n in outcome.top[:5]
            )
            print(f"    first: {first}")
        else:
            print("    first: (nothing found)")


def main() -> None:
    name = connection.settings_dict["NAME"]
    try:
        started = time.perf_counter()
        if corpus_module.corpus_exists():
            corpus = corpus_module.load_corpus()
            if len(corpus.students) != len(corpus_module.PLANTED) + ARGS.filler:
                sys.exit(f"{name} holds another corpus size: run with --reseed.")
            print(f"corpus: {len(corpus.students)} students (kept)")
        else:
            corpus = corpus_module.build_corpus(filler=ARGS.filler)
            print(f"corpus: {len(corpus.students)} students "
                  f"({len(corpus_module.PLANTED)} planted) built in "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        queries = corpus_module.load_queries()
        started = time.perf_counter()
        outcomes = corpus_module.evaluate(queries, corpus)
        print(f"{len(queries)} judged queries in {time.perf_counter() - started:.1f} s\n")
        print(corpus_module.table(outcomes))
        summary = corpus_module.by_class(outcomes)
        below = [c for c, row in summary.items()
                 if c != "overall" and row["recall_at_10"] < corpus_module.TARGET]  # fmt: skip
        violations = summary["overall"]["violations"]
        print(f"\nclasses below recall@10 {corpus_module.TARGET}: {', '.join(below) or 'none'}")
        print(f"must_not violations: {violations}")
        show_failures(outcomes, ARGS.failures)
        if ARGS.json:
            ARGS.json.write_text(json.dumps({
                "summary": summary,
                "queries": [{"id": o.query["id"], "class": o.query["class"],
                             "query": o.query["query"], "filters": o.query.get("filters"),
                             "recall_at_10": o.recall, "reciprocal_rank": o.reciprocal_rank,
                             "violations": o.violations, "top": o.top, "found": o.found}
                            for o in outcomes],
            }, ensure_ascii=False, indent=1), encoding="utf-8")  # fmt: skip
            print(f"\nwrote {ARGS.json}")
    finally:
        if not ARGS.drop:
            print(f"kept {name} for the next run (--drop or dropdb removes it)")


if __name__ == "__main__":
    main()
