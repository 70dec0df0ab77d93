"""Criterion names, in two parts.

1. The default rubric's first criterion was created as "Толнота" (a typo for "Полнота"),
and two Kyrgyz names were in the possessive form ("Толуктугу", "Кесиптик маанилүүлүгү")
where a criterion's name is a plain noun. Only rows still holding the old text change, so
a name staff have since edited is left alone.

2. Earlier versions of a review kept only each criterion's English name, so review history
showed English names in Russian and Kyrgyz. Each stored score now also keeps the criterion's
id and its names in every language, matched by the English name within the review's rubric.
"""

from django.db import migrations

FIXES = [
    # (field, old text, new text)
    ("name_ru", "Толнота", "Полнота"),
    ("name_ky", "Толуктугу", "Толуктук"),
    ("name_ky", "Кесиптик маанилүүлүгү", "Кесиптик маанилүүлүк"),
]


def _apply(apps, fixes):
    Criterion = apps.get_model("feedback", "RubricCriterion")
    for field, old, new in fixes:
        Criterion.objects.filter(**{field: old}).update(**{field: new})


def fix_names(apps, schema_editor):
    _apply(apps, FIXES)


def restore_names(apps, schema_editor):
    _apply(apps, [(field, new, old) for field, old, new in FIXES])


def translate_revision_names(apps, schema_editor):
    Revision = apps.get_model("feedback", "ReviewRevision")
    Criterion = apps.get_model("feedback", "RubricCriterion")
    by_rubric: dict[int, dict[str, object]] = {}
    revisions = Revision.objects.select_related("review").only("scores", "review__rubric_id")
    for revision in revisions.iterator():
        rubric_id = revision.review.rubric_id
        if rubric_id not in by_rubric:
            by_rubric[rubric_id] = {c.name_en: c for c in Criterion.objects.filter(rubric_id=rubric_id)}
        criteria = by_rubric[rubric_id]
        changed = False
        for entry in revision.scores:
            criterion = criteria.get(entry.get("criterion"))
            if criterion is None or "names" in entry:
                continue
            entry["criterion_id"] = criterion.pk
            entry["names"] = {"en": criterion.name_en, "ru": criterion.name_ru, "ky": criterion.name_ky}
            changed = True
        if changed:
            revision.save(update_fields=["scores"])


class Migration(migrations.Migration):
    dependencies = [("feedback", "0006_rerender_markdown_commonmark")]

    operations = [
        migrations.RunPython(fix_names, restore_names),
        migrations.RunPython(translate_revision_names, migrations.RunPython.noop),
    ]
