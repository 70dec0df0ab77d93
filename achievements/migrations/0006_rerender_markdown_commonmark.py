"""Markdown is now rendered by markdown-it-py (CommonMark, linear time) instead of
Python-Markdown (quadratic on unbalanced brackets), and an achievement's description has a length
limit of 10,000 characters (a validator: a row already longer still loads; it is
refused only when next edited, with a message saying so).

The stored HTML is rendered again with the new renderer, a batch at a time
(``core.markdown.rerender_stored``). The migration is not atomic: each batch commits, so
a large table is not locked until the end; run again, it finds nothing left to change.
An item's cached HTML is keyed by its row version (the UPDATE moves it); the page body of
each portfolio with a changed item, by the portfolio's content version (moved here).
The search document is refreshed by search/0002.
"""

import django.core.validators
from django.db import migrations, models
from django.db.models import F


def rerender(apps, schema_editor):
    from core.markdown import rerender_stored

    Portfolio = apps.get_model("portfolios", "Portfolio")
    model = apps.get_model("achievements", "Achievement")
    changed = sorted(
        rerender_stored(model, "description", "description_html", changed_key="portfolio_id")
    )
    # The cached page body is keyed by the content version: moved once per portfolio,
    # as portfolios/content.py does after a write (a migration sends no signals).
    for start in range(0, len(changed), 1000):
        Portfolio.objects.filter(pk__in=changed[start : start + 1000]).update(
            content_version=F("content_version") + 1
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("achievements", "0005_dates_in_range"),
    ]

    operations = [
        migrations.AlterField(
            model_name="achievement",
            name="description",
            field=models.TextField(
                blank=True,
                help_text="Markdown: **bold**, *italic*, lists, links.",
                max_length=10000,
                validators=[django.core.validators.MaxLengthValidator(10000)],
                verbose_name="description",
            ),
        ),
        migrations.RunPython(rerender, migrations.RunPython.noop),
    ]
