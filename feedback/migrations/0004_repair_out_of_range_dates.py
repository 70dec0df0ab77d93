"""Repair terms and employment outcomes whose dates lie outside 1900-01-01 .. 2100-12-31.

Such a date (set in the admin, the outcome form or an import) could not be loaded into
Python when it fell before year 1 or after year 9999, so the pages listing it failed. The
repair runs in SQL, so it works on values Python cannot load, and before
``0005_dates_in_range`` adds the CHECK constraints that keep them out for good.

- Terms need both dates, and must end after they start (``term_dates_in_order``): each
  date is moved to the nearest date inside the range, the start no later than
  2100-12-30 and the end at least a day after the start.
- An outcome needs its start date: it is moved to the nearest date inside the range. Its
  end date is optional: an end after the range means the job has not ended (empty, "still
  works there"); an end before the range moves to 1900-01-01, which keeps it on or after
  the start (``outcome_dates_in_order``: the start was no later than the end).
"""

from django.db import migrations

EARLIEST = "DATE '1900-01-01'"
LATEST = "DATE '2100-12-31'"


def outside(column):
    return f"({column} < {EARLIEST} OR {column} > {LATEST})"


NEW_TERM_START = f"LEAST(GREATEST(starts_on, {EARLIEST}), {LATEST} - 1)"

REPAIR = f"""
UPDATE feedback_term
   SET starts_on = {NEW_TERM_START},
       ends_on = LEAST(GREATEST(ends_on, {NEW_TERM_START} + 1), {LATEST})
 WHERE {outside("starts_on")} OR {outside("ends_on")};
UPDATE feedback_employmentoutcome
   SET start_date = LEAST(GREATEST(start_date, {EARLIEST}), {LATEST}),
       end_date = CASE WHEN end_date > {LATEST} THEN NULL
                       WHEN end_date < {EARLIEST} THEN {EARLIEST}
                       ELSE end_date END
 WHERE {outside("start_date")} OR {outside("end_date")};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_review_supervisor_protected"),
    ]

    operations = [
        migrations.RunSQL(REPAIR, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
