"""The signed code cookie and the open-ballot cache (issue 21): pure, no database."""

from __future__ import annotations

import datetime as dt

from ballots import code_cookie, open_cache
from ballots.code_cookie import CodeBinding
from ballots.schemas import BallotView

SECRET = "a-secret-key-that-is-long-enough-0123456789"


def test_a_signed_binding_reads_back_and_anything_else_is_refused() -> None:
    binding = CodeBinding(ballot=3, code=41, band="12-17", expires=2_000)
    value = code_cookie.sign(SECRET, binding)
    assert code_cookie.verify(SECRET, value, now=1_000) == binding
    assert code_cookie.verify(SECRET, value, now=2_000) is None  # expired
    assert code_cookie.verify("another-secret-key-0123456789-0123456789", value, now=1_000) is None
    payload, mac = value.split(".")
    other = code_cookie.sign(SECRET, CodeBinding(ballot=4, code=41, band="12-17", expires=2_000)).split(".")[0]
    assert code_cookie.verify(SECRET, f"{other}.{mac}", now=1_000) is None  # moved to another ballot
    for broken in ("", "nonsense", "a.b.c", f"{payload}.", f"{payload}.!!", "e30.e30"):
        assert code_cookie.verify(SECRET, broken, now=1_000) is None


def _view(ballot_id: int, opens: dt.datetime, closes: dt.datetime, state: str = "open") -> BallotView:
    return BallotView(ballot_id, "Fund", "", 1, "Cycle", None, None, 1000, 3, 1, None, None, opens, closes, "mes",
                      state)


def test_the_cache_keeps_open_ballots_and_never_serves_one_near_its_closing_time() -> None:
    open_cache.forget()
    engine, other_engine = object(), object()
    now = dt.datetime.now(dt.UTC)
    view = _view(1, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
    open_cache.store(engine, view, "salt")
    entry = open_cache.lookup(1, engine, now)
    assert entry is not None and entry.view is view and entry.salt == "salt"
    assert open_cache.lookup(1, other_engine, now) is None  # another database
    near_closing = now + dt.timedelta(hours=1) - dt.timedelta(seconds=open_cache.TTL_SECONDS / 2)
    assert open_cache.lookup(1, engine, near_closing) is None
    assert open_cache.lookup(1, engine, now - dt.timedelta(hours=2)) is None  # asked about before it opened
    open_cache.forget(1)
    assert open_cache.lookup(1, engine, now) is None
    # Not yet open (settings may still change) or closed: not kept.
    open_cache.store(engine, _view(2, now + dt.timedelta(hours=1), now + dt.timedelta(hours=2), "upcoming"), "s")
    open_cache.store(engine, _view(3, now - dt.timedelta(hours=2), now - dt.timedelta(hours=1), "closed"), "s")
    assert open_cache.lookup(2, engine, now + dt.timedelta(hours=1, minutes=1)) is None
    assert open_cache.lookup(3, engine, now) is None


def test_cache_entries_expire(monkeypatch) -> None:
    open_cache.forget()
    engine = object()
    now = dt.datetime.now(dt.UTC)
    open_cache.store(engine, _view(1, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)), "salt")
    open_cache.store_unclosed(engine, [{"id": 1}])
    assert open_cache.unclosed(engine) == [{"id": 1}]
    later = open_cache.time.monotonic() + open_cache.TTL_SECONDS + 1
    monkeypatch.setattr(open_cache.time, "monotonic", lambda: later)
    assert open_cache.lookup(1, engine, now) is None and open_cache.unclosed(engine) is None
