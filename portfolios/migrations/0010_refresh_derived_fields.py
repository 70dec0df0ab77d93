"""Once recomputed every portfolio's derived figures and search document. That code now
lives in the search package, above this app; its migration search/0001 does the same, so
this one is left empty (a lower app's migration does not import a higher app)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0009_follow"),
        ("achievements", "0003_comments_enabled"),
        ("journal", "0001_posts_and_attachments"),
    ]

    operations = []
