"""The documents' tests read PDFs as a browser does: a tour programme is rendered by a job,
so when a request queues one (the progress page, or the previous version meanwhile) the jobs
run, as a consumer would, and the request is made again (as the page's refresh does)."""

import pytest

from jobs import huey
from tests.jobs.runner import run_jobs


class ConsumerBesideTheClient:
    def __init__(self, app, client):
        self._app, self._client = app, client

    def get(self, *args, **kwargs):
        response = self._client.get(*args, **kwargs)
        if huey.pending_count():
            run_jobs(self._app)
            response = self._client.get(*args, **kwargs)
        return response

    def __getattr__(self, name):
        return getattr(self._client, name)


@pytest.fixture
def client(app):
    return ConsumerBesideTheClient(app, app.test_client())
