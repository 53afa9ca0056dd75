"""A few seconds' memory, per process, of open ballots' frozen settings (issue 21).

Voting loads the same ballot on every step (the vote page, each ranking step, review, cast), and on
election day thousands of voters do so at once. Once voting has opened a ballot's settings are
frozen (`BallotLocked`); only `closes_at` may move, and only later (`extend_ballot`). So a copy
read a few seconds ago is right, except that an extension made in another worker is seen up to
TTL seconds late. An entry is therefore never used within TTL seconds of the closing time it
knows: a ballot extended elsewhere can never look closed here, and a ballot that closes is read
from the database again. This process's own updates and extensions drop the entry at once.

No I/O here: the service fills it and asks it.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from ballots.schemas import BallotView

TTL_SECONDS = 5.0


class _Entry:
    __slots__ = ("engine", "keys", "salt", "stored", "view")

    def __init__(self, engine: object, view: BallotView, salt: str, stored: float) -> None:
        self.engine, self.view, self.salt, self.stored = engine, view, salt, stored
        # The ballot's sealing keys once checked against SECRET_KEY (ballots.service.ballot_keys): the
        # seal salt never changes once set, so casting need not read it again.
        self.keys: object | None = None


_ballots: dict[int, _Entry] = {}
# find_code's list of (id, salt, opens_at, closes_at) of ballots not yet closed, with when it was read.
_unclosed: tuple[object, float, list[dict[str, Any]]] | None = None


def _fresh(stored: float) -> bool:
    return time.monotonic() - stored < TTL_SECONDS


def lookup(ballot_id: int, engine: object, now: dt.datetime) -> _Entry | None:
    entry = _ballots.get(ballot_id)
    if entry is None or entry.engine is not engine or not _fresh(entry.stored):
        return None
    if not (entry.view.opens_at <= now and now + dt.timedelta(seconds=TTL_SECONDS) < entry.view.closes_at):
        return None
    return entry


def store(engine: object, view: BallotView, salt: str, keys: object | None = None) -> None:
    """Remember `view` if its settings are frozen (voting opened by the real clock)."""
    if view.state == "open" and view.opens_at <= dt.datetime.now(dt.UTC):
        entry = _ballots[view.id] = _Entry(engine, view, salt, time.monotonic())
        entry.keys = keys


def unclosed(engine: object) -> list[dict[str, Any]] | None:
    if _unclosed is None or _unclosed[0] is not engine or not _fresh(_unclosed[1]):
        return None
    return _unclosed[2]


def store_unclosed(engine: object, rows: list[dict[str, Any]]) -> None:
    global _unclosed
    _unclosed = (engine, time.monotonic(), rows)


def forget(ballot_id: int | None = None) -> None:
    """Drop one ballot (after this process changed it), or everything (None)."""
    global _unclosed
    _unclosed = None
    if ballot_id is None:
        _ballots.clear()
    else:
        _ballots.pop(ballot_id, None)
