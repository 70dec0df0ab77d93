"""Recompute every portfolio's figures and search document (now with program, faculty
and section names, a ranking vector and the snippets' text), then the vocabulary. Like
0001, this calls the live ``search.derived`` code: when that code comes to read a table
of a later migration, add a migration like this one after it and empty this one's
function."""

from django.db import migrations


def refresh(apps, schema_editor):
    from search.derived import portfolio_refresh_all, vocabulary_rebuild

    portfolio_refresh_all(using=schema_editor.connection)
    vocabulary_rebuild(using=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_vocabulary"),
        ("portfolios", "0015_search_rank_vector_and_text"),
        ("accounts", "0004_dates_in_range"),
        ("achievements", "0006_rerender_markdown_commonmark"),
        ("journal", "0004_rerender_markdown_commonmark"),
    ]

    # Batch by batch, each committed: a large database is not locked until the end.
    atomic = False

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop, elidable=True)]
