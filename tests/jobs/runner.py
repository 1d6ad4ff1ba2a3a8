"""Running queued jobs in the test's process, the way a consumer does (Huey's own dequeue and
execute): the suite needs no consumer process and no Redis."""

import datetime

from jobs import huey


def run_jobs(app, later: datetime.timedelta | None = None, limit: int = 200) -> int:
    """Runs every queued job, and those queued by them, until none is left; with `later`,
    also the retries scheduled up to that far from now. Returns how many ran."""
    ran = 0
    with app.app_context():
        while ran < limit:
            task = huey.dequeue()
            if task is None and later is not None:
                moment = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + later
                due = huey.read_schedule(moment)
                if due:
                    for scheduled in due:
                        huey.execute(scheduled, moment)
                        ran += 1
                    continue
            if task is None:
                return ran
            huey.execute(task)
            ran += 1
    raise AssertionError(f"more than {limit} jobs: one keeps queueing another")


def queued() -> list[str]:
    """The names of the jobs waiting in the queue."""
    return [task.name for task in huey.pending()]


# A browser asking for a tour programme gets a progress page until a consumer has rendered it:
# the tests that read such documents run the queued jobs and ask again, as the page's refresh does.
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
