"""Usernames that cannot pass for someone else's: one alphabet per name, and no name whose
look-alike skeleton matches another user's ("ѕtudent1" with a Cyrillic "ѕ" is refused next
to "student1"; Cyrillic-only names such as "айгүл" stay welcome)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import F, Func, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

ALPHABETS = ("LATIN", "CYRILLIC")
# Cyrillic and Greek letters that look like Latin ones, both cases (after Unicode's
# confusables list, the letters that matter in usernames).
LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "Ӏ": "l",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "ζ": "z",
}  # fmt: skip
_UPPER_LOOKALIKES = {
    "А": "a", "В": "b", "Е": "e", "Ё": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ї": "i", "Ј": "j", "Һ": "h",
    "Ԁ": "d", "Ԛ": "q", "Ԝ": "w",
    "Α": "a", "Β": "b", "Ε": "e", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o",
    "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ζ": "z",
}  # fmt: skip


def _case_map() -> dict[str, str]:
    """Every Cyrillic and Greek capital to its small letter, for the database's side, whose
    lower() may not know these alphabets."""
    letters = {}
    for code in [*range(0x0370, 0x0400), *range(0x0400, 0x0530)]:
        char = chr(code)
        small = char.lower()
        if small != char and len(small) == 1:
            letters[char] = small
    return letters


SKELETON_MAP = {**_case_map(), **LOOKALIKES, **_UPPER_LOOKALIKES}
_TABLE = str.maketrans(SKELETON_MAP)
_SOURCE = "".join(SKELETON_MAP)
_TARGET = "".join(SKELETON_MAP[char] for char in _SOURCE)


def username_skeleton(username: str) -> str:
    """What a username looks like: NFKC, case-folded, look-alike letters as Latin ones."""
    return unicodedata.normalize("NFKC", username).casefold().translate(_TABLE)


def skeleton_expression(field: str = "username"):
    """The same skeleton computed by PostgreSQL for stored (already NFKC) usernames."""
    return Lower(Func(F(field), Value(_SOURCE), Value(_TARGET), function="translate"))


def _alphabet(char: str) -> str | None:
    name = unicodedata.name(char, "")
    return next((alphabet for alphabet in ALPHABETS if name.startswith(alphabet)), None)


def validate_username_alphabet(username: str) -> None:
    """Letters of one alphabet, Latin or Cyrillic; digits 0–9."""
    alphabets = set()
    for char in unicodedata.normalize("NFKC", username):
        if char.isalpha():
            alphabet = _alphabet(char)
            if alphabet is None:
                raise ValidationError(
                    _("Use only Latin or Cyrillic letters in the username."), code="alphabet"
                )
            alphabets.add(alphabet)
        elif char.isdigit() and not ("0" <= char <= "9"):
            raise ValidationError(_("Use only the digits 0–9 in the username."), code="digits")
    if len(alphabets) > 1:
        raise ValidationError(
            _("Use letters of one alphabet in the username: Latin or Cyrillic, not both."),
            code="mixed_alphabets",
        )


def validate_username_distinct(username: str, *, exclude_pk=None) -> None:
    """Refuse a username that looks like another user's (same skeleton)."""
    from accounts.models import User

    others = User.objects.alias(skeleton=skeleton_expression()).filter(
        skeleton=username_skeleton(username)
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            _("This username looks the same as another user's. Please choose another."),
            code="confusable",
        )
