from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an EMPTY database and EMPTY "
        "storage (a new site: run it before `migrate`). The whole archive is checked against "
        "its manifest first; a damaged or cut-short archive, or a target that is not empty, "
        "is refused and nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive to restore")

    def handle(self, *args, path, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            manifest = restore(path, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the database and "
            f"{manifest['files']} file(s)."
        )
