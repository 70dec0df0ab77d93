"""Which recommendations a student sees on the composed pages. ``recommendation_mode`` is
the one place that decides: "model" (learned, with the rules as fallback), "rules", or None
(show nothing). A running controlled experiment that includes the student decides by their
arm (control: nothing, and nothing recorded as shown); everyone else gets "model"."""

from __future__ import annotations

from experiments.selectors import recommendation_mode_for
from recommendations.selectors import recommendations_for
from recommendations.services import recommendations_mark_shown

CARDS = 5


def recommendation_mode(student) -> str | None:
    arm = recommendation_mode_for(student)
    if arm is None:  # in no running experiment
        return "model"
    return None if arm == "none" else arm


def recommendation_cards(student) -> list | None:
    """The student's cards, recorded as shown; None when they are to see none."""
    mode = recommendation_mode(student)
    if mode is None:
        return None
    cards = recommendations_for(student, mode=mode, limit=CARDS)
    if cards:
        recommendations_mark_shown(student=student, recommendations=cards, mode=mode)
    return cards
