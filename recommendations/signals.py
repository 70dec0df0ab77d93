"""Events the recommendations app declares (receivers: experiments)."""

from django.dispatch import Signal

# Cards shown to a student. Arguments: student (accounts.User), keys (list[str], each
# card's stable key such as "evidence:42"), mode (str: "model" or "rules").
recommendations_shown = Signal()

# A student's answer to a card. Arguments: student (accounts.User), key (str),
# choice (str: "done", "later" or "not_useful").
recommendation_acted = Signal()
