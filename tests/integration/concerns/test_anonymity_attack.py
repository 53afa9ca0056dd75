"""Attack our own database the way DESIGN.md's attacker can: a copy taken after signed-in residents
reported anonymously (and others with their names), with system columns (PostgreSQL xmin, SQLite
rowid) and every table. Nothing in it may link an anonymous report to the account, the session or
the address it came from: no reference, no shared transaction, no session or rate-limit row written
when the report was, no notification or follow of the reporter."""

from __future__ import annotations

import random

import httpx
from factories.concerns import make_category
from piccolo.engine.base import Engine
from support import make_account, make_neighborhood, post_form, sign_in

from concerns.tables import Concern, ConcernEvent, ConcernFollow
from server.notifications.tables import Notification
from server.stores.tables import RateCounter

REPORTERS = 8


async def _system_rows(db: Engine, table: str) -> list[dict]:
    if db.engine_type == "sqlite":
        return await Concern.raw(f"SELECT rowid AS sys, * FROM {table} ORDER BY rowid")
    return await Concern.raw(f"SELECT xmin::text AS xmin, ctid::text AS sys, * FROM {table} ORDER BY ctid")


async def test_a_copy_of_the_database_links_no_anonymous_report_to_its_reporter(app, db: Engine) -> None:
    hood = await make_neighborhood("Riverside")
    lights = await make_category()
    await make_account("council", neighborhood_id=hood)  # staff are told of every new concern
    people = []
    for n in range(REPORTERS):
        account = await make_account(neighborhood_id=hood)
        address = f"198.51.100.{10 + n}"
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000 + n)),
                                   base_url="http://testserver", follow_redirects=False)
        await sign_in(client, account.email)
        people.append((account, address, client))
    sessions_before = await _system_rows(db, "store_entry")
    assert len(sessions_before) >= REPORTERS  # sessions live in the database here, where a copy has them
    truth: dict[str, int] = {}  # description -> reporter account id
    order = list(range(REPORTERS)) * 2
    random.Random(3).shuffle(order)
    for turn, index in enumerate(order):
        account, _address, client = people[index]
        description = f"Report {turn}: the lamp at the corner is out again."
        anonymous = turn % 3 != 0
        url = "/concerns/new/anonymous" if anonymous else "/concerns/new"
        response = await post_form(client, url, {
            "category_id": str(lights), "neighborhood_id": str(hood), "description": description,
            "identity": "private", "language": "en"})
        assert response.status_code == (200 if anonymous else 303), response.text
        if anonymous:
            truth[description] = account.id
    for _account, _address, client in people:
        await client.aclose()

    concerns = await _system_rows(db, "concern")
    anonymous_rows = [r for r in concerns if r["description"] in truth]
    assert len(anonymous_rows) == len(truth) > 5

    # 1. No reference: the report's own row and events name no account, and nothing else names the report.
    ids = {r["id"] for r in anonymous_rows}
    for row in anonymous_rows:
        assert row["account"] is None and row["entered_by"] is None and row["identity"] == "anonymous"
    for event in await ConcernEvent.select().where(ConcernEvent.concern.is_in(list(ids))):
        assert event["author"] is None
    assert not await ConcernFollow.exists().where(ConcernFollow.concern.is_in(list(ids)))
    reporters = set(truth.values())
    for note in await Notification.select().where(Notification.recipient.is_in(list(reporters))):
        assert not any(f"/{case}" in note["url"] for case in ids), note

    # 2. No session was written while reporting (not even its daily refresh, whose expiry would date
    # the write): the session rows, their system columns included, are as they were before.
    assert await _system_rows(db, "store_entry") == sessions_before

    # 3. No rate-limit counter per address or account.
    for bucket in [r["bucket"] for r in await RateCounter.select(RateCounter.bucket)]:
        assert not any(address in bucket for _a, address, _c in people), bucket
        assert not any(str(account_id) in bucket.split(":") for account_id in reporters), bucket

    # 4. No shared transaction (PostgreSQL): no row of any other table was written in the
    # transaction that wrote an anonymous report.
    if db.engine_type != "sqlite":
        xmins = {r["xmin"] for r in anonymous_rows}
        for table in ("store_entry", "account", "rate_counter", "notification", "concern_follow"):
            for row in await _system_rows(db, table):
                assert row["xmin"] not in xmins, (table, row)

    # 5. The named reports do carry their accounts: the check above is not vacuous.
    named = [r for r in concerns if r["description"] not in truth]
    assert named and all(r["account"] is not None for r in named)
