"""The default rubric every program uses until staff give it its own."""

from django.db import migrations

CRITERIA = [
    (
        ("Completeness", "Полнота", "Толуктук"),
        (
            "Every section that applies has items; the profile is filled in.",
            "Заполнены все подходящие разделы и профиль.",
            "Тиешелүү бөлүмдөрдүн баары жана профиль толтурулган.",
        ),
        20,
    ),
    (
        ("Quality of evidence", "Качество подтверждений", "Далилдердин сапаты"),
        (
            "Achievements are backed by certificates, photos, documents or recordings.",
            "Достижения подтверждены сертификатами, фото, документами или записями.",
            "Жетишкендиктер сертификат, сүрөт, документ же жазуулар менен далилденген.",
        ),
        25,
    ),
    (
        ("Reflection", "Рефлексия", "Рефлексия"),
        (
            "The student explains what they did, learned and would do differently.",
            "Студент объясняет, что сделал, чему научился и что сделал бы иначе.",
            "Студент эмне кылганын, эмнени үйрөнгөнүн жана эмнени башкача кылаарын түшүндүрөт.",
        ),
        20,
    ),
    (
        ("Professional relevance", "Профессиональная значимость", "Кесиптик маанилүүлүк"),
        (
            "The portfolio shows skills and experience that matter for the future profession.",
            "Портфолио показывает навыки и опыт, важные для будущей профессии.",
            "Портфолио келечектеги кесипке керектүү көндүмдөрдү жана тажрыйбаны көрсөтөт.",
        ),
        20,
    ),
    (
        ("Presentation", "Оформление", "Жасалгалоо"),
        (
            "Clear, well organised, free of errors and pleasant to read.",
            "Понятно, хорошо организовано, без ошибок и приятно читать.",
            "Түшүнүктүү, жакшы уюштурулган, катасыз жана окууга жагымдуу.",
        ),
        15,
    ),
]


def create_default_rubric(apps, schema_editor):
    Rubric = apps.get_model("feedback", "Rubric")
    Criterion = apps.get_model("feedback", "RubricCriterion")
    if Rubric.objects.filter(program__isnull=True, is_active=True).exists():
        return
    rubric = Rubric.objects.create(
        name_en="Portfolio rubric",
        name_ru="Критерии оценки портфолио",
        name_ky="Портфолиону баалоо критерийлери",
        program=None,
        is_active=True,
    )
    for order, ((en, ru, ky), (d_en, d_ru, d_ky), weight) in enumerate(CRITERIA, start=1):
        Criterion.objects.create(
            rubric=rubric, name_en=en, name_ru=ru, name_ky=ky, description_en=d_en,
            description_ru=d_ru, description_ky=d_ky, weight=weight, order=order,
        )  # fmt: skip


def remove_default_rubric(apps, schema_editor):
    Rubric = apps.get_model("feedback", "Rubric")
    Rubric.objects.filter(name_en="Portfolio rubric", program__isnull=True, reviews=None).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_terms_rubrics_reviews_verification_employers_outcomes")]

    operations = [migrations.RunPython(create_default_rubric, remove_default_rubric)]
