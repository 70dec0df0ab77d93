"""The export and import pages start jobs; without a broker (tests) their tasks run inline
once the request's transaction commits, which a test reproduces with
``django_capture_on_commit_callbacks(execute=True)``."""

import pytest


@pytest.fixture
def start_and_open(django_capture_on_commit_callbacks):
    """Post to a page that starts a job, run what it queued, and open the job's page
    (where the start redirected): returns that page's response."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(url, data or {})
        assert started.status_code == 302, started.content.decode()[:2000]
        return client.get(started.url)

    return post
