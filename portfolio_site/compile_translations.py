"""Compile the .po catalogues in locale/ and locale_overrides/ into .mo files without GNU
gettext.

``make setup`` runs it, so a fresh machine needs no gettext tools; ``makemessages``
(which does need them) is only for developers who add strings, and it only writes locale/.
locale_overrides/ holds corrections to third-party catalogues, edited by hand.
"""

from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIRS = (BASE_DIR / "locale", BASE_DIR / "locale_overrides")


def main() -> None:
    for locale_dir in LOCALE_DIRS:
        for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            catalog = polib.pofile(str(po_path))
            catalog.save_as_mofile(str(mo_path))


if __name__ == "__main__":
    main()
