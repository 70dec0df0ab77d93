"""Recompute every portfolio's derived figures and search document (the document holds the
journal posts a signed-in user may read). Formerly portfolios/0010.

This calls the live ``search.derived`` code, so it depends on every migration whose tables
and columns that code reads; when the code comes to read a table of a later migration, add
a migration like this one after it (and empty this one's function)."""

from django.db import migrations


def refresh(apps, schema_editor):
    from search.derived import portfolio_refresh_all

    portfolio_refresh_all(using=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0010_refresh_derived_fields"),
        ("achievements", "0003_comments_enabled"),
        ("journal", "0001_posts_and_attachments"),
    ]

    # Batch by batch, each committed: a large database is not locked until the end.
    atomic = False

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop, elidable=True)]
