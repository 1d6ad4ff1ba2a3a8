"""The one Huey instance of the platform, and the @job decorator every background job uses.

Huey is a maintained task queue with an embedded storage: jobs wait in a SQLite file of the
instance folder by default (nothing to start for `make run`), in Redis when JOBS_URL (or
REDIS_URL) names one, so that any number of consumers on any machine share one queue. This
module builds the queue from the configuration alone: it does not import app.py (the
consumer's entry point, jobs/worker.py, builds the app, as gunicorn's `app:create_app()`).

A job runs in an application and request context (for url_for in mails and documents), in one
transaction: committed when it returns, rolled back when it raises. It is retried with
back-off (retry_delay × retry_backoff^n); one that fails for good is written to the
FailedJob table, which admins read at /admin/taches-de-fond.
"""

import logging
import os
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.api import Task, TaskWrapper
from huey.signals import SIGNAL_ERROR
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from extensions import db

log = logging.getLogger(__name__)

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEFAULT_PREFIX = "tournee"


def url_from_environment() -> str:
    """What config.from_environment says, read the same way (this module imports no app)."""
    return (
        os.environ.get("JOBS_URL")
        or os.environ.get("REDIS_URL", "").strip()
        or f"sqlite:///{INSTANCE_DIR / 'jobs.sqlite3'}"
    )


def _storage(url: str, name: str):
    if url.startswith("memory://"):
        return MemoryStorage(name)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage(name, filename=str(path))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(name, url=url)
    raise ValueError(f"JOBS_URL must be memory://, sqlite:///… or redis://…, not {url[:40]!r}")


# Results are not kept: a job's outcome is in the database (a sent mail, a rendered document,
# a FailedJob row), never in the queue.
huey = Huey(DEFAULT_PREFIX, results=False, utc=True, storage_class=MemoryStorage)
_configured: tuple[str, str] = ("", "")
_bound_app: Flask | None = None


def configure(url: str, name: str = DEFAULT_PREFIX) -> None:
    """Points the queue at a storage (idempotent: the same settings keep the same storage)."""
    global _configured
    if _configured == (url, name):
        return
    huey.name = name
    huey.storage = _storage(url, name)
    _configured = (url, name)


configure(url_from_environment(), os.environ.get("REDIS_KEY_PREFIX", DEFAULT_PREFIX))


def init_app(app: Flask) -> None:
    """The queue of this app's configuration; jobs run in this app when no other is active."""
    global _bound_app
    configure(app.config["JOBS_URL"], app.config["REDIS_KEY_PREFIX"])
    _bound_app = app


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _bound_app is None:
        raise RuntimeError("No application for the job: start consumers with jobs.worker.huey")
    return _bound_app


def _in_transaction(func: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        app = _app()
        base_url = app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
        outer = nullcontext() if has_app_context() else app.app_context()
        with outer, app.test_request_context("/", base_url=base_url):
            try:
                result = func(*args, **kwargs)
            except BaseException:
                db.session.rollback()
                raise
            db.session.commit()
            return result

    run.__name__ = func.__name__
    run.__qualname__ = func.__qualname__
    run.__module__ = func.__module__
    run.__doc__ = func.__doc__
    return run


# Every job by name: enqueue("name", …) is how other code asks for background work.
REGISTRY: dict[str, TaskWrapper] = {}


def job(
    retries: int = 5,
    retry_delay: float = 10,
    retry_backoff: float = 2,
    periodic: Callable[[Any], bool] | None = None,
    **settings: Any,
) -> Callable[[Callable[..., Any]], TaskWrapper]:
    """Registers a background job. By default a failed run is tried again 5 times, after
    10 s, 20 s, 40 s, 80 s and 160 s; `periodic` (a huey.crontab) also runs it on a schedule
    (every consumer enqueues periodic jobs, so they must be idempotent, as every job is)."""

    def register(func: Callable[..., Any]) -> TaskWrapper:
        name = func.__name__
        if name in REGISTRY:
            raise ValueError(f"two jobs are named {name!r}")
        options = {
            "retries": retries,
            "retry_delay": retry_delay,
            "retry_backoff": retry_backoff,
            "name": name,
        }
        if periodic is not None:
            wrapper = huey.periodic_task(periodic, **options, **settings)(_in_transaction(func))
        else:
            wrapper = huey.task(**options, **settings)(_in_transaction(func))
        REGISTRY[name] = wrapper
        return wrapper

    return register


def enqueue(name: str, *args: Any, delay: float | None = None, **kwargs: Any) -> None:
    """Queue the job registered under `name` (jobs/…), to run as soon as a consumer is free
    or after `delay` seconds. Arguments must be plain values (ids, strings): the job loads
    what it needs, so it sees the data as it is when it runs."""
    wrapper = REGISTRY[name]
    if delay:
        wrapper.schedule(args=args, kwargs=kwargs, delay=delay)
    else:
        wrapper(*args, **kwargs)


def _arguments(task: Task) -> str:
    args, kwargs = task.data
    return ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])


@huey.signal(SIGNAL_ERROR)
def _record_final_failure(_signal: str, task: Task, error: BaseException | None = None) -> None:
    """A job whose retries are spent goes to the FailedJob table, with its reason."""
    if task.retries:  # it will be tried again
        return
    from services.background import record_failure

    app = _app()
    outer = nullcontext() if has_app_context() else app.app_context()
    with outer:
        try:
            record_failure(
                name=task.name,
                task_id=task.id,
                arguments=_arguments(task),
                error=f"{type(error).__name__}: {error}" if error else "?",
                details="".join(traceback.format_exception(error)) if error else "",
                attempts=1 + int(type(task).default_retries or 0),
            )
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not record the failure of job %s", task.id)
