"""A job for the several-servers test that records each of its executions in Redis, so that
the test can count them (consumers load it through tests/jobs/counting_worker.py)."""

import os

import redis
from flask import current_app

from jobs.queue import job


@job(retries=0)
def count_execution(key: str, number: int) -> None:
    """Records (number, consumer process) in a Redis list; takes a little time, so that
    every consumer gets some of the work."""
    import time

    time.sleep(0.1)
    connection = redis.Redis.from_url(current_app.config["CACHE_URL"])
    connection.rpush(key, f"{number}:{os.getpid()}")
