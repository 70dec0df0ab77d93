"""Typo-tolerant search needs pg_trgm. PostgreSQL ships it in contrib; where the server has
no contrib (the embedded server from pgserver) search works without it (full text only)."""

from django.db import migrations

TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS searchdoc_words_trgm ON portfolios_searchdocument "
    "USING gin (words gin_trgm_ops) WHERE is_listed"
)


def add_trigram_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(TRIGRAM_INDEX)


def drop_trigram_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS searchdoc_words_trgm")


def backfill(apps, schema_editor):
    # The derived figures and search documents are filled by 0010, once every table that
    # search/derived.py reads exists (it reads journal posts and later columns now).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portfolios_portfolio p SET content_updated_at = GREATEST(p.updated_at, "
            "(SELECT max(a.updated_at) FROM achievements_achievement a "
            "WHERE a.portfolio_id = p.id))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0004_derived_fields_and_search_document"),
        ("achievements", "0002_achievement_verification"),
    ]

    operations = [
        migrations.RunPython(add_trigram_index, drop_trigram_index, elidable=False),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
