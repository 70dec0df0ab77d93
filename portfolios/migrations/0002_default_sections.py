"""The portfolio sections from the study (staff can rename, reorder or add sections in admin)."""

from django.db import migrations

SECTIONS = [
    # code, order, allows_grade, (en, ru, ky), (guidance en, ru, ky)
    ("academic", 10, True,
     ("Academic achievements", "Учебные достижения", "Окуудагы жетишкендиктер"),
     ("Grades and transcripts, coursework, participation in research. Attach a scan of a "
      "transcript or a graded paper and say what you learned.",
      "Оценки и выписки, курсовые работы, участие в исследованиях. Приложите скан выписки "
      "или проверенной работы и напишите, чему вы научились.",
      "Баалар жана баалар тизмеси, курстук иштер, изилдөөлөргө катышуу. Баалар тизмесинин "
      "же текшерилген иштин сканын тиркеп, эмнени үйрөнгөнүңүздү жазыңыз.")),
    ("research", 20, False,
     ("Research projects", "Научные проекты", "Илимий долбоорлор"),
     ("Projects you researched alone or in a team: the question, your part, the result. "
      "Attach the report, poster or data.",
      "Проекты, которые вы исследовали сами или в команде: вопрос, ваша роль, результат. "
      "Приложите отчёт, постер или данные.",
      "Өз алдынча же командада изилдеген долбоорлоруңуз: суроо, сиздин ролуңуз, натыйжа. "
      "Отчётту, постерди же маалыматтарды тиркеңиз.")),
    ("conferences", 30, False,
     ("Conferences", "Конференции", "Конференциялар"),
     ("Conferences and seminars where you spoke or took part. Add the programme, your "
      "certificate of participation or a photo of your talk.",
      "Конференции и семинары, где вы выступали или участвовали. Добавьте программу, "
      "сертификат участника или фото выступления.",
      "Сиз сүйлөгөн же катышкан конференциялар жана семинарлар. Программаны, катышуучунун "
      "сертификатын же чыгып сүйлөгөн сүрөтүңүздү кошуңуз.")),
    ("presentations", 40, False,
     ("Presentations and reports", "Презентации и доклады", "Презентациялар жана баяндамалар"),
     ("Slides, reports and essays you are proud of. Upload the file (PDF or PowerPoint) or a "
      "recording.",
      "Слайды, доклады и эссе, которыми вы гордитесь. Загрузите файл (PDF или PowerPoint) "
      "или запись выступления.",
      "Сыймыктанган слайддарыңыз, баяндамаларыңыз жана эсселериңиз. Файлды (PDF же "
      "PowerPoint) же жазууну жүктөңүз.")),
    ("certificates", 50, False,
     ("Certificates and awards", "Сертификаты и награды", "Сертификаттар жана сыйлыктар"),
     ("Diplomas, certificates, olympiad and competition awards. A scan or photo of the "
      "document is the best evidence.",
      "Дипломы, сертификаты, награды олимпиад и конкурсов. Лучшее подтверждение — скан или "
      "фото документа.",
      "Дипломдор, сертификаттар, олимпиада жана сынак сыйлыктары. Документтин сканы же "
      "сүрөтү эң жакшы далил.")),
    ("experience", 60, False,
     ("Experience: internships and jobs", "Опыт: стажировки и работа",
      "Тажрыйба: практика жана иш"),
     ("Teaching practice, internships, part-time and summer jobs: where, when, what you did. "
      "A reference letter or a practice report makes it credible.",
      "Педагогическая практика, стажировки, подработка и летняя работа: где, когда, что вы "
      "делали. Рекомендательное письмо или отчёт о практике подтвердят это.",
      "Педагогикалык практика, стажировка, кошумча жана жайкы иштер: кайда, качан, эмне "
      "кылдыңыз. Сунуш кат же практика боюнча отчёт муну ырастайт.")),
    ("social", 70, False,
     ("Social and community work", "Общественная деятельность", "Коомдук иштер"),
     ("Volunteering, student council, clubs and community projects. Say what changed "
      "because of your work.",
      "Волонтёрство, студенческий совет, клубы и общественные проекты. Напишите, что "
      "изменилось благодаря вашей работе.",
      "Волонтёрлук, студенттик кеңеш, клубдар жана коомдук долбоорлор. Сиздин ишиңиздин "
      "аркасында эмне өзгөргөнүн жазыңыз.")),
    ("sports", 80, False,
     ("Sports", "Спорт", "Спорт"),
     ("Competitions, teams and results. A photo, a result sheet or a medal certificate "
      "is good evidence.",
      "Соревнования, команды и результаты. Хорошее подтверждение — фото, протокол или "
      "грамота.",
      "Мелдештер, командалар жана натыйжалар. Сүрөт, протокол же грамота жакшы далил.")),
]  # fmt: skip


def add_sections(apps, schema_editor):
    Category = apps.get_model("portfolios", "Category")
    for code, order, allows_grade, names, guidance in SECTIONS:
        Category.objects.update_or_create(
            code=code,
            defaults={
                "order": order,
                "allows_grade": allows_grade,
                "name_en": names[0],
                "name_ru": names[1],
                "name_ky": names[2],
                "guidance_en": guidance[0],
                "guidance_ru": guidance[1],
                "guidance_ky": guidance[2],
            },
        )


def remove_sections(apps, schema_editor):
    apps.get_model("portfolios", "Category").objects.filter(
        code__in=[s[0] for s in SECTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0001_initial")]

    operations = [migrations.RunPython(add_sections, remove_sections)]
