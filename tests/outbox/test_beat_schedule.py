"""Beat's schedule (settings, "Scheduled work") replaces the cron lines: each entry names a
task the worker knows, and each task runs what its management command runs."""

from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings

from portfolio_site.celery import app

pytestmark = pytest.mark.django_db

# task name: (what the task must call, the management command that calls the same)
JOBS = {
    "analytics.tasks.refresh": ("analytics.rollups.windows_slide", "analytics_refresh"),
    "analytics.tasks.purge_view_counts": ("analytics.services.portfolio_view_counts_purge",
                                          "purge_view_counts"),
    "notifications.tasks.send_digest": ("notifications.tasks.digest_send",
                                        "send_notification_digest"),
    "notifications.tasks.purge": ("notifications.tasks.notifications_purge",
                                  "purge_notifications"),
    "journal.tasks.publish_due_posts": ("journal.tasks.due_posts_publish", "publish_due_posts"),
    "outbox.tasks.send_pending": ("outbox.sending.emails_send_pending", "send_queued_email"),
    "outbox.tasks.purge": ("outbox.services.emails_purge", None),
    "search.tasks.rebuild_vocabulary": ("search.derived.vocabulary_rebuild",
                                        "search_rebuild_vocabulary"),
}  # fmt: skip
# Scheduled work with no command of its own among the cron lines it replaced.
OTHER_JOBS = {
    "core.tasks.heartbeat",  # the worker's heartbeat for /healthz, every 30 s
    "core.tasks.purge_orphan_files",  # files no row names (storage_orphans --delete)
    "transfer.tasks.cleanup",  # expired downloads and old export/import jobs
}


def test_the_schedule_names_only_tasks_the_worker_knows():
    app.loader.import_default_modules()  # what the worker imports (autodiscover_tasks)
    scheduled = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(scheduled) == set(JOBS) | OTHER_JOBS
    for name, entry in scheduled.items():
        assert name in app.tasks, name
        if name != "core.tasks.heartbeat":
            assert isinstance(entry["schedule"], crontab), name
        # A run that waited past the next one is dropped: no backlog after an outage.
        assert entry["options"]["expires"] > 0, name
    assert scheduled["outbox.tasks.send_pending"]["schedule"] == crontab()  # every minute


@pytest.mark.parametrize("task_name", sorted(JOBS))
def test_each_task_runs_what_its_command_runs(task_name):
    app.loader.import_default_modules()
    target, command = JOBS[task_name]
    with mock.patch(target, return_value=3) as job:
        assert app.tasks[task_name].apply().get() == 3
    job.assert_called_once()
    if command is not None:
        from django.core.management import get_commands

        assert command in get_commands()
