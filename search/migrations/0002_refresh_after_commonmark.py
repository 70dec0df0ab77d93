"""Recompute every portfolio's derived figures and search document after the stored HTML
of profiles, achievements and journal posts was rendered again with the CommonMark
renderer (the document is built from that HTML). Like search/0001, this calls the live
``search.derived`` code; 0001 is left as it was (on a new database both are quick)."""

from django.db import migrations


def refresh(apps, schema_editor):
    """Emptied: search/0004 recomputes everything with the code of its time (this one's
    live code now reads columns and tables of later migrations)."""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_refresh_derived_fields"),
        ("portfolios", "0013_rerender_markdown_commonmark"),
        ("achievements", "0006_rerender_markdown_commonmark"),
        ("journal", "0004_rerender_markdown_commonmark"),
    ]

    # Batch by batch, each committed: a large database is not locked until the end.
    atomic = False

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop, elidable=True)]
