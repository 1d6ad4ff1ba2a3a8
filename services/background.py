"""What admins see of background work: the jobs that failed for good, newest first."""

import logging

from sqlalchemy import select

from extensions import db
from models import FailedJob

log = logging.getLogger(__name__)

MAX_LISTED = 200


def record_failure(
    name: str, task_id: str, arguments: str, error: str, details: str, attempts: int
) -> FailedJob:
    failure = FailedJob(
        name=name[:100],
        task_id=task_id[:64],
        arguments=arguments[:500],
        error=error[:2000],
        details=details[-20_000:],
        attempts=attempts,
    )
    db.session.add(failure)
    db.session.flush()
    log.warning("job %s (%s) failed for good after %s attempts: %s", name, task_id, attempts, error)
    return failure


def recent_failures(limit: int = MAX_LISTED) -> list[FailedJob]:
    return list(
        db.session.scalars(
            select(FailedJob).order_by(FailedJob.failed_at.desc(), FailedJob.id.desc()).limit(limit)
        )
    )
