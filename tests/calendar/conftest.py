"""The calendar tests' parsers: libical's reader is compiled once per session."""

from pathlib import Path

import pytest

from tests.calendar import clients


@pytest.fixture(scope="session")
def libical_reader(tmp_path_factory) -> Path:
    """libical's reader program; fails, never skips, when libical-dev or cc is missing."""
    return clients.build_libical_reader(tmp_path_factory.mktemp("libical"))


@pytest.fixture(scope="session")
def every_parser(libical_reader):
    """Read bytes with the five parsers: {parser: Reading}. Fails when one is missing."""
    clients.check_icaljs_installed()
    return lambda body: clients.every_reading(libical_reader, body)
