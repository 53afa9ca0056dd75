"""Attack our own database the way ballots/DESIGN.md's attacker can (issue 13): a copy taken while
voting is open and one after the count, with system columns (PostgreSQL xmin/ctid, SQLite rowid),
row order, `pg_dump` output and the SQLite file's bytes, but without SECRET_KEY. Every voter casts a
ranking no one else casts, so any method that pairs voters with rankings shows as matches; a random
pairing makes about one, and an order-preserving one makes a long monotone run. The code before
sealing failed every check here: the plain rankings were in the open copy, and xmin, rowid and dump
order each paired all voters with their rankings."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import random
import re
import shutil
from bisect import bisect_left
from pathlib import Path
from urllib.parse import urlparse

from factories.ballots import make_codes, settings_for
from factories.proposals import make_cycle, make_proposals
from piccolo.engine.base import Engine
from support import make_account, make_neighborhood

from ballots import service
from ballots.counting import service as counting

VOTERS_ONLINE = 16
VOTERS_CODE = 14
PAPER = 3  # typed in between voters 4, 14 and 24
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)


def ranking_text(ranking: list[int]) -> str:
    return json.dumps(ranking)  # the key a ranking is known by in these tests


def written_forms(ranking: str) -> list[bytes]:
    """The ways a ranking may be written in plain: JSON with or without spaces."""
    return [ranking.encode(), ranking.replace(" ", "").encode()]


def monotone_run(sequence: list[int]) -> int:
    """The longest increasing or decreasing subsequence: how much of an order a sequence keeps."""
    def lis(seq: list[int]) -> int:
        tails: list[int] = []
        for x in seq:
            i = bisect_left(tails, x)
            tails[i:i + 1] = [x]
        return len(tails)

    return max(lis(sequence), lis([-x for x in sequence]))


class World:
    def __init__(self) -> None:
        self.truth: dict[str, list[int]] = {}  # voter ("account:3", "code:7") -> ranking that counts
        self.all_rankings: set[str] = set()  # every ranking cast by a voter, replaced ones included


async def cast_everything(world: World) -> int:
    hood = await make_neighborhood("Riverside")
    council = await make_account("council", neighborhood_id=hood)
    second = await make_account("council", neighborhood_id=hood)
    cycle = await make_cycle("voting")
    proposals = await make_proposals(cycle, hood, council.id, [10_000 + 1000 * i for i in range(9)])
    ballot_id = await service.create_ballot(settings_for(cycle, hood, proposals, max_ranks=3), council.id)
    distinct = [list(p) for p in itertools.permutations(proposals, 3)]
    random.Random(5).shuffle(distinct)
    pool = iter(distinct)
    voters: list[tuple[str, int]] = []
    for _ in range(VOTERS_ONLINE):
        account = await make_account(neighborhood_id=hood, birth_year=random.choice([1950, 1980, 2008]))
        voters.append(("account", account.id))
    codes = await make_codes(ballot_id, VOTERS_CODE)
    for code in codes:
        match = await service.find_code(code)
        assert match is not None
        voters.append(("code", match.code_id))
    receipts: dict[tuple[str, int], str] = {}
    order = list(range(len(voters)))
    random.Random(9).shuffle(order)
    for i, index in enumerate(order):
        kind, ident = voters[index]
        ranking = next(pool)
        if kind == "account":
            receipts[(kind, ident)] = await service.cast_online(ballot_id, ident, ranking)
        else:
            receipts[(kind, ident)] = await service.cast_with_code(ballot_id, ident, ranking, "18-24")
        world.truth[f"{kind}:{ident}"] = ranking
        world.all_rankings.add(ranking_text(ranking))
        if i % 10 == 4:  # paper sheets come in between, typed twice by two staff members
            sheet = next(pool)
            await service.enter_paper(ballot_id, council.id, f"P-{i}", sheet)
            await service.enter_paper(ballot_id, second.id, f"P-{i}", sheet)
    for voter in (voters[0], voters[-1]):  # one account and one code voter replace their ballots
        ranking = next(pool)
        await service.replace_ballot(ballot_id, receipts[voter], ranking, voter)
        world.truth[f"{voter[0]}:{voter[1]}"] = ranking
        world.all_rankings.add(ranking_text(ranking))
    return ballot_id


# ---------------------------------------------------------------- copies of the database


class Copy:
    """What the attacker holds: rows with system columns, and the raw dump or file."""

    def __init__(self, raw: bytes, participation: list[dict], cast: list[dict]) -> None:
        self.raw = raw
        self.participation = participation  # in physical order, with xmin/ctid or rowid
        self.cast = cast  # cast_ballot rows in physical order


async def take_copy(db: Engine, tmp_path: Path, name: str) -> Copy:
    from ballots.tables import CastBallot, Participation

    if db.engine_type == "sqlite":
        await Participation.raw("PRAGMA wal_checkpoint(TRUNCATE)")
        participation = await Participation.raw(
            "SELECT rowid AS sys, account, access_code FROM participation ORDER BY rowid")
        cast = await CastBallot.raw("SELECT rowid AS sys, * FROM cast_ballot ORDER BY rowid")
        path = Path(db.path)  # type: ignore[attr-defined]
        copy = tmp_path / f"{name}.sqlite3"
        shutil.copy(path, copy)
        raw = await asyncio.to_thread(copy.read_bytes)  # checkpointed above: the WAL is empty
        return Copy(raw, participation, cast)
    participation = await Participation.raw(
        "SELECT xmin::text AS xmin, ctid::text AS sys, account, access_code FROM participation ORDER BY ctid")
    cast = await CastBallot.raw("SELECT xmin::text AS xmin, ctid::text AS sys, * FROM cast_ballot ORDER BY ctid")
    dsn = urlparse(db.config["dsn"])  # type: ignore[attr-defined]
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed for this test (the postgresql-client package)"
    proc = await asyncio.create_subprocess_exec(
        pg_dump, "-h", dsn.hostname or "127.0.0.1", "-p", str(dsn.port or 5432), "-U", dsn.username or "postgres",
        dsn.path.lstrip("/"), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PGPASSWORD": dsn.password or ""})
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return Copy(out, participation, cast)


def voter_key(row: dict) -> str:
    return f"account:{row['account']}" if row["account"] is not None else f"code:{row['access_code']}"


def rankings_in(raw_or_rows: list[dict]) -> list[str]:
    return [r["ranking"] if isinstance(r["ranking"], str) else json.dumps(r["ranking"]) for r in raw_or_rows]


def normalise(ranking: str) -> str:
    return json.dumps(json.loads(ranking))


# ---------------------------------------------------------------- the attacks


def order_attack(world: World, participation: list[dict], ranking_order: list[str]) -> int:
    """Pair voters (in their rows' order) with rankings (in the order they appear): the longest
    run of voters whose rankings appear in the same (or reverse) order."""
    position = {voter_key(r): i for i, r in enumerate(participation)}
    owner = {ranking_text(r): v for v, r in world.truth.items()}
    sequence = [position[owner[r]] for r in ranking_order if r in owner]
    return monotone_run(sequence)


def xmin_attack(world: World, copy: Copy) -> int:
    """Voters paired with a ranking written in the same transaction (PostgreSQL)."""
    matches = 0
    for p in copy.participation:
        same = [r for r in copy.cast if r["xmin"] == p["xmin"]]
        if same and normalise(rankings_in(same[:1])[0]) == ranking_text(world.truth[voter_key(p)]):
            matches += 1
    return matches


def raw_order(copy: Copy, world: World) -> list[str]:
    """Every voter's ranking in the order its text first appears in the dump or the file."""
    found = []
    for ranking in {ranking_text(r) for r in world.truth.values()}:
        places = [at for form in written_forms(ranking) if (at := copy.raw.find(form)) >= 0]
        if places:
            found.append((min(places), ranking))
    return [r for _, r in sorted(found)]


async def test_a_copy_of_the_database_pairs_no_voter_with_a_ranking(db: Engine, tmp_path: Path) -> None:
    world = World()
    ballot_id = await cast_everything(world)
    voters = len(world.truth)
    chance = 0.6 * voters  # a random order keeps runs of about 2 * sqrt(voters) (about 10 here)

    # Copy 1, while voting is open: no voter's ranking is anywhere in it, in any form we write.
    open_copy = await take_copy(db, tmp_path, "open")
    for ranking in world.all_rankings:
        for form in written_forms(ranking):
            assert form not in open_copy.raw, f"ranking {ranking} readable while voting is open"
    assert open_copy.cast == []
    turnout = await service.turnout(ballot_id)
    assert turnout.total == voters + PAPER  # turnout works without reading a ballot

    # The count: unseal at close, then count.
    view = await counting.count_ballot(ballot_id, now=LATER)
    assert view.status == "done" and view.ballots_counted == voters + PAPER
    counted = sorted(tuple(r) for r, w in await service.counted_ballots(ballot_id) for _ in range(w))
    assert sorted(tuple(r) for r in world.truth.values()) == sorted(
        c for c in counted if list(c) in world.truth.values())

    # Copy 2, after the count.
    after = await take_copy(db, tmp_path, "after")
    assert len(after.cast) == voters + PAPER
    # Nothing but the ranking and the fingerprint tells rows apart: no origin, band, day or flag.
    for column in ("origin", "age_band", "cast_on", "superseded", "receipt_hash"):
        assert len({str(r[column]) for r in after.cast}) == 1, column
    # Rows by rowid / ctid, and the order of the dump or the file, against participation order.
    assert order_attack(world, after.participation, [normalise(r) for r in rankings_in(after.cast)]) <= chance
    assert order_attack(world, after.participation, raw_order(after, world)) <= chance
    if db.engine_type == "postgres":
        assert xmin_attack(world, after) <= 2
        assert len({r["xmin"] for r in after.cast}) == 1  # one transaction wrote them all
        assert not {r["xmin"] for r in after.cast} & {p["xmin"] for p in after.participation}
    # The two copies joined: nothing stored while open equals anything about a counted ballot.
    for row in after.cast:
        for value in (str(row["id"]), row["fingerprint"]):
            if value is None:  # a paper ballot has no receipt
                continue
            assert value.encode() not in open_copy.raw, f"{value} was already stored while voting was open"
    # Rankings appear in the after copy, so the attacks above had something to find.
    assert all(any(form in after.raw for form in written_forms(ranking_text(r))) for r in world.truth.values())


async def test_the_old_way_of_storing_fails_these_attacks(db: Engine, tmp_path: Path) -> None:
    """The attacks are real: rows written as the code before sealing wrote them (one transaction per
    voter, participation then ballot) pair every voter with a ranking."""
    from ballots.tables import CastBallot, Participation
    from server.database import write_transaction

    world = World()
    hood = await make_neighborhood("Riverside")
    council = await make_account("council", neighborhood_id=hood)
    cycle = await make_cycle("voting")
    proposals = await make_proposals(cycle, hood, council.id, [10_000 + 1000 * i for i in range(9)])
    ballot_id = await service.create_ballot(settings_for(cycle, hood, proposals, max_ranks=3), council.id)
    distinct = [list(p) for p in itertools.permutations(proposals, 3)]
    for i in range(20):
        account = await make_account(neighborhood_id=hood)
        async with write_transaction():
            await Participation.insert(Participation(ballot=ballot_id, account=account.id))
            await CastBallot.insert(CastBallot(ballot=ballot_id, ranking=ranking_text(distinct[i]), origin="online",
                                               cast_on=dt.date.today()))
        world.truth[f"account:{account.id}"] = distinct[i]
    copy = await take_copy(db, tmp_path, "old")
    assert order_attack(world, copy.participation, [normalise(r) for r in rankings_in(copy.cast)]) == 20
    assert order_attack(world, copy.participation, raw_order(copy, world)) > 0.6 * 20
    if db.engine_type == "postgres":
        assert xmin_attack(world, copy) == 20


def test_monotone_run_measures_kept_order() -> None:
    assert monotone_run(list(range(30))) == 30
    assert monotone_run(list(range(30, 0, -1))) == 30
    shuffled = list(range(30))
    random.Random(1).shuffle(shuffled)
    assert monotone_run(shuffled) < 18
    assert re.match(r"\[\d+, \d+\]", ranking_text([1, 2]))
