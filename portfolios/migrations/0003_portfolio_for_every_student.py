"""Every student has a portfolio, those who signed up before portfolios existed too."""

import re

from django.db import migrations


def create_portfolios(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Portfolio = apps.get_model("portfolios", "Portfolio")
    taken = set(Portfolio.objects.values_list("slug", flat=True))
    for student in User.objects.filter(role="student", portfolio__isnull=True).order_by("pk"):
        base = re.sub(r"[^a-z0-9-]+", "-", student.username.lower()).strip("-")[:36]
        if len(base) < 3:
            base = f"student-{base}".strip("-")
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        Portfolio.objects.create(student=student, slug=slug)


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0002_default_sections"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_portfolios, migrations.RunPython.noop)]
