"""gunicorn reads this file from the directory it starts in (the project's root)."""

import os


def on_starting(server) -> None:
    """Several workers counting login and registration attempts each in its own memory let
    an attacker multiply the limits: say it loudly before serving."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or ""
    if server.cfg.workers > 1 and (not storage or storage.startswith("memory://")):
        server.log.error(
            "!!! %s workers with rate limits in memory: each one counts on its own, so login "
            "and registration limits are %s times too loose. Set RATELIMIT_STORAGE_URI=redis://… "
            "(see README, Production). !!!",
            server.cfg.workers,
            server.cfg.workers,
        )
