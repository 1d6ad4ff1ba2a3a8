"""Requests name a host the platform trusts; links in mails never come from a forged Host
header; HSTS once the site is served over HTTPS."""

from sqlalchemy import func, select

import config
from app import create_app
from extensions import db
from models import OutboxMail, Registration
from tests.factories import make_workshop
from tests.helpers import csrf_token


def _register_with_host(client, workshop_id: int, host: str):
    token = csrf_token(client, f"/workshops/{workshop_id}")
    return client.post(
        f"/workshops/{workshop_id}",
        data={
            "name": "Camille",
            "email": "camille@example.org",
            "consent": "y",
            "csrf_token": token,
        },
        headers={"Host": host},
    )


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Registration.id))) or 0,
            db.session.scalar(select(func.count(OutboxMail.id))) or 0,
        )


def test_forged_host_header_is_refused_and_queues_no_mail(app, client, world):
    workshop_id = make_workshop(app, world)
    response = _register_with_host(client, workshop_id, "evil.example")
    assert response.status_code == 400
    assert _counts(app) == (0, 0)


def test_without_public_url_only_loopback_hosts_are_trusted():
    assert config.trusted_hosts("", "") == config.LOOPBACK_HOSTS
    assert config.trusted_hosts("https://tournee.example/", "") == ["tournee.example"]
    assert config.trusted_hosts("https://tournee.example", " .tournee.example , x.org") == [
        "tournee.example",
        ".tournee.example",
        "x.org",
    ]


def test_mail_links_use_public_url_whatever_the_host(app, database_url, world):
    public = create_app(
        {
            **config.for_tests(database_url),
            "PUBLIC_URL": "https://tournee.example",
            "TRUSTED_HOSTS": config.trusted_hosts("https://tournee.example", "localhost"),
        }
    )
    workshop_id = make_workshop(app, world)
    client = public.test_client()
    assert _register_with_host(client, workshop_id, "evil.example").status_code == 400
    assert _register_with_host(client, workshop_id, "localhost").status_code == 302
    with public.app_context():
        mail = db.session.scalars(select(OutboxMail)).one()
        assert "https://tournee.example/registrations/" in mail.text_body
        assert "evil.example" not in mail.text_body + mail.html_body
        db.session.remove()
        db.engine.dispose()


def test_hsts_is_sent_once_cookies_are_secure(database_url):
    secure = create_app({**config.for_tests(database_url), "SESSION_COOKIE_SECURE": True})
    response = secure.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    with secure.app_context():
        db.engine.dispose()


def test_no_hsts_on_plain_http_development(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
