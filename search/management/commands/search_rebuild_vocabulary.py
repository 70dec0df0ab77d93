"""Rebuild the search vocabulary from the listed documents (beat runs it nightly)."""

from django.core.management.base import BaseCommand

from search.derived import vocabulary_rebuild


class Command(BaseCommand):
    help = "Rebuild the vocabulary employers' search uses for typos and the other alphabet."

    def handle(self, *args, **options):
        self.stdout.write(f"{vocabulary_rebuild():,d} words")
