"""The search vocabulary (``SearchWord``) and ``search_key(text)``, the sound key that
makes one spelling of a word typed in Latin or Cyrillic letters: Kyrgyz and Russian
letters are written the usual Latin way (ж zh, ч ch, ш sh, ң n, ө o, ү u, ы y, й y,
ю yu, я ya), then the Latin spellings are made one (sh/sch, ch/tch, zh/j/dj, kh/h, ph/f,
th/t, x/ks, c/k/s, y/i, w/v, q/k), marks dropped (ö, ü, é...), h dropped inside a word,
doubled letters single.
"Нурбек", "Nurbek" → nurbek; "Айгерим", "Aigerim" → aigerim; "эксель", "Excel" → eksel;
"python" → piton, "пайтон" → paiton (one letter apart: close enough for a typo).

It is IMMUTABLE (the same word always gives the same key), so the vocabulary may store
it; search/query.py asks the server for a typed word's key with the same function."""

import django.contrib.postgres.indexes
from django.db import migrations, models

SEARCH_KEY = r"""
CREATE OR REPLACE FUNCTION search_key(word text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  s text := lower(word);
BEGIN
  -- Kyrgyz and Russian letters in Latin ones
  s := replace(s, 'щ', 'shch');
  s := replace(s, 'ш', 'sh');
  s := replace(s, 'ч', 'ch');
  s := replace(s, 'ж', 'zh');
  s := replace(s, 'х', 'kh');
  s := replace(s, 'ц', 'ts');
  s := replace(s, 'ю', 'yu');
  s := replace(s, 'я', 'ya');
  s := replace(s, 'ё', 'yo');
  s := translate(s, 'абвгдезийклмнңоөпрстуүфыэъь', 'abvgdeziyklmnnooprstuufye');
  -- Letters with marks
  s := replace(s, 'ß', 'ss');
  s := replace(s, 'š', 'sh');
  s := replace(s, 'ş', 'sh');
  s := replace(s, 'č', 'ch');
  s := replace(s, 'ç', 'ch');
  s := replace(s, 'ž', 'zh');
  s := translate(s, 'äáàâãåāéèêëēěíìîïīıñňńóòôõöøōúùûüūůýÿğćł',
                    'aaaaaaaeeeeeeiiiiiinnnooooooouuuuuuyygcl');
  -- One Latin spelling
  s := replace(s, 'shch', '6');
  s := replace(s, 'sch', '6');
  s := replace(s, 'sh', '6');
  s := replace(s, 'tch', '4');
  s := replace(s, 'ch', '4');
  s := replace(s, 'zh', 'j');
  s := replace(s, 'dj', 'j');
  s := replace(s, 'kh', 'h');
  s := replace(s, 'ph', 'f');
  s := replace(s, 'th', 't');
  s := replace(s, 'ck', 'k');
  s := replace(s, 'qu', 'kv');
  s := replace(s, 'x', 'ks');
  s := regexp_replace(s, 'c([eiy])', 's\1', 'g');
  s := translate(s, 'cqwy', 'kkvi');
  s := regexp_replace(s, '[^a-z0-9]', '', 'g');
  -- h is written or left out freely inside a word (John, Джон; Ahmed, Ахмед)
  s := left(s, 1) || replace(substr(s, 2), 'h', '');
  RETURN regexp_replace(s, '(.)\1+', '\1', 'g');
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_refresh_after_commonmark"),
        ("portfolios", "0014_pg_trgm_required"),  # pg_trgm, for the key's trigram index
    ]

    operations = [
        migrations.RunSQL(SEARCH_KEY, "DROP FUNCTION IF EXISTS search_key(text)"),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.TextField(primary_key=True, serialize=False, verbose_name="word")),
                ("key", models.TextField(verbose_name="sound key")),
                ("documents", models.PositiveIntegerField(default=1, verbose_name="documents")),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
                "indexes": [
                    models.Index(fields=["key"], name="searchword_key"),
                    models.Index(
                        django.contrib.postgres.indexes.OpClass("word", name="text_pattern_ops"),
                        name="searchword_prefix",
                    ),
                    django.contrib.postgres.indexes.GistIndex(
                        django.contrib.postgres.indexes.OpClass("key", name="gist_trgm_ops"),
                        name="searchword_key_trgm",
                    ),
                ],
            },
        ),
    ]
