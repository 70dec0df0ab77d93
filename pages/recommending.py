"""Which recommendations a student sees on the composed pages. ``recommendation_mode`` is
the one place that decides: "model" (learned, with the rules as fallback), "rules", or None
(show nothing) — a controlled experiment's arm will be wired in here."""

from __future__ import annotations

from recommendations.selectors import recommendations_for
from recommendations.services import recommendations_mark_shown

CARDS = 5


def recommendation_mode(student) -> str | None:
    return "model"


def recommendation_cards(student) -> list | None:
    """The student's cards, recorded as shown; None when they are to see none."""
    mode = recommendation_mode(student)
    if mode is None:
        return None
    cards = recommendations_for(student, mode=mode, limit=CARDS)
    if cards:
        recommendations_mark_shown(student=student, recommendations=cards, mode=mode)
    return cards
