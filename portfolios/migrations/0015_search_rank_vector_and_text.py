"""The search document's ranking vector, its snippet text and an index for the first;
the old word list goes (search/models.py's vocabulary replaces it). The table's rows are
kept narrow (``toast_tuple_target``): the vectors and text are stored beside the row, so
counting and filtering thousands of matches reads a few megabytes, not the documents.
search/0004 fills the new columns."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0014_pg_trgm_required"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="searchdocument",
            name="words",
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="rank_document",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="text",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="is_listed",
            field=models.BooleanField(
                default=False,
                help_text="The page is visible to signed-in users and the account is active.",
                verbose_name="listed in search",
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("is_listed", True)),
                fields=["rank_document"],
                name="searchdoc_rank_gin",
            ),
        ),
        migrations.RunSQL(
            "ALTER TABLE portfolios_searchdocument SET (toast_tuple_target = 256)",
            "ALTER TABLE portfolios_searchdocument RESET (toast_tuple_target)",
        ),
    ]
