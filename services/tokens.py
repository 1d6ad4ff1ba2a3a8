"""Secret tokens in links (a registration's management page, a private calendar feed): who
holds the link holds the right, so a token is long enough never to be guessed."""

import secrets

# 32 random bytes, 256 bits, 43 URL-safe characters.
TOKEN_BYTES = 32
# Longer than any token we hand out: a longer one is refused before any query.
MAX_TOKEN_LENGTH = 64


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def could_be_token(text: str | None) -> bool:
    """False for what no token of ours can be (empty, too long): not worth a query."""
    return bool(text) and len(text) <= MAX_TOKEN_LENGTH
