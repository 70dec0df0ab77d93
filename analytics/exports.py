"""The figures as plain data: the JSON of ``analytics_report`` and the CSV tables of the
dashboard's download links and ``analytics_export``. One shape for every output, so the
dashboard, the report and the files always agree."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from accounts.models import Cohort, Program
from analytics.selectors import STUDENT_COLUMNS, Filters, monitoring_rows, student_rows
from feedback.models import Term


def report(figures: dict, f: Filters) -> dict:
    """JSON-ready figures (keys at least n, histogram, programs, correlation)."""
    c = figures["correlation"]
    return {
        "filters": {
            "program": _code(Program, f.program_id, "code"),
            "cohort": _code(Cohort, f.cohort_id, "entry_year"),
            "term": _code(Term, f.term_id, "name_en") or "all",
            "metric": f.metric, "bin_width": f.bin_width, "inactive_days": f.inactive_days,
            "completeness_below": f.completeness_below,
        },
        "students": figures["students"],
        "n": figures["n"],
        "without_score": figures["without_score"],
        "summary": {k: v for k, v in figures["summary"].items()},
        "histogram": figures["histogram"],
        "programs": [
            {k: row[k] for k in ("code", "n", "mean", "sd", "min", "max", "ci95")}
            for row in figures["programs"]
        ],
        "correlation": {
            "metric": f.metric, "n": c["n"], "r": c["r"], "p": c["p"], "ci95": c["ci95"],
            "spearman": c["spearman"], "spearman_p": c["spearman_p"], "slope": c["slope"],
            "intercept": c["intercept"], "too_few": c["too_few"],
            "no_variation": c["no_variation"], "p_method": p_method(c),
        },
        "weekly": [{**w, "week": w["week"].isoformat()} for w in figures["weekly"]],
        "monitoring": figures["monitoring"],
        "employment": figures["employment"],
        "computed_at": figures["computed_at"].isoformat(),
        "windows_on": figures["windows_on"].isoformat() if figures["windows_on"] else None,
    }  # fmt: skip


def p_method(c: dict) -> str | None:
    """How the correlation's p-values were found: every pairing counted (small groups, see
    analytics/stats.py) or scipy's t approximations; None without p-values."""
    if c["p"] is None:
        return None
    return "exact_permutation" if c["exact"] else "t_approximation"


def _code(model, pk, field):
    """What the command-line filters name an object by (program code, entry year, term)."""
    if pk is None:
        return None
    return model.objects.filter(pk=pk).values_list(field, flat=True).first()


def _ci(ci) -> list:
    return ["", ""] if ci is None else [ci[0], ci[1]]


def table_rows(name: str, figures: dict, f: Filters) -> Iterator[list]:
    """A table as CSV rows, header first. Names: TABLES."""
    if name == "histogram":
        yield ["from", "to", "students"]
        for b in figures["histogram"]:
            yield [b["low"], b["high"], b["n"]]
    elif name == "programs":
        yield ["program", "n", "mean", "sd", "min", "max", "ci95_low", "ci95_high"]
        for p in figures["programs"]:
            yield [
                p["code"],
                p["n"],
                p["mean"],
                _blank(p["sd"]),
                p["min"],
                p["max"],
                *_ci(p["ci95"]),
            ]
    elif name == "correlation":
        c = figures["correlation"]
        yield ["metric", "n", "r", "p", "ci95_low", "ci95_high", "spearman", "spearman_p",
               "p_method"]  # fmt: skip
        yield [f.metric, c["n"], _blank(c["r"]), _blank(c["p"]), *_ci(c["ci95"]),
               _blank(c["spearman"]), _blank(c["spearman_p"]), _blank(p_method(c))]  # fmt: skip
    elif name == "weekly":
        yield ["week", "active_students", "updates"]
        for w in figures["weekly"]:
            yield [w["week"].isoformat(), w["active_students"], w["updates"]]
    elif name == "employment":
        yield ["tertile", "activity_min", "activity_max", "graduates", "employed", "rate",
               "in_field", "in_field_rate"]  # fmt: skip
        for e in figures["employment"]:
            yield [e["tertile"], e["activity_min"], e["activity_max"], e["graduates"],
                   e["employed"], e["rate"], e["in_field"], e["in_field_rate"]]  # fmt: skip
    elif name in ("inactive", "incomplete"):
        yield ["student", "username", "program", "cohort", "portfolio", "completeness",
               "last_update", "days_since_update"]  # fmt: skip
        for r in monitoring_rows(f)[name]:
            yield [f"{r['first_name']} {r['last_name']}".strip(), r["username"], r["program"] or "",
                   r["cohort"] or "", r["slug"] or "", r["completeness"],
                   r["last_update_at"].isoformat() if r["last_update_at"] else "",
                   _blank(r["days"])]  # fmt: skip
    elif name == "students":
        yield from student_table(f)
    else:
        raise KeyError(name)


TABLES = ("histogram", "programs", "correlation", "weekly", "employment", "inactive",
          "incomplete", "students")  # fmt: skip


def student_table(f: Filters) -> Iterator[list]:
    yield STUDENT_COLUMNS
    for row in student_rows(f):
        yield [_blank(row[c]) for c in STUDENT_COLUMNS]


def _blank(value):
    """Empty for "no figure"; floats in full (repr) so a reader gets the exact value."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


def write_csv(stream, rows: Iterable[list]) -> None:
    writer = csv.writer(stream)
    for row in rows:
        writer.writerow(row)
