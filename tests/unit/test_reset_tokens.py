"""The rules for password reset links (server/accounts/reset.py)."""

from __future__ import annotations

import datetime as dt

from server.accounts import reset

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def test_a_token_is_unguessable_and_only_its_hash_is_kept() -> None:
    tokens = {reset.new_token() for _ in range(200)}
    assert len(tokens) == 200
    token, hashed = next(iter(tokens))
    assert reset.looks_like_token(token) and token not in hashed and len(hashed) == 64
    assert reset.token_hash(token) == hashed and reset.token_hash(token + "x") != hashed


def test_a_link_works_once_and_for_one_hour() -> None:
    expires = reset.expires_at(NOW)
    assert expires - NOW == dt.timedelta(hours=1)
    assert reset.usable(expires, None, NOW + dt.timedelta(minutes=59))
    assert not reset.usable(expires, None, expires)
    assert not reset.usable(expires, NOW + dt.timedelta(minutes=5), NOW + dt.timedelta(minutes=10))


def test_only_the_shape_of_a_real_token_is_looked_up() -> None:
    token, _ = reset.new_token()
    assert reset.looks_like_token(token)
    for bad in ("", token[:-1], token + "a", token[:-1] + "/", token[:-1] + "é", "' OR 1=1 --" + "a" * 32):
        assert not reset.looks_like_token(bad), bad
