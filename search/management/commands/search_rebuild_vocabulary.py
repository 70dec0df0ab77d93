"""Rebuild the search vocabulary from the listed documents (beat runs it nightly)."""

from django.core.management.base import BaseCommand

from search.derived import vocabulary_rebuild
from search.models import SearchWord


class Command(BaseCommand):
    help = "Rebuild the vocabulary employers' search uses for typos and the other alphabet."

    def handle(self, *args, **options):
        vocabulary_rebuild()
        self.stdout.write(f"{SearchWord.objects.count():,d} words")
