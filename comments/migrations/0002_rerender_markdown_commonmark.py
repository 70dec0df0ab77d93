"""Markdown is now rendered by markdown-it-py (CommonMark, linear time) instead of
Python-Markdown (quadratic on unbalanced brackets). A comment's text kept its limit of
5,000 characters.

The stored HTML is rendered again with the new renderer, a batch at a time
(``core.markdown.rerender_stored``). The migration is not atomic: each batch commits, so
a large table is not locked until the end; run again, it finds nothing left to change.
Comment threads are not cached.
"""

from django.db import migrations


def rerender(apps, schema_editor):
    from core.markdown import rerender_stored

    rerender_stored(apps.get_model("comments", "Comment"), "body", "body_html")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0001_comments_and_reports"),
    ]

    operations = [
        migrations.RunPython(rerender, migrations.RunPython.noop),
    ]
