"""Counting closed ballots: build the election from the stored ballots, run the tally off the event
loop, and store the result with the rule, the tie-breaking rule and a hash of the exact ballot set.
The same ballot set is counted at most once per rule (see CountRun)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import anyio
import anyio.to_thread
import msgspec

from ballots import service as ballots_service
from ballots.counting.schemas import CountView, ProjectCount, Withdrawn
from ballots.counting.tables import CountRun
from ballots.service import ElectionData, election_data
from ballots.tables import Ballot
from ballots.tally import Election, Result, ballot_set_hash, count
from ballots.tally.ties import TIE_RULE
from server.database import is_unique_violation

log = logging.getLogger("townsquare.counting")

# One tie rule for every rule (ballots/tally/ties.py), stored with each count in English.
TIE_BREAK = dict.fromkeys(("mes", "greedy", "ear"), TIE_RULE)


# The counting process stamps its row this often; a "running" row not stamped for ABANDONED_AFTER
# belongs to a process that died, and the next attempt starts the count again.
HEARTBEAT_SECONDS = 2.0
ABANDONED_AFTER = dt.timedelta(seconds=60)


class NotCountable(Exception):
    """The ballot is unknown or still open."""


def build_election(data: ElectionData) -> Election:
    """Project ids are the proposal ids as text, which is also what the open-data .pb file uses,
    so a recount of the published file names the same projects."""
    return Election.from_ballots(
        projects=[(str(c.proposal_id), c.cost) for c in data.candidates],
        budget=data.budget,
        ballots=[[str(pid) for pid in ranking] for ranking, _ in data.ballots],
        weights=[weight for _, weight in data.ballots],
        max_length=data.max_ranks,
        points=list(range(data.max_ranks, 0, -1)),
    )


async def decided_earlier(ballot_id: int) -> tuple[list[Withdrawn], bool]:
    """Projects of this ballot funded by the ballots decided before it (council chose the order, see
    Ballot.decided_after): they leave this ballot's count. Also whether every such earlier ballot
    has a published result (False: this ballot cannot be counted yet)."""
    from ballots.results.tables import ResultPublication  # the published result is what decided them

    row = await Ballot.select(Ballot.decided_after).where(Ballot.id == ballot_id).first()
    earlier: list[int] = []
    nxt = row["decided_after"] if row else None
    while nxt is not None and nxt not in earlier and nxt != ballot_id:
        earlier.append(int(nxt))
        up = await Ballot.select(Ballot.decided_after).where(Ballot.id == nxt).first()
        nxt = up["decided_after"] if up else None
    if not earlier:
        return [], True
    mine = {c.proposal_id: c.title for c in (await election_data(ballot_id)).candidates}  # type: ignore[union-attr]
    out: list[Withdrawn] = []
    for other in earlier:
        pub = await ResultPublication.select(
            ResultPublication.result_json, ResultPublication.ballot.title.as_alias("title"),
        ).where(ResultPublication.ballot == other).order_by(ResultPublication.version, ascending=False).first()
        if pub is None:
            return [], False
        funded = msgspec.json.decode(pub["result_json"], type=CountView).funded
        out += [Withdrawn(f.proposal_id, mine[f.proposal_id], other, str(pub["title"])) for f in funded
                if f.proposal_id in mine and all(w.proposal_id != f.proposal_id for w in out)]
    return out, True


def without(data: ElectionData, withdrawn: list[Withdrawn]) -> ElectionData:
    """The election without the projects an earlier ballot funded: they leave every ranking (later
    choices move up) and identical rankings are merged again."""
    gone = {w.proposal_id for w in withdrawn}
    merged: dict[tuple[int, ...], int] = {}
    for ranking, weight in data.ballots:
        key = tuple(p for p in ranking if p not in gone)
        merged[key] = merged.get(key, 0) + weight
    return msgspec.structs.replace(data, candidates=[c for c in data.candidates if c.proposal_id not in gone],
                                   ballots=[(list(k), w) for k, w in sorted(merged.items())])


def _view(row: dict[str, object], titles: dict[int, str]) -> CountView:
    projects: list[ProjectCount] = []
    budget = spent = 0
    completion: dict[str, object] = {}
    withdrawn: list[Withdrawn] = []
    if row["status"] == "done" and row["result"]:
        result = json.loads(str(row["result"]))
        budget, spent = result["budget"], result["spent"]
        completion = result.get("completion") or {}
        withdrawn = msgspec.convert(result.get("withdrawn") or [], list[Withdrawn])
        order = {pid: index for index, pid in enumerate(result["selected"], start=1)}
        for p in result["projects"]:
            explanation = p["explanation"]
            projects.append(ProjectCount(
                proposal_id=int(p["id"]), title=titles.get(int(p["id"]), p["id"]), cost=p["cost"],
                points=p["points"], selected=p["selected"], chosen_rank=order.get(p["id"]),
                explanation_code=explanation["code"], explanation_params=explanation["params"],
                explanation_text=explanation["text"],
            ))
    return CountView(
        id=int(row["id"]), ballot_id=int(row["ballot"]), rule=str(row["rule"]),
        ballot_set_hash=str(row["ballot_set_hash"]), tie_break=str(row["tie_break"]), status=str(row["status"]),
        ballots_counted=int(row["ballots_counted"]), started_at=row["started_at"],  # type: ignore[arg-type]
        finished_at=row["finished_at"], error=str(row["error"]), budget=budget, spent=spent,  # type: ignore[arg-type]
        projects=projects, passes=int(row["passes"] or 0), completion=completion,
        withdrawn=withdrawn,
    )


async def _titles(ballot_id: int) -> dict[int, str]:
    # Only the candidates: election_data would also read (and, while sealed, decrypt) every ballot.
    return {c.proposal_id: c.title for c in await ballots_service.candidates_of(ballot_id)}


async def count_runs(ballot_id: int) -> list[CountView]:
    rows = await CountRun.select().where(CountRun.ballot == ballot_id).order_by(CountRun.id, ascending=False)
    titles = await _titles(ballot_id)
    return [_view(r, titles) for r in rows]


async def latest_count(ballot_id: int) -> CountView | None:
    """The newest finished count of the ballot's current ballot set and rule, else the newest run."""
    runs = await count_runs(ballot_id)
    done = [r for r in runs if r.status == "done"]
    return done[0] if done else (runs[0] if runs else None)


async def counted_ballots() -> set[int]:
    """The ballots with at least one finished count, in one query (for lists of ballots)."""
    rows = await CountRun.select(CountRun.ballot).where(CountRun.status == "done").distinct()
    return {int(r["ballot"]) for r in rows}


async def get_count(run_id: int) -> CountView | None:
    row = await CountRun.select().where(CountRun.id == run_id).first()
    return _view(row, await _titles(int(row["ballot"]))) if row else None


async def count_ballot(ballot_id: int, now: dt.datetime | None = None) -> CountView:
    """Count a closed ballot, or return the existing count of exactly this ballot set; then write
    out its sealed ballots (ballots.service.unseal), if that has not happened yet.

    The draft result comes first: the sealed ballots are decrypted in memory to count them, and
    written out right after. Nothing can be cast once voting has closed, so the written ballots are
    the counted ones; if the process stops in between, the next run writes them (and finds this
    count, whose ballot set hash they match). Each sealed ballot is decrypted once: the payloads
    opened for counting are handed to the write-out."""
    opened: ballots_service.Opened = {}
    data = await election_data(ballot_id, now, opened)
    if data is None or not data.closed:
        raise NotCountable(ballot_id)
    try:
        withdrawn, ready = await decided_earlier(ballot_id)
        if not ready:
            raise NotCountable(ballot_id)  # an earlier ballot's result is not published yet
        return await _count(ballot_id, without(data, withdrawn) if withdrawn else data, withdrawn)
    finally:
        # Written out whether or not it can be counted yet: a closed ballot stays sealed no longer.
        await ballots_service.unseal(ballot_id, now, opened)


async def _count(ballot_id: int, data: ElectionData, withdrawn: list[Withdrawn]) -> CountView:
    election = build_election(data)
    set_hash = ballot_set_hash(election)
    same = (CountRun.ballot == ballot_id) & (CountRun.rule == data.rule) & (CountRun.ballot_set_hash == set_hash)
    existing = await CountRun.select(CountRun.id, CountRun.status, CountRun.started_at,
                                     CountRun.heartbeat_at).where(same).first()
    if existing is not None and not _retry(existing, dt.datetime.now(dt.UTC)):
        view = await get_count(existing["id"])
        assert view is not None
        return view
    if existing is not None:  # failed or abandoned: count again
        await CountRun.delete().where(CountRun.id == existing["id"])
    try:
        rows = await CountRun.insert(CountRun(
            ballot=ballot_id, rule=data.rule, ballot_set_hash=set_hash, tie_break=TIE_BREAK[data.rule],
            status="running", ballots_counted=sum(w for _, w in data.ballots),
            heartbeat_at=dt.datetime.now(dt.UTC),
        )).returning(CountRun.id)
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        # Another process claimed this ballot set a moment ago: its row is the count.
        row = await CountRun.select(CountRun.id).where(same).first()
        view = await get_count(row["id"]) if row else None
        if view is None:
            raise
        return view
    run_id = rows[0]["id"]
    passes, outcome = await _count_with_heartbeat(run_id, data.rule, election)
    if isinstance(outcome, BaseException):
        log.error("counting ballot %s failed", ballot_id, exc_info=outcome)
        await CountRun.update({CountRun.status: "failed", CountRun.error: str(outcome)[:2000], CountRun.passes: passes,
                               CountRun.finished_at: dt.datetime.now(dt.UTC)}).where(CountRun.id == run_id)
    else:
        await CountRun.update({
            CountRun.status: "done",
            CountRun.result: msgspec.json.encode(
                {**outcome.to_builtins(), **({"withdrawn": withdrawn} if withdrawn else {})}).decode(),
            CountRun.passes: passes,
            CountRun.finished_at: dt.datetime.now(dt.UTC),
        }).where(CountRun.id == run_id)
    view = await get_count(run_id)
    assert view is not None
    return view


def _retry(row: dict[str, object], now: dt.datetime) -> bool:
    """A failed count may be retried, and so may a running one whose process stopped stamping it."""
    if row["status"] == "failed":
        return True
    if row["status"] != "running":
        return False
    stamp = row["heartbeat_at"] or row["started_at"]
    assert isinstance(stamp, dt.datetime)
    if stamp.tzinfo is None:  # SQLite hands back naive UTC timestamps
        stamp = stamp.replace(tzinfo=dt.UTC)
    return now - stamp > ABANDONED_AFTER


async def _count_with_heartbeat(run_id: int, rule: str, election: Election) -> tuple[int, Result | Exception]:
    """Count off the event loop (a city-wide ballot would stall every request on this worker) while
    this task stores the passes finished so far and a heartbeat on the run's row, so council staff
    on any worker see the count move, and a count whose process dies can be told from a slow one."""
    passes = 0

    def on_progress(n: int) -> None:
        nonlocal passes
        passes = n  # an int assignment: safe to read from the event loop without a lock

    async def beat() -> None:
        while True:
            await anyio.sleep(HEARTBEAT_SECONDS)
            await CountRun.update({CountRun.passes: passes, CountRun.heartbeat_at: dt.datetime.now(dt.UTC)}).where(
                CountRun.id == run_id)

    outcome: Result | Exception
    async with anyio.create_task_group() as tg:
        tg.start_soon(beat)
        try:
            outcome = await anyio.to_thread.run_sync(count, rule, election, on_progress)
        except Exception as exc:
            outcome = exc
        finally:
            tg.cancel_scope.cancel()
    return passes, outcome


async def count_at_close(payload: dict[str, object]) -> None:
    """The task enqueued with a ballot's closing time (ballots.service `_count_at_close`). A ballot
    whose closing time moved later is not closed yet: nothing to do, the task enqueued with the new
    time counts it. One that cannot be counted yet (an earlier ballot's result is not published) is
    left to the periodic sweep. Any other failure raises, and the queue tries again with backoff."""
    try:
        await count_ballot(int(payload["ballot_id"]))  # type: ignore[call-overload]
    except NotCountable:
        return


async def count_closed_ballots(now: dt.datetime | None = None) -> int:
    """The background job: count every closed ballot whose current ballot set has no count yet."""
    now = now or dt.datetime.now(dt.UTC)
    closed = await Ballot.select(Ballot.id, Ballot.rule).where(Ballot.closes_at <= now)
    counted = 0
    for row in closed:
        # Cheap check first: hashing a large ballot set every minute would be wasteful when nothing
        # changed. A confirmed paper sheet or any other change alters the number of counting ballots.
        current = await ballots_service.counting_total(row["id"])
        if await CountRun.exists().where(
            (CountRun.ballot == row["id"]) & (CountRun.rule == row["rule"]) & (CountRun.status == "done")
            & (CountRun.ballots_counted == current)
        ):
            continue
        try:
            view = await count_ballot(row["id"], now)
        except NotCountable:
            continue
        counted += view.status == "done"
    # Counting wrote out each counted ballot's sealed ballots; any other closed ballot that still
    # holds some (one counted before sealing existed, say) is written out now, counted or not.
    for ballot_id in await ballots_service.ballots_to_unseal(now):
        await ballots_service.unseal(ballot_id, now)
    return counted
