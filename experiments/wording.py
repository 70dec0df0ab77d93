"""How a report is said, in the reader's language: the figures of selectors.experiment_report
written as the analytics pages write numbers (analytics/formatting.py), and the
plain-language conclusion of each comparison. Used by the results page and by
``experiment_report`` alike."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from analytics import formatting
from experiments.models import Arm, Metric


def _missing(number) -> bool:
    return number is None or not math.isfinite(number)


def p_value(number) -> str:
    return formatting.NO_FIGURE if _missing(number) else formatting.p_value(number)


def share(number) -> str:
    return formatting.NO_FIGURE if _missing(number) else formatting.percent(number)


def value(metric: str, number: float | None) -> str:
    if _missing(number):
        return formatting.NO_FIGURE
    if metric == Metric.ACTIVE_WEEKS_SHARE:
        return formatting.decimal(100 * number, 1) + " %"
    if metric == Metric.REVIEW_SCORE:
        return formatting.score(number)
    return formatting.coefficient(number)


def relative(number: float | None) -> str:
    if _missing(number):
        return formatting.NO_FIGURE
    text = formatting.decimal(100 * number, 1) + " %"
    return ("+" + text) if number > 0 else text


def interval(metric: str, ci, *, as_relative: bool = False) -> str:
    if not ci:
        return formatting.NO_FIGURE
    if as_relative:
        return f"{relative(ci[0])} … {relative(ci[1])}"
    return f"{value(metric, ci[0])} … {value(metric, ci[1])}"


def level_percent(level: float) -> str:
    return formatting.decimal(100 * level, 1 if round(100 * level, 1) % 1 else 0) + " %"


def conclusion(comparison: dict, *, metric: str, arm: str, planned_n: int | None,
               primary: bool, srm: dict) -> str:  # fmt: skip
    """One paragraph a non-statistician can act on."""
    welch = comparison["welch"] or {}
    n = min(comparison["control"]["n"], comparison["treated"]["n"])
    arm_label = str(Arm(arm).label)
    kind = comparison["verdict"]
    level = level_percent(comparison["level"])
    if kind == "not_enough_data":
        if planned_n is not None and n < planned_n:
            text = _(
                "Not enough data yet: the plan needs %(planned)s students with a value in "
                "each arm and the smaller arm has %(n)s. Do not read anything into the "
                "difference so far."
            ) % {"planned": planned_n, "n": n}
        else:
            text = _(
                "Not enough data yet: the %(level)s interval of the difference is still wider "
                "than the effect the experiment looks for (%(effect)s either way), so it cannot "
                "tell that effect from none."
            ) % {"level": level, "effect": value(metric, comparison["mde_absolute"])}
    elif kind in ("better", "worse"):
        template = (
            _("%(arm)s did better than the control: %(difference)s (%(relative)s; %(level)s "
              "interval %(low)s … %(high)s), p = %(p)s.")
            if kind == "better"
            else _("%(arm)s did worse than the control: %(difference)s (%(relative)s; %(level)s "
                   "interval %(low)s … %(high)s), p = %(p)s.")
        )  # fmt: skip
        low, high = welch["ci"]
        text = template % {
            "arm": arm_label, "difference": value(metric, welch["diff"]),
            "relative": relative(welch["relative"]), "level": level,
            "low": value(metric, low), "high": value(metric, high),
            "p": p_value(welch["p"]),
        }  # fmt: skip
    elif kind == "no_effect":
        text = _(
            "No difference as large as the one looked for (%(effect)s): the %(level)s interval "
            "rules it out (p = %(p)s)."
        ) % {"effect": value(metric, comparison["mde_absolute"]), "level": level,
             "p": p_value(welch.get("p"))}  # fmt: skip
    else:
        text = _(
            "No significant difference (p = %(p)s), but the interval still includes an effect "
            "as large as the one looked for: the result is inconclusive."
        ) % {"p": p_value(welch.get("p"))}
    if not primary:
        text = _("Secondary metric, exploratory only:") + " " + text
    if srm.get("mismatch"):
        text = (
            _("Warning: the arms' sizes differ from the planned equal split more than chance "
              "allows (chi-square p = %(p)s); check the assignment before trusting any "
              "figure.") % {"p": p_value(srm["p"])}
            + " " + text
        )  # fmt: skip
    return text


def describe_report(report: dict) -> list[dict]:
    """Per metric: its label, each arm's figures and each comparison's, written out."""
    described = []
    for entry in report["metrics"]:
        metric = entry["metric"]
        arms = []
        for arm in report["arms"]:
            figures = entry["arms"][arm]
            arms.append({"arm": arm, "label": Arm(arm).label, "n": figures["n"],
                         "mean": value(metric, figures["mean"]),
                         "sd": value(metric, figures["sd"])})  # fmt: skip
        comparisons = []
        for arm, c in entry["comparisons"].items():
            w, a = c["welch"] or {}, c["adjusted"] or {}
            comparisons.append({
                "arm": arm, "label": Arm(arm).label, "verdict": c["verdict"],
                "difference": value(metric, w.get("diff")),
                "interval": interval(metric, w.get("ci")),
                "relative": relative(w.get("relative")),
                "relative_interval": interval(metric, w.get("relative_ci"), as_relative=True),
                "p": p_value(w.get("p")),
                "adjusted": value(metric, a.get("diff")),
                "adjusted_interval": interval(metric, a.get("ci")),
                "adjusted_p": p_value(a.get("p")),
                "narrower": formatting.NO_FIGURE if _missing(a.get("narrower"))
                else formatting.decimal(100 * a["narrower"], 1) + " %",
                "power": share(c["power"]),
                "level": level_percent(c["level"]),
                "conclusion": conclusion(c, metric=metric, arm=arm, primary=entry["primary"],
                                         planned_n=report["planned_n"], srm=report["srm"]),
            })  # fmt: skip
        described.append({"metric": metric, "label": Metric(metric).label,
                          "primary": entry["primary"], "arms": arms,
                          "comparisons": comparisons})  # fmt: skip
    return described
