"""Repair achievements whose dates lie outside 1900-01-01 .. 2100-12-31.

A date outside the range (typed in the form or in an imported file) was stored as is and
could not be loaded into Python (year 0, year 10000 and later), so every page showing the
item failed. The repair runs in SQL, so it works on values Python cannot load, and before
``0005_dates_in_range`` adds the CHECK constraints that keep them out for good.

Both dates are optional, so a date outside the range is forgotten rather than guessed:

- a start date outside the range, with an end date inside it: the item becomes a single
  day on its end date (start = old end, end empty), so the one date it had is kept;
- a start date outside the range and no usable end date: both dates empty;
- an end date outside the range (start inside it): the end is emptied (a single day).

These keep ``achievement_dates_in_order`` (an end needs a start, and is not before it).
Nothing is deleted; the student sets the dates again if they wish.
"""

from django.db import migrations


def outside(column):
    return f"({column} < DATE '1900-01-01' OR {column} > DATE '2100-12-31')"


REPAIR = f"""
UPDATE achievements_achievement
   SET start_date = CASE WHEN {outside("start_date")}
                         THEN CASE WHEN NOT {outside("end_date")} THEN end_date END
                         ELSE start_date END,
       end_date = CASE WHEN {outside("start_date")} OR {outside("end_date")}
                       THEN NULL ELSE end_date END
 WHERE {outside("start_date")} OR {outside("end_date")};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0003_comments_enabled"),
    ]

    operations = [
        migrations.RunSQL(REPAIR, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
