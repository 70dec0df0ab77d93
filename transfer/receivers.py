"""A job's zip follows its row: deleted after commit, whatever deleted the row (the
cleanup task, an account deleted in the admin and its jobs with it)."""

from __future__ import annotations

from core.files.storage import delete_after_commit


def delete_job_archive(sender, instance, **kwargs):
    delete_after_commit([instance.archive.name])
