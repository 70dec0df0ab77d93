"""Markdown is now rendered by markdown-it-py (CommonMark, linear time) instead of
Python-Markdown (quadratic on unbalanced brackets), and a journal post's text has a length
limit of 10,000 characters (a validator: a row already longer still loads; it is
refused only when next edited, with a message saying so).

The stored HTML is rendered again with the new renderer, a batch at a time
(``core.markdown.rerender_stored``). The migration is not atomic: each batch commits, so
a large table is not locked until the end; run again, it finds nothing left to change.
Posts are not part of the cached portfolio page; the search document (which holds their
text) is refreshed by search/0002.
"""

import django.core.validators
from django.db import migrations, models


def rerender(apps, schema_editor):
    from core.markdown import rerender_stored

    rerender_stored(apps.get_model("journal", "Post"), "body", "body_html")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("journal", "0003_dates_in_range"),
    ]

    operations = [
        migrations.AlterField(
            model_name="post",
            name="body",
            field=models.TextField(
                blank=True,
                help_text="Markdown: **bold**, *italic*, lists, links, tables.",
                max_length=10000,
                validators=[django.core.validators.MaxLengthValidator(10000)],
                verbose_name="text",
            ),
        ),
        migrations.RunPython(rerender, migrations.RunPython.noop),
    ]
