"""Tokens in private links: 256 random bits, URL-safe, never the same twice."""

import re

from models.types import MAX_TOKEN_LENGTH, could_be_token, new_token


def test_token_is_256_bits_in_url_safe_characters():
    token = new_token()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 bytes in base64url, no padding


def test_tokens_never_repeat():
    assert len({new_token() for _ in range(1000)}) == 1000


def test_only_what_a_token_can_be_is_looked_up():
    assert could_be_token(new_token())
    assert not could_be_token("")
    assert not could_be_token(None)
    assert could_be_token("x" * MAX_TOKEN_LENGTH)
    assert not could_be_token("x" * (MAX_TOKEN_LENGTH + 1))
