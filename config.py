"""Settings read from the environment, with defaults that let `make run` work untouched."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// URLs go through psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(instance_path: str) -> str:
    """DATABASE_URL if set, else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'tour.sqlite3'}"
    return normalise_database_url(url)


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment; otherwise one generated once and kept in the instance
    folder, so that development sessions survive a restart without a key in the code."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


# Without PUBLIC_URL the platform is a development server: only loopback names are trusted,
# so a forged Host header cannot put another site's address in a mail or a feed.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]


def trusted_hosts(public_url: str, extra: str) -> list[str]:
    """The Host values requests may carry: PUBLIC_URL's host and TRUSTED_HOSTS (comma
    separated; ".example.org" trusts its subdomains), or loopback when PUBLIC_URL is unset."""
    hosts = [h.strip() for h in extra.split(",") if h.strip()]
    public_host = urlsplit(public_url).hostname if public_url else None
    if public_host:
        return [public_host, *hosts]
    return LOOPBACK_HOSTS + hosts


def from_environment(instance_path: str) -> dict:
    public_url = os.environ.get("PUBLIC_URL", "").strip()
    # One Redis for everything several servers must share: caches, rate limits, jobs.
    redis_url = os.environ.get("REDIS_URL", "").strip()
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Limits must be shared by every process and server: Redis in production. memory://
        # counts per process (development, one process).
        "RATELIMIT_STORAGE_URI": (
            os.environ.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://"
        ),
        "RATELIMIT_KEY_PREFIX": os.environ.get(
            "RATELIMIT_KEY_PREFIX", os.environ.get("REDIS_KEY_PREFIX", "tournee")
        ),
        # Rendered feeds and documents (services/caching.py): in Redis, every worker of every
        # server builds a document once for all; memory:// keeps them in each process.
        "CACHE_URL": os.environ.get("CACHE_URL") or redis_url or "memory://",
        # Background jobs (jobs/): Huey on Redis in production, on a SQLite file of the instance
        # folder otherwise (no service to start). Keys and queue are named after the prefix.
        "JOBS_URL": (
            os.environ.get("JOBS_URL")
            or redis_url
            or f"sqlite:///{Path(instance_path) / 'jobs.sqlite3'}"
        ),
        "REDIS_KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "tournee"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        # The DSFR and the Marianne identity are for State services only: STATE_IDENTITY=0
        # serves the same pages without the République française block and its fonts.
        "STATE_IDENTITY": os.environ.get("STATE_IDENTITY", "1") != "0",
        # Journey rule of the planning warnings: great-circle distance at this average speed,
        # plus a minimum transfer; a trip to or from an overseas territory needs a full day.
        "PLANNING_AVERAGE_SPEED_KMH": float(os.environ.get("PLANNING_AVERAGE_SPEED_KMH", "80")),
        "PLANNING_MIN_TRANSFER_MINUTES": int(os.environ.get("PLANNING_MIN_TRANSFER_MINUTES", "60")),
        "PLANNING_OVERSEAS_MIN_HOURS": int(os.environ.get("PLANNING_OVERSEAS_MIN_HOURS", "24")),
        # Itinerary optimiser (services/planning/itinerary): caps on stops, daytime hours in
        # each territory's zone, what a rank-1 date option is worth in km, and its time limit.
        "PLANNING_MAX_STOPS_PER_DAY": int(os.environ.get("PLANNING_MAX_STOPS_PER_DAY", "1")),
        "PLANNING_MAX_STOPS_PER_WEEK": int(os.environ.get("PLANNING_MAX_STOPS_PER_WEEK", "3")),
        "PLANNING_DAY_START": os.environ.get("PLANNING_DAY_START", "9:00"),
        "PLANNING_DAY_END": os.environ.get("PLANNING_DAY_END", "18:00"),
        "PLANNING_OPTION_KM": float(os.environ.get("PLANNING_OPTION_KM", "300")),
        "PLANNING_SOLVER_SECONDS": float(os.environ.get("PLANNING_SOLVER_SECONDS", "20")),
        # Mail: an outbox sent by `flask mail send`. Without MAIL_SERVER, mails are written as
        # .eml files in instance/mail/ (development).
        "MAIL_BACKEND": os.environ.get(
            "MAIL_BACKEND", "smtp" if os.environ.get("MAIL_SERVER") else "file"
        ),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_TIMEOUT_SECONDS": float(os.environ.get("MAIL_TIMEOUT_SECONDS", "10")),
        "MAIL_FROM": os.environ.get(
            "MAIL_FROM", "Tournée French Impact <ne-pas-repondre@tournee.example>"
        ),
        "MAIL_ORGANIZER": os.environ.get("MAIL_ORGANIZER", "organisation@tournee.example"),
        "MAIL_ORGANIZER_NAME": os.environ.get("MAIL_ORGANIZER_NAME", "Tournée French Impact"),
        "MAIL_DOMAIN": os.environ.get("MAIL_DOMAIN", "tournee.example"),
        "MAIL_FILE_DIR": os.environ.get("MAIL_FILE_DIR", str(Path(instance_path) / "mail")),
        # Retries: the n-th failure waits base × 2^(n-1) seconds, at most one hour.
        "MAIL_RETRY_BASE_SECONDS": float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30")),
        "MAIL_RETRY_MAX_SECONDS": float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600")),
        "PUBLIC_URL": public_url,
        "TRUSTED_HOSTS": trusted_hosts(public_url, os.environ.get("TRUSTED_HOSTS", "")),
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "30 per minute"),
        # Seat squatting: one address cannot hold a workshop's seats with invented e-mails.
        "REGISTRATION_PER_WORKSHOP_LIMIT": os.environ.get(
            "REGISTRATION_PER_WORKSHOP_LIMIT", "10 per hour"
        ),
        "ADMIN_EMAIL": os.environ.get("ADMIN_EMAIL", "admin@tournee.example"),
        "ADMIN_PASSWORD": os.environ.get("ADMIN_PASSWORD", ""),
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", ""),
        # seed-demo publishes release "v1" of the demo tour (its PDF takes a few seconds).
        "DEMO_FIRST_RELEASE": os.environ.get("DEMO_FIRST_RELEASE", "1") != "0",
    }


def for_tests(database: str) -> dict:
    """Overrides used by the test suite: a throwaway database, CSRF kept on."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database,
        "RATELIMIT_STORAGE_URI": "memory://",
        "CACHE_URL": "memory://",
        # Jobs wait in memory until a test runs them (tests/jobs/helpers.py).
        "JOBS_URL": "memory://",
        "LOGIN_RATE_LIMIT": "5 per minute",
        "SERVER_NAME": None,
        # The seed's first release renders a PDF: seconds in every test that seeds.
        "DEMO_FIRST_RELEASE": False,
    }
