from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from core.files.storage import StorageUnavailable
from portfolios.services import portfolio_get_or_create
from transfer import jobs, services
from transfer.archive import export_zip
from transfer.leap2a.writer import export_leap2a
from transfer.models import Kind, Status, TransferJob


class Command(BaseCommand):
    help = (
        "Write a student's portfolio as a zip (portfolio.json, files, index.html), at once "
        "(no worker needed). With --as-job the zip is kept for the student to download on "
        "the site, as if they had asked for it (skipped when a download is ready already). "
        "--format leap2a writes a Leap2A zip (leap2a.xml + files/) for Mahara instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("path", nargs="?", help="where to write the zip")
        parser.add_argument(
            "--as-job",
            action="store_true",
            help="keep the zip as a finished download on the student's export page",
        )
        parser.add_argument(
            "--format",
            choices=["portfolio", "leap2a"],
            default="portfolio",
            help="the site's own zip (default) or a Leap2A zip for Mahara",
        )

    def handle(self, *args, username, path, as_job, format, **options):  # noqa: A002
        if not path and not as_job:
            raise CommandError("Give the path to write the zip to, or --as-job.")
        student = User.objects.students().filter(username__iexact=username).first()
        if student is None:
            raise CommandError(f"No student with the username {username!r}.")
        portfolio = portfolio_get_or_create(student=student)
        if path:
            try:
                (export_leap2a if format == "leap2a" else export_zip)(portfolio, path)
            except StorageUnavailable as error:
                Path(path).unlink(missing_ok=True)  # the zip begun before the failure
                raise CommandError(
                    f"The stored file {error} could not be read; no zip was written."
                ) from None
            self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
        if as_job:
            self._as_job(
                student, portfolio, Kind.LEAP2A_EXPORT if format == "leap2a" else Kind.EXPORT
            )

    def _as_job(self, student, portfolio, kind):
        ready = [job for job in TransferJob.objects.of(student, kind).filter(
            status=Status.DONE) if job.download_ready()]  # fmt: skip
        if ready:
            self.stdout.write(f"{student.username} has a download ready already.")
            return
        language = student.preferred_language or translation.get_language() or "en"
        try:
            # Made here and now, whatever its size: the command needs no worker.
            job = services.export_start(
                owner=student, portfolio=portfolio, language=language, inline=True, kind=kind
            )
        except services.TransferBusy as busy:
            raise CommandError(busy.message) from None
        jobs.export_run(job.pk)  # inside a caller's transaction it waits for no commit
        job.refresh_from_db()
        if job.status != Status.DONE:
            raise CommandError(job.error or f"The export of {student.username} did not finish.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Kept a download for {student.username} until {job.expires_at:%Y-%m-%d}."
            )
        )
