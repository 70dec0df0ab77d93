"""Recompute every portfolio's derived figures and search document (the document holds the
journal posts a signed-in user may read). Formerly portfolios/0010.

This calls the live ``search.derived`` code, so it depends on every migration whose tables
and columns that code reads; when the code comes to read a table of a later migration, add
a migration like this one after it (and empty this one's function)."""

from django.db import migrations


def refresh(apps, schema_editor):
    """Emptied: search/0004 recomputes everything with the code of its time (this one's
    live code now reads columns and tables of later migrations)."""


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0010_refresh_derived_fields"),
        ("achievements", "0003_comments_enabled"),
        ("journal", "0001_posts_and_attachments"),
    ]

    # Batch by batch, each committed: a large database is not locked until the end.
    atomic = False

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop, elidable=True)]
