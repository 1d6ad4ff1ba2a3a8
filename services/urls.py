"""Absolute addresses, for mails and calendar feeds read outside the site."""

from flask import current_app, has_request_context, request, url_for


def base_url() -> str:
    """PUBLIC_URL when configured, else the address the request came to."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def absolute_url(endpoint: str, **values) -> str:
    """e.g. https://tournee.example/workshops/3"""
    return base_url() + url_for(endpoint, **values)
