"""The consumers' entry point: `huey_consumer jobs.worker.huey` builds the application from
the environment (as gunicorn's `app:create_app()` does for the web servers), so that jobs
read the same configuration, database and queue as the servers that queue them."""

from app import create_app
from jobs import huey

app = create_app()

__all__ = ["app", "huey"]
