"""Who may see an export or import job: the student who started it, nobody else (a 404;
staff see jobs in the admin)."""

from __future__ import annotations

from django.http import Http404

from transfer.models import TransferJob


def access_own_job(user, public_id) -> TransferJob:
    if not user.is_authenticated:
        raise Http404
    job = (
        TransferJob.objects.select_related("portfolio")
        .filter(public_id=public_id, owner=user)
        .first()
    )
    if job is None:
        raise Http404
    return job
