"""Repair cohorts whose graduation year lies after 2100.

A graduation year is kept to the years the site's dates cover (1900-01-01 ..
2100-12-31): a later one (the field took anything up to 32767) made any date built from
it impossible. A year after 2100 becomes the default, four years after entry, limited
to 2100 (still not before the entry year, which is at most 2100). Runs before
``0004_dates_in_range`` adds the CHECK constraint.
"""

from django.db import migrations

REPAIR = """
UPDATE accounts_cohort
   SET graduation_year = LEAST(entry_year + 4, 2100)
 WHERE graduation_year > 2100;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_cohort_graduation_year"),
    ]

    operations = [
        migrations.RunSQL(REPAIR, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
