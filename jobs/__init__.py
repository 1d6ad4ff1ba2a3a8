"""Background work on a queue (Huey: SQLite in instance/ by default, Redis in production).

Every job is registered by name with @jobs.queue.job and queued with `enqueue(name, …)`:

- outbox.send_outbox: send the mails that are due (every minute, and after each commit that
  queued one);
- reminders.send_reminders: the reminder two days before a workshop (every 10 minutes);
- documents.render_document, documents.refresh_documents: tour programmes rendered away from
  web requests, and again after a change;

Optimiser runs and notification digests register here the same way (a module of this package
with an @job function, imported below). Consumers: `huey_consumer jobs.worker.huey`.
"""

from jobs import documents, outbox, reminders
from jobs.queue import REGISTRY, enqueue, huey, init_app, job

__all__ = ["REGISTRY", "documents", "enqueue", "huey", "init_app", "job", "outbox", "reminders"]
