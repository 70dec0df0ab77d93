"""Recompute every portfolio's derived figures and search document after the stored HTML
of profiles, achievements and journal posts was rendered again with the CommonMark
renderer (the document is built from that HTML). Like search/0001, this calls the live
``search.derived`` code; 0001 is left as it was (on a new database both are quick)."""

from django.db import migrations


def refresh(apps, schema_editor):
    from search.derived import portfolio_refresh_all

    portfolio_refresh_all(using=schema_editor.connection)


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
