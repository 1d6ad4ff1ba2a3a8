"""The documents' tests read PDFs as a browser does: a tour programme is rendered by a job,
so when a request queues one (the progress page, or the previous version meanwhile) the jobs
run, as a consumer would, and the request is made again (as the page's refresh does)."""

import pytest

from tests.jobs.runner import ConsumerBesideTheClient


@pytest.fixture
def client(app):
    return ConsumerBesideTheClient(app, app.test_client())
