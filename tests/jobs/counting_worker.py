"""The consumers' entry point of the several-servers test: the platform's (jobs.worker) with
the counting job registered too."""

from jobs.worker import app, huey
from tests.jobs import counting

__all__ = ["app", "counting", "huey"]
