"""Compile locale/*/LC_MESSAGES/django.po into .mo files without GNU gettext.

``make setup`` runs it, so a fresh machine needs no gettext tools; ``makemessages``
(which does need them) is only for developers who add strings.
"""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def main() -> None:
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        catalog = polib.pofile(str(po_path))
        catalog.save_as_mofile(str(mo_path))


if __name__ == "__main__":
    main()
