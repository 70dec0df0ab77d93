import pytest
from django.core.management import call_command

from transfer.models import Kind, Status, TransferJob

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_student1_one_download_ready(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "3", verbosity=0)
    job = TransferJob.objects.get()
    assert (job.owner.username, job.kind, job.status) == ("student1", Kind.EXPORT, Status.DONE)
    assert job.download_ready()

    call_command("seed_demo", "--students", "3", verbosity=0)
    assert TransferJob.objects.get() == job

    client.force_login(job.owner)
    page = client.get("/portfolio/export/").content.decode()
    assert f"/portfolio/transfers/{job.public_id}/" in page
