"""What to recommend to a student now, and which students a supervisor should look at.

Candidates come from the student's portfolio as it stands (an item without evidence, an
empty section, skills of similar students, a quiet journal or portfolio, an item with a
file that nobody was asked to verify, an empty "about"); a candidate the student already
satisfies is never made, and one they answered (done, not useful; "not now" for a few
days) is left out. In the "model" mode each is ranked by the estimated gain — the models'
prediction with the action applied to the student's features minus without: points of
next term's score plus ``UPDATE_POINTS`` per unit of probability of updating in 30 days —
blended with its prior (the share of similar students who have it); without a usable model
(none passed, its file fails to load) and in the "rules" mode a fixed order per kind plus
the same prior decides. Computed on demand (bench/recommendations.py measures it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import SupervisorAssignment
from achievements.models import Achievement, Evidence, VerificationStatus
from portfolios.models import Category, Portfolio
from recommendations import features, figures, training
from recommendations.models import Response

MODES = ("model", "rules")
UPDATE_POINTS = 20.0  # one unit of probability of updating in 30 days = 20 score points
PRIOR_WEIGHT = 1.0
INACTIVE_DAYS = 30
JOURNAL_QUIET_DAYS = 45
# The rules' order (higher first), used without a model and to break ties.
RULE_WEIGHT = {
    "update": 6.0, "evidence": 5.0, "section": 4.0, "verify": 3.5, "journal": 3.0,
    "skill": 2.0, "profile": 1.5,
}  # fmt: skip


@dataclass
class Recommendation:
    key: str
    kind: str
    text: str
    url: str
    prior: float = 0.0  # 0..1: how common the step is among similar students
    gain: float | None = None  # the models' estimated gain (None: ranked by the rules)
    rank: float = 0.0
    change: dict = field(default_factory=dict, repr=False)  # what the step does to features

    @property
    def learned(self) -> bool:
        return self.gain is not None


def _with_update(change: dict | None = None) -> dict:
    """Every step is an update of the portfolio: its rhythm features move too."""
    return {"updates_30d": 1, "updates_90d": 1, "updates_term": 1, "days_since_update": "0",
            **(change or {})}  # fmt: skip


def apply_change(values: dict[str, float], change: dict) -> dict[str, float]:
    """``change``: feature → an increment (number) or a new value (a string)."""
    out = dict(values)
    for name, delta in change.items():
        if isinstance(delta, str):
            out[name] = float(delta)
        else:
            out[name] = out.get(name, 0.0) + delta
    if values.get("days_since_update", 0) >= 7 and "days_since_update" in change:
        out["active_weeks_term"] = out.get("active_weeks_term", 0.0) + 1
    return out


def _hidden_keys(student) -> set[str]:
    now = timezone.now()
    return {
        key
        for key, choice, until in Response.objects.filter(student=student).values_list(
            "key", "choice", "hidden_until"
        )
        if choice != "later" or (until is not None and until > now)
    }


def _candidates(student, portfolio, row: features.Row, categories, today: date) -> list:
    program = figures.program_figures(student.program_id)
    out: list[Recommendation] = []
    code_of = {c.pk: c.code for c in categories}
    active = len(categories)
    items = list(
        Achievement.objects.filter(portfolio=portfolio)
        .annotate(has_file=Exists(Evidence.objects.filter(achievement=OuterRef("pk"))))
        .order_by("-featured", "order", "pk")
        .values("pk", "title", "category_id", "has_file", "verification_status")
    )
    edit = reverse("achievements:edit", args=[0]).replace("/0/", "/{}/")
    ratio, with_file = (
        program.file_ratio,
        program.share(program.files_verified, program.files_items),
    )
    for item in items:
        if item["has_file"]:
            continue
        if ratio is not None and ratio >= 1.1:
            reason = _(
                "achievements with a file are verified %(ratio)s× more often in your program"
            ) % {"ratio": _format_ratio(ratio)}
        elif program.files_items >= figures.MIN_GROUP:
            reason = _("%(share)s%% of achievements with a file in your program are verified") % {
                "share": with_file
            }
        else:
            reason = _("a file lets employers see it and your supervisor verify it")
        out.append(Recommendation(
            key=f"evidence:{item['pk']}", kind="evidence",
            text=_("Add evidence to “%(title)s” — %(reason)s.") % {"title": item["title"],
                                                                 "reason": reason},
            url=edit.format(item["pk"]), prior=program.verified_with_file,
            change=_with_update({
                "items_with_evidence": 1, "evidence_files": 1,
                **({features.section_evidence_feature(code_of[item["category_id"]]): 1}
                   if item["category_id"] in code_of else {}),
                "completeness": str(features.row_completeness(row, active=active, with_files=1)),
            }),
        ))  # fmt: skip
    for item in items:
        if item["has_file"] and item["verification_status"] == VerificationStatus.NONE:
            out.append(Recommendation(
                key=f"verify:{item['pk']}", kind="verify",
                text=(_("Ask your supervisor to verify “%(title)s”: %(share)s%% of achievements "
                        "with a file in your program are verified.")
                      if program.files_items >= figures.MIN_GROUP
                      else _("Ask your supervisor to verify “%(title)s”: employers trust a "
                             "verified achievement more."))
                % {"title": item["title"], "share": with_file},
                url=edit.format(item["pk"]), prior=program.verified_with_file,
                change={"verified_items": 1},
            ))  # fmt: skip
    filled = {item["category_id"] for item in items}
    create = reverse("achievements:create")
    program_name = program.name
    for category in categories:
        section_id, code = category.pk, category.code
        if section_id in filled:
            continue
        share, among_high = program.section_share(section_id)
        section = category.name
        if among_high:
            text = _(
                "Your %(section)s section is empty: %(share)s%% of %(program)s students who "
                "scored %(score)s+ have one."
            ) % {"section": section, "share": share, "program": program_name,
                 "score": figures.HIGH_SCORE}  # fmt: skip
        else:
            text = _(
                "Your %(section)s section is empty: %(share)s%% of %(program)s students have one."
            ) % {"section": section, "share": share, "program": program_name}
        out.append(Recommendation(
            key=f"section:{code}", kind="section", text=text, url=f"{create}?section={code}",
            prior=share / 100,
            change=_with_update({
                features.section_feature(code): 1, "items": 1, "sections_filled": 1,
                "completeness": str(features.row_completeness(row, active=active, filled=1,
                                                              items=1)),
            }),
        ))  # fmt: skip
    mine = row.values["skills"] > 0
    for skill_id, name, listing, peers in figures.similar_skills(
        portfolio_id=portfolio.pk, content_version=portfolio.content_version,
        program_id=student.program_id, has_skills=mine,
    ):  # fmt: skip
        share = round(100 * listing / peers) if peers else 0
        text = (
            _("Students with skills like yours also list %(skill)s (%(share)s%% of them).")
            if mine
            else _("%(share)s%% of %(program)s students who list skills have %(skill)s.")
        ) % {"skill": name, "share": share, "program": program_name}
        out.append(Recommendation(
            key=f"skill:{skill_id}", kind="skill", text=text, url=reverse("portfolios:profile"),
            prior=share / 100,
            change=_with_update({
                "skills": 1,
                "completeness": str(features.row_completeness(row, active=active, skill=1)),
            }),
        ))  # fmt: skip
    days = int(row.values["days_since_update"])
    period = today.strftime("%Y-%m")
    if days >= INACTIVE_DAYS:
        share = program.share(program.updated_30d, program.students)
        if days >= features.NEVER_UPDATED_DAYS:
            text = _("You have not updated your portfolio yet: %(share)s%% of your program "
                     "did in the last 30 days.") % {"share": share}  # fmt: skip
        else:
            text = ngettext(
                "You have not updated your portfolio in %(days)s day: %(share)s%% of your "
                "program did in the last 30 days.",
                "You have not updated your portfolio in %(days)s days: %(share)s%% of your "
                "program did in the last 30 days.",
                days,
            ) % {"days": days, "share": share}
        out.append(Recommendation(
            key=f"update:{period}", kind="update", text=text, url=reverse("portfolios:editor"),
            prior=share / 100, change=_with_update(),
        ))  # fmt: skip
    last_post = row.last_post
    if last_post is None or (timezone.now() - last_post).days >= JOURNAL_QUIET_DAYS:
        share = program.share(program.journal_keepers, program.students)
        out.append(Recommendation(
            key=f"journal:{period}", kind="journal",
            text=_("Write a journal post about what you are working on: %(share)s%% of "
                   "your program keep a journal.") % {"share": share},
            url=reverse("journal:create"), prior=share / 100,
            change=_with_update({"posts": 1}),
        ))  # fmt: skip
    if not portfolio.about.strip():
        out.append(Recommendation(
            key="profile:about", kind="profile",
            text=_("Write a few lines about yourself: it is the first thing a visitor reads."),
            url=reverse("portfolios:profile"), prior=0.5,
            change=_with_update({
                "completeness": str(features.row_completeness(row, active=active, profile=1)),
            }),
        ))  # fmt: skip
    return out


def _format_ratio(ratio: float) -> str:
    from django.utils.formats import number_format

    return number_format(round(ratio, 1), decimal_pos=1 if ratio < 10 else 0)


def _vector(values: dict[str, float], names: list[str]) -> list[float]:
    return [values.get(name, 0.0) for name in names]


def _predict(fitted: training.Fitted, rows: list[dict[str, float]]) -> np.ndarray:
    """The blended outcome per row: score points + UPDATE_POINTS × P(update in 30 days)."""
    x = np.array([_vector(r, fitted.names) for r in rows], dtype=float)
    total = np.zeros(len(rows))
    with training.one_thread():
        if fitted.score_model is not None:
            total += fitted.score_model.predict(x)
        if fitted.update_model is not None:
            total += UPDATE_POINTS * fitted.update_model.predict_proba(x)[:, 1]
    return total


def recommendations_for(student, *, mode: str = "model", limit: int = 5) -> list[Recommendation]:
    """Up to ``limit`` next steps for a student, best first. ``mode``: "model" (learned,
    the rules when no model can be used) or "rules"."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    portfolio = (
        Portfolio.objects.filter(student=student).only("pk", "about", "content_version").first()
    )
    if portfolio is None:
        return []
    today = timezone.localdate()
    categories = list(Category.objects.filter(is_active=True).order_by("order", "pk"))
    sections = [(c.pk, c.code) for c in categories]
    row = features.snapshot(cutoff=today, student_ids=[student.pk], sections=sections).get(
        student.pk
    )
    if row is None:
        return []
    hidden = _hidden_keys(student)
    candidates = [
        c for c in _candidates(student, portfolio, row, categories, today) if c.key not in hidden
    ]
    fitted = training.model_in_use()[1] if mode == "model" and candidates else None
    if fitted is not None:
        predicted = _predict(
            fitted, [row.values] + [apply_change(row.values, c.change) for c in candidates]
        )
        for c, after in zip(candidates, predicted[1:], strict=True):
            c.gain = float(after - predicted[0])
            c.rank = c.gain + PRIOR_WEIGHT * c.prior + 0.01 * RULE_WEIGHT[c.kind]
    else:
        for c in candidates:
            c.rank = RULE_WEIGHT[c.kind] + PRIOR_WEIGHT * c.prior
    candidates.sort(key=lambda c: (-c.rank, c.key))
    # At most two cards of one kind, so five cards are not five files to upload.
    chosen, per_kind = [], {}
    for c in candidates:
        if per_kind.get(c.kind, 0) < 2:
            chosen.append(c)
            per_kind[c.kind] = per_kind.get(c.kind, 0) + 1
        if len(chosen) == limit:
            break
    return chosen


# --- Supervisors: who needs attention --------------------------------------------------


@dataclass
class AtRisk:
    student: object
    risk: float  # probability of no update in the next 30 days (the rules: an estimate)
    reasons: list[str]
    learned: bool


EXPLAINED = ["days_since_update", "updates_90d", "items_with_evidence", "posts",
             "sections_filled", "skills"]  # fmt: skip


def _reason(name: str, value: float, typical: float) -> str | None:
    v, t = int(value), int(round(typical))
    if name == "days_since_update":
        if v >= features.NEVER_UPDATED_DAYS:
            return _("No update yet")
        return ngettext("No update in %(days)s day", "No update in %(days)s days", v) % {"days": v}
    if name == "updates_90d":
        return ngettext(
            "%(count)s update in 90 days (typical: %(typical)s)",
            "%(count)s updates in 90 days (typical: %(typical)s)",
            v,
        ) % {"count": v, "typical": t}
    if name == "items_with_evidence":
        return ngettext(
            "%(count)s achievement with evidence (typical: %(typical)s)",
            "%(count)s achievements with evidence (typical: %(typical)s)",
            v,
        ) % {"count": v, "typical": t}
    if name == "posts":
        return ngettext(
            "%(count)s journal post (typical: %(typical)s)",
            "%(count)s journal posts (typical: %(typical)s)",
            v,
        ) % {"count": v, "typical": t}
    if name == "sections_filled":
        return ngettext(
            "%(count)s section filled (typical: %(typical)s)",
            "%(count)s sections filled (typical: %(typical)s)",
            v,
        ) % {"count": v, "typical": t}
    if name == "skills":
        return ngettext(
            "%(count)s skill listed (typical: %(typical)s)",
            "%(count)s skills listed (typical: %(typical)s)",
            v,
        ) % {"count": v, "typical": t}
    return None


def _rules_risk(values: dict[str, float]) -> tuple[float, list[str]]:
    days = values["days_since_update"]
    risk = min(0.95, 0.1 + days / 90) if values["updates_30d"] == 0 else 0.1
    reasons = []
    if days >= INACTIVE_DAYS:
        reasons.append(_reason("days_since_update", days, 0))
    if values["items"] and not values["items_with_evidence"]:
        reasons.append(_("No evidence on any achievement"))
    if not values["items"]:
        reasons.append(_("No achievements yet"))
    return risk, reasons[:2]


def students_needing_attention(
    supervisor, *, limit: int = 10, min_risk: float = 0.3
) -> list[AtRisk]:
    """The supervisor's students ranked by the risk of not updating in the next 30 days
    (the update model when one passed; otherwise the rules), with their top reasons."""
    students = {
        link.student.pk: link.student
        for link in SupervisorAssignment.objects.filter(
            supervisor=supervisor, student__is_active=True
        ).select_related("student")
    }
    if not students:
        return []
    today = timezone.localdate()
    rows = features.snapshot(cutoff=today, student_ids=list(students))
    fitted = training.model_in_use()[1]
    model = fitted.update_model if fitted is not None else None
    out = []
    if model is not None:
        ids = list(rows)
        base, variants = [], []
        for sid in ids:
            values = rows[sid].values
            base.append(_vector(values, fitted.names))
            for name in EXPLAINED:
                variants.append(
                    _vector({**values, name: fitted.typical.get(name, 0.0)}, fitted.names)
                )
        with training.one_thread():
            p_base = model.predict_proba(np.array(base, dtype=float))[:, 1]
            p_var = model.predict_proba(np.array(variants, dtype=float))[:, 1]
        for i, sid in enumerate(ids):
            values, risk = rows[sid].values, 1 - float(p_base[i])
            drops = []
            for j, name in enumerate(EXPLAINED):
                drop = float(p_var[i * len(EXPLAINED) + j] - p_base[i])
                if drop > 0.01:
                    drops.append((drop, name))
            drops.sort(reverse=True)
            reasons = [
                _reason(name, values[name], fitted.typical.get(name, 0.0)) for _d, name in drops[:2]
            ]
            out.append(AtRisk(students[sid], risk, [r for r in reasons if r], True))
    else:
        for sid, row in rows.items():
            risk, reasons = _rules_risk(row.values)
            out.append(AtRisk(students[sid], risk, reasons, False))
    out = [r for r in out if r.risk >= min_risk and not math.isnan(r.risk)]
    out.sort(key=lambda r: (-r.risk, r.student.pk))
    return out[:limit]
