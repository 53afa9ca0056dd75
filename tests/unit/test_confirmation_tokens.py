import datetime as dt

from server.accounts import confirmation

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def test_a_confirmation_link_lasts_two_days_and_works_once() -> None:
    expires = confirmation.expires_at(NOW)
    assert expires - NOW == dt.timedelta(hours=48)
    assert confirmation.usable(expires, None, NOW + dt.timedelta(hours=47))
    assert not confirmation.usable(expires, None, expires)
    assert not confirmation.usable(expires, NOW, NOW + dt.timedelta(minutes=1))


def test_only_a_hash_is_kept_and_odd_tokens_are_not_looked_up() -> None:
    token, hashed = confirmation.new_token()
    assert confirmation.looks_like_token(token) and hashed == confirmation.token_hash(token) and token not in hashed
    assert not confirmation.looks_like_token("x" * 42) and not confirmation.looks_like_token("é" * 43)
