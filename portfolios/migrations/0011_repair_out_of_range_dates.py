"""Repair share links whose expiry or revocation lies outside 1900-01-01 .. 2100-12-31.

An expiry (form, admin) or a revocation (admin) outside the range could not be loaded
into Python (before year 1 or after 9999 in UTC), so the student's share-link list failed. The repair runs in SQL, so it works on
values Python cannot load, and before ``0012_dates_in_range`` adds the CHECK constraints
that keep them out for good. The bounds are those of the constraint: 1899-12-31 00:00 UTC
(inclusive) to 2101-01-02 00:00 UTC (exclusive).

The repair keeps what the link did:

- an expiry before the range: the link had expired before it was made, so it expires at
  the moment it was made (``created_at``): still not usable;
- an expiry after the range: the link works until it is revoked, so no expiry;
- a revocation outside the range: the link stays revoked, from the moment it was made
  (only whether it is revoked counts).
"""

from django.db import migrations

EARLIEST = "TIMESTAMPTZ '1899-12-31T00:00:00+00:00'"
LATEST = "TIMESTAMPTZ '2101-01-02T00:00:00+00:00'"

REPAIR = f"""
UPDATE portfolios_sharelink
   SET expires_at = CASE WHEN expires_at < {EARLIEST} THEN created_at END
 WHERE expires_at < {EARLIEST} OR expires_at >= {LATEST};
UPDATE portfolios_sharelink
   SET revoked_at = created_at
 WHERE revoked_at < {EARLIEST} OR revoked_at >= {LATEST};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0010_refresh_derived_fields"),
    ]

    operations = [
        migrations.RunSQL(REPAIR, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
