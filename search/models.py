"""The vocabulary of the search documents, for typos and transliteration."""

from __future__ import annotations

from django.contrib.postgres.indexes import GistIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchWord(models.Model):
    """A lexeme of listed search documents, with its sound key (``search_key()``, the SQL
    function of search/0003: Cyrillic written in Latin letters, Latin spelling variants
    made one), so that "nurbek" reaches "нурбек" and "pyhton" reaches "python".

    ``portfolio_refresh`` adds the words of each document it writes; the nightly
    ``search.tasks.vocabulary_rebuild`` drops the words no listed document holds any more
    and counts the documents of each."""

    word = models.TextField(_("word"), primary_key=True)
    key = models.TextField(_("sound key"))
    documents = models.PositiveIntegerField(_("documents"), default=1)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [
            models.Index(fields=["key"], name="searchword_key"),
            # The words that begin with a stem (LIKE 'stem%' in any collation).
            models.Index(OpClass("word", name="text_pattern_ops"), name="searchword_prefix"),
            GistIndex(OpClass("key", name="gist_trgm_ops"), name="searchword_key_trgm"),
        ]

    def __str__(self) -> str:
        return self.word
