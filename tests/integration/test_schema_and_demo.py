"""The migrations build the whole schema from empty on both engines, and the demo data loads."""

from __future__ import annotations

import dataclasses

import pytest
from piccolo.engine.base import Engine

from server.database import all_tables, write_transaction
from server.demo import DEMO_PASSWORD, DemoContext, database_is_empty, load_demo
from server.stores.tables import StoreEntry


async def test_every_table_exists_after_migrations(db: Engine) -> None:
    for table in all_tables():
        assert await table.table_exists().run(), table._meta.tablename


async def test_composite_unique_index_is_enforced(db: Engine) -> None:
    await StoreEntry.insert(StoreEntry(namespace="n", key="k", value=b"1"))
    await StoreEntry.insert(StoreEntry(namespace="other", key="k", value=b"1"))
    with pytest.raises(Exception, match=r"(?i)unique"):
        await StoreEntry.insert(StoreEntry(namespace="n", key="k", value=b"2"))


async def test_write_transaction_rolls_back_on_error(db: Engine) -> None:
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await StoreEntry.insert(StoreEntry(namespace="n", key="rolled-back", value=b"1"))
            raise RuntimeError("boom")
    assert await StoreEntry.count() == 0


async def test_concurrent_sqlite_writers_queue_instead_of_timing_out(tmp_path) -> None:
    # 20 writers in one process, each holding the write lock for 50 ms, with a busy timeout of
    # 0.2 s: waiting in SQLite's busy handler, most would fail with "database is locked"; queued
    # on the process's writer lock, every one commits.
    import asyncio

    from piccolo.engine.sqlite import SQLiteEngine

    from server.database import bind_engine, migrate, prepare_sqlite_file

    path = tmp_path / "busy.sqlite3"
    await migrate(SQLiteEngine(path=str(path)))
    engine = SQLiteEngine(path=str(path), timeout=0.2)
    prepare_sqlite_file(engine)
    bind_engine(engine)

    async def writer(i: int) -> None:
        async with write_transaction():
            await StoreEntry.insert(StoreEntry(namespace="queue", key=str(i), value=b"1"))
            await asyncio.sleep(0.05)

    await asyncio.gather(*[writer(i) for i in range(20)])
    assert await StoreEntry.count().where(StoreEntry.namespace == "queue") == 20


async def test_demo_data_loads(db: Engine, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOWNSQUARE_VAR_DIR", str(tmp_path))
    from server.accounts.service import SignIn, Throttles, sign_in
    from server.stores.ratelimit import DatabaseCounters
    from server.throttle import Throttle

    assert await database_is_empty()
    lines: list[str] = []
    ctx = await load_demo(progress=lines.append)
    assert not await database_is_empty()
    assert lines and lines[0].startswith("[1/")
    assert {"council", "moderator", "resident", "youth"} <= set(ctx.accounts)
    assert any("council@demo.townsquare.example" in note for note in ctx.notes)
    counters = DatabaseCounters()
    throttles = Throttles(*(Throttle(counters, 5, 60) for _ in dataclasses.fields(Throttles)))
    result = await sign_in(SignIn("council@demo.townsquare.example", DEMO_PASSWORD), "test", throttles)
    assert result.viewer is not None and result.viewer.role == "council"


async def test_demo_data_tells_one_coherent_story(demo: DemoContext) -> None:
    """Issue 20, item 21: nothing in delivery that is still on an open ballot or lost its vote, every
    proposal in a category residents can choose, no project proposed by the moderator, and no
    delivery update that talks about something else."""
    import datetime as dt

    import msgspec

    from ballots.counting.schemas import CountView
    from ballots.results.tables import ResultPublication
    from ballots.tables import Ballot, BallotCandidate
    from delivery.tables import DeliveryItem, DeliveryUpdate
    from proposals.categories import CATEGORIES
    from proposals.tables import Proposal

    ctx = demo
    now = dt.datetime.now(dt.UTC)
    funded: set[int] = set()
    for r in await ResultPublication.select(ResultPublication.result_json):
        funded |= {p.proposal_id for p in msgspec.json.decode(r["result_json"], type=CountView).funded}
    open_ballots = [b["id"] for b in await Ballot.select(Ballot.id).where(Ballot.closes_at > now)]
    still_voting = {c["proposal"] for c in await BallotCandidate.select(BallotCandidate.proposal).where(
        BallotCandidate.ballot.is_in(open_ballots))}
    on_closed = {c["proposal"] for c in await BallotCandidate.select(BallotCandidate.proposal).where(
        BallotCandidate.ballot.not_in(open_ballots))}
    for item in await DeliveryItem.select(DeliveryItem.proposal, DeliveryItem.proposal.title.as_alias("title")):
        assert item["proposal"] not in still_voting, f"{item['title']} is being delivered while still on a ballot"
        assert item["proposal"] not in on_closed or item["proposal"] in funded, f"{item['title']} lost its vote"
    proposals = await Proposal.select(Proposal.title, Proposal.category, Proposal.author)
    assert {p["category"] for p in proposals} <= set(CATEGORIES)
    assert not [p["title"] for p in proposals if p["author"] == ctx.accounts["moderator"]], \
        "projects proposed by the moderator (last year's were all)"
    for u in await DeliveryUpdate.select(DeliveryUpdate.body, DeliveryUpdate.item.proposal.title.as_alias("title")):
        if "camera" in u["body"].lower():
            assert "camera" in u["title"].lower(), f"an update on “{u['title']}” talks about cameras"
        if "volunteer" in u["body"].lower():
            assert "light" not in u["title"].lower() and "lamp" not in u["title"].lower()


async def test_demo_shows_the_three_ways_of_verification(demo: DemoContext) -> None:
    """Issue 15: a roll import with a resident matched on it, a partner who verified someone in person,
    a ballot that takes verified residents and code holders; demo accounts are confirmed."""
    from ballots.tables import Ballot
    from server.accounts.tables import Account
    from server.verification import service as verification

    ctx = demo
    assert (await verification.roll_status()).claimed == 1
    assert (await verification.current_verification(ctx.accounts["resident"])).method == "roll"  # type: ignore[union-attr]
    [partner] = await verification.partners()
    assert partner.verifications >= 1
    youth = await verification.current_verification(ctx.accounts["youth"])
    assert youth is not None and youth.method == "in_person" and youth.organisation == partner.organisation
    assert await Ballot.exists().where(Ballot.voters == "verified_codes")
    assert not await Account.exists().where(Account.confirmed_at.is_null())
