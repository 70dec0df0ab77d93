from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from core.files.storage import delete_stored_files, orphaned_files


class Command(BaseCommand):
    help = (
        "Delete stored files that no row refers to any more: their deletion failed while "
        "the store could not be reached, or a process stopped between writing a file and "
        "saving its row. Only files the site named itself, older than --older-than-hours, "
        "are touched. The beat schedule runs it daily (core.tasks.purge_orphan_files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=24)
        parser.add_argument("--dry-run", action="store_true", help="list them, delete nothing")

    def handle(self, *args, older_than_hours, dry_run, **options):
        if older_than_hours < 0:
            raise CommandError("--older-than-hours must be 0 or more.")
        names = orphaned_files(older_than=timedelta(hours=older_than_hours))
        for name in names:
            self.stdout.write(name)
        if not dry_run:
            delete_stored_files(names)
        verb = "Found" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {len(names)} orphaned file(s).")
