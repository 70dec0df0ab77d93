"""Repair journal posts whose publication date lies outside 1900-01-01 .. 2100-12-31.

Such a date (``0001-01-01T00:00`` typed in the form, ``9999-12-31T23:59:59-12:00`` in an
imported file) was stored before year 1 or after year 9999 in UTC, so the row could not
even be loaded into Python: every page that showed the post failed, and its owner could
not delete it. The repair runs in SQL, so it works on values Python cannot load, and
before ``0003_dates_in_range`` adds the CHECK constraint that keeps them out for good.

The bounds are those of the constraint: 1899-12-31 00:00 UTC (inclusive) to
2101-01-02 00:00 UTC (exclusive), the calendar range with a day of slack for time zones.

- Before the range: the post was public (its date had come long ago), so it stays
  published, dated the moment it was written (``created_at``).
- After the range: the post was scheduled for a moment that never comes, so nobody saw
  it; it becomes a draft without a date, still hidden, and its owner can publish it again.

Nothing is deleted. No cached page has to be dropped: a page that would have shown such
a post failed to render, so none was cached.
"""

from django.db import migrations

EARLIEST = "TIMESTAMPTZ '1899-12-31T00:00:00+00:00'"
LATEST = "TIMESTAMPTZ '2101-01-02T00:00:00+00:00'"

REPAIR = f"""
UPDATE journal_post
   SET published_at = CASE WHEN created_at >= {EARLIEST} AND created_at < {LATEST}
                           THEN created_at ELSE now() END
 WHERE published_at < {EARLIEST};
UPDATE journal_post
   SET published_at = NULL, status = 'draft'
 WHERE published_at >= {LATEST};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_posts_and_attachments"),
    ]

    operations = [
        migrations.RunSQL(REPAIR, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
