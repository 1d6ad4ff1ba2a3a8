"""The frab tests' programme (public stops in Paris and Mayotte, a draft with its round table,
speakers with e-mails, an online workshop, a draft and a cancelled one), plus registrations:
what the API tests read."""

from datetime import UTC, datetime

import pytest

from tests.factories import sign_up
from tests.frab.test_frab_exports import programme  # noqa: F401  (a fixture)


@pytest.fixture
def published(app, world, programme):  # noqa: F811
    sign_up(
        app,
        programme["online"],
        "Camille Inscrite",
        "camille.inscrite@example.org",
        now=datetime(2019, 2, 1, tzinfo=UTC),
    )
    sign_up(app, programme["in_mayotte"], "Dominique Inscrite", "dominique@example.org")
    return programme
