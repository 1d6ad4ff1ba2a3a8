"""Schemathesis against the API under a real gunicorn on loopback: every operation of
/api/v1/openapi.json, positive and negative data, with every check (no server error, status
codes, content types, headers and bodies as documented, schema-invalid requests refused).
Bounded (few examples, a fixed seed, a time budget) to stay well under a minute."""

import subprocess
from pathlib import Path

from tests import live_gunicorn

HERE = Path(__file__).parent
SCHEMATHESIS = live_gunicorn.PROJECT_ROOT / ".venv" / "bin" / "schemathesis"


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    app, database_url, world, published, tmp_path
):
    with live_gunicorn.gunicorn(database_url, workers=1, log=tmp_path / "gunicorn.log") as server:
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--config-file",
                str(HERE / "schemathesis.toml"),
                "--no-color",
                "run",
                f"http://{live_gunicorn.HOST}:{server.port}/api/v1/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "4",
                "--seed",
                "20190225",
                "--max-time",
                "25",
                "--workers",
                "1",
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            cwd=tmp_path,
        )
        log = server.log_tail()
    output = run.stdout + run.stderr
    (tmp_path / "schemathesis.txt").write_text(output)
    assert run.returncode == 0, output[-6000:]
    # Warnings are fine (most random slugs name nothing, so most lists answer 400).
    assert " passed" in output and "failure" not in output, output[-6000:]
    assert "Traceback" not in log, log
