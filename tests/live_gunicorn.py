"""The app under a real gunicorn on loopback: for the concurrency test and the benchmarks."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN = PROJECT_ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
# Settings of the calling shell that would change what the workers do.
IGNORED_ENVIRONMENT = ("GUNICORN_CMD_ARGS", "MAIL_SERVER", "WEB_CONCURRENCY")


class GunicornFailed(RuntimeError):
    """gunicorn exited, or never answered /healthz; the message holds its log."""


@dataclass
class Server:
    port: int
    log: Path

    def log_tail(self, limit: int = 20_000) -> str:
        """gunicorn's output (its log, the workers' tracebacks), for failure messages."""
        return self.log.read_text(errors="replace")[-limit:] if self.log.exists() else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(
    database_url: str,
    workers: int,
    log: Path,
    worker_timeout: int = 60,
    startup_timeout: int = 30,
    **environment_overrides: str,
) -> Iterator[Server]:
    """Serve `app:create_app()` on a free loopback port until the block ends. Mail goes to
    .eml files beside the log; extra keyword arguments become environment variables."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in IGNORED_ENVIRONMENT}
    environment.update(
        DATABASE_URL=database_url,
        PUBLIC_URL=f"http://{HOST}:{port}",
        MAIL_BACKEND="file",
        MAIL_FILE_DIR=str(log.parent / "mail"),
    )
    # Overrides win (PUBLIC_URL too: servers behind one load balancer share its address).
    environment.update(environment_overrides)
    command = [
        str(GUNICORN),
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        str(worker_timeout),
        # No control socket in ~/.gunicorn: two runs at once (CI's two passes) would share it.
        "--no-control-socket",
        "app:create_app()",
    ]
    # Output to a file, not a pipe: a pipe nobody reads could fill up and block the workers.
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, log)
    try:
        deadline = time.monotonic() + startup_timeout
        while not healthy(port):
            if process.poll() is not None:
                raise GunicornFailed(
                    f"gunicorn exited with {process.returncode}:\n{server.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise GunicornFailed(
                    f"gunicorn did not answer /healthz in {startup_timeout} s:\n{server.log_tail()}"
                )
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
