from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from core.files.storage import delete_stored_files, orphaned_files


class Command(BaseCommand):
    help = (
        "List stored files that no row refers to (their deletion failed while the store "
        "could not be reached, or a process stopped between writing a file and saving its "
        "row); --delete removes them. Only files the site named itself, older than "
        "--older-than-hours, are touched. Beat deletes those older than a day "
        "(core.tasks.purge_orphan_files)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=1,
            help="only files at least this old (default 1: an upload in progress is younger)",
        )
        parser.add_argument("--delete", action="store_true", help="delete what is listed")

    def handle(self, *args, older_than_hours, delete, **options):
        if older_than_hours < 0:
            raise CommandError("--older-than-hours must be 0 or more.")
        names = orphaned_files(older_than=timedelta(hours=older_than_hours))
        for name in names:
            self.stdout.write(name)
        if delete:
            delete_stored_files(names)
        verb = "Deleted" if delete else "Found"
        self.stdout.write(f"{verb} {len(names)} orphaned file(s).")
