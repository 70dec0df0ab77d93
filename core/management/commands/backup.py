from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the whole site to one archive: a pg_dump of the database (custom format, by "
        "the server's own version of pg_dump) and every stored file, with a manifest of "
        "each part's SHA-256. `manage.py restore PATH` puts it back into an empty site."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive to write (e.g. site.backup)")
        parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")

    def handle(self, *args, path, force, **options):
        if path.exists() and not force:
            raise CommandError(f"{path} exists; add --force to overwrite it.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        try:
            manifest = backup(path, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(
            f"Wrote {path}: the database and {manifest['files']} file(s), "
            f"{size / 1_000_000:.1f} MB."
        )
