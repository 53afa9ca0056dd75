"""Ballot use cases: setup, eligibility, access codes, casting with receipts, paper entry, turnout,
and the ballots the counting uses. Plain values in, structs out; no web framework here.

Secrecy (ballots/DESIGN.md): casting writes a Participation row (who) and a SealedBallot row (what,
encrypted whole with a key derived from SECRET_KEY) in one transaction. A copy of the database can
link the two rows by transaction or order, and learns nothing: the sealed row is noise without the
key. When voting closes, `unseal` decrypts every ballot of the ballot and writes them as CastBallot
rows in one transaction, in a random order, with nothing but the ranking and the receipt's published
fingerprint; the sealed rows are deleted. Turnout is kept as counts (TurnoutCount), never per ballot."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import secrets
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import msgspec
from msgspec.json import encode as encode_json
from piccolo.query.functions.aggregate import Count

from ballots import batches, codes, open_cache, sealing
from ballots.eligibility import (
    AGE_BANDS,
    Refusal,
    Rules,
    accepts_codes,
    age_band,
    age_in_closing_year,
    check_voter,
)
from ballots.ranking import check_ranking
from ballots.schemas import (
    ORIGIN_LABELS,
    ORIGINS,
    BallotSettings,
    BallotView,
    CandidateView,
    ChangeView,
    PaperSheetView,
    ReceiptView,
    TurnoutGroup,
    TurnoutView,
)
from ballots.tables import (
    AccessCode,
    Ballot,
    BallotCandidate,
    BallotChange,
    CastBallot,
    PaperSheet,
    Participation,
    SealedBallot,
    TurnoutCount,
)
from ballots.voting_window import fields_outside
from proposals import service as proposals
from server import clock
from server.accounts.tables import Account
from server.background import enqueue
from server.database import current_engine, is_sqlite, is_unique_violation, write_transaction
from server.i18n import gettext as _
from server.prepared import Prepared
from server.secret import secret_key
from server.small_groups import shown_total, suppress
from server.verification import paths

MAX_CODES_PER_BATCH = 500


class BallotError(Exception):
    """Something the person can be told in words; `str(exc)` is not shown, the type is."""


class BallotLocked(BallotError):
    """Voting has opened: the settings are frozen (only the closing time may move later)."""


class NotExtendable(BallotError):
    pass


class NotOpen(BallotError):
    pass


class Ineligible(BallotError):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


class AlreadyVoted(BallotError):
    pass


class InvalidRanking(BallotError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class UnknownReceipt(BallotError):
    pass


class NotYourBallot(BallotError):
    """A receipt alone does not let anyone change a ballot: the account that cast it, or the same
    access code, must be the one asking."""


class SharedCandidates(BallotError):
    """Projects already on another ballot of the same cycle, with no decision order between the
    two ballots: (project title, other ballot title) pairs."""

    def __init__(self, conflicts: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(conflicts)} shared project(s)")
        self.conflicts = conflicts


class BadDecisionOrder(BallotError):
    """`decided_after` names a ballot of another cycle, this ballot itself, or closes a loop."""


class OutsideVotingPhase(BallotError):
    """The ballot's opening or closing day (`fields`: "opens_at", "closes_at") falls outside its
    cycle's voting phase, which runs from `first_day` through `last_day`."""

    def __init__(self, fields: tuple[str, ...], cycle_name: str, first_day: dt.date, last_day: dt.date) -> None:
        super().__init__(", ".join(fields))
        self.fields, self.cycle_name, self.first_day, self.last_day = fields, cycle_name, first_day, last_day


class SameStaff(BallotError):
    """The second entry of a paper ballot must come from another staff member."""


class SheetClosed(BallotError):
    """The sheet is already confirmed, or flagged for review."""


class BadSheetRef(BallotError):
    """A sheet reference with no letter or digit in it."""


class CodeVoided(BallotError):
    """The code's batch was voided (lost or stolen): its unused codes no longer vote."""


class CodeMisfit(BallotError):
    """The code's batch carries an age window outside the ballot's (ballots/batches.py)."""

    def __init__(self, misfit: batches.Misfit) -> None:
        super().__init__(misfit.value)
        self.misfit = misfit


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or clock.now()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _state(opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> str:
    if now < _aware(opens_at):
        return "upcoming"
    if now < _aware(closes_at):
        return "open"
    return "closed"


def _ranking(value: object) -> list[int]:
    data = json.loads(value) if isinstance(value, str) else value
    return [int(pid) for pid in (data or [])]


# Setup --------------------------------------------------------------------------------------------


async def cycles() -> list[dict[str, object]]:
    """Every budget cycle, newest first, with the ways of verification it enables (`paths`)."""
    return [{"id": c.id, "name": c.name, "paths": c.paths}
            for c in sorted(await proposals.list_cycles(), key=lambda c: -c.id)]


async def eligible_proposals(cycle_id: int, neighborhood_id: int | None) -> list[CandidateView]:
    """Proposals the council may put on a ballot (None: a city-wide fund): what the proposals domain
    says a ballot may offer (proposals.service.ballot_candidates)."""
    return [CandidateView(c.id, c.title, c.summary, c.cost, c.neighborhood_name)
            for c in await proposals.ballot_candidates(cycle_id, neighborhood_id)]


async def _costs(settings: BallotSettings) -> dict[int, int]:
    eligible = await eligible_proposals(settings.cycle_id, settings.neighborhood_id)
    costs = {c.proposal_id: c.cost for c in eligible}
    missing = [pid for pid in settings.candidate_ids if pid not in costs]
    if missing:
        raise BallotError(f"proposals not eligible for this ballot: {missing}")
    return costs


async def check_one_fund(ballot_id: int | None, settings: BallotSettings) -> None:
    """One project, one fund per cycle: a proposal may be a candidate on two ballots of the same
    cycle only when council has chosen which of the two is decided first (`decided_after`, directly
    or through other ballots). Raises SharedCandidates or BadDecisionOrder."""
    rows = await Ballot.select(Ballot.id, Ballot.title, Ballot.decided_after).where(Ballot.cycle == settings.cycle_id)
    me = ballot_id if ballot_id is not None else -1
    after: dict[int, int | None] = {int(r["id"]): r["decided_after"] for r in rows if r["id"] != ballot_id}
    if settings.decided_after is not None and settings.decided_after not in after:
        raise BadDecisionOrder()  # not a ballot of this cycle, or this ballot itself
    after[me] = settings.decided_after

    def chain(start: int) -> list[int]:
        """The ballots decided before `start`, nearest first (stops at a loop)."""
        out: list[int] = []
        nxt = after.get(start)
        while nxt is not None and nxt not in out and nxt != start:
            out.append(nxt)
            nxt = after.get(nxt)
        if nxt is not None:
            raise BadDecisionOrder()  # a loop: each ballot would be decided before the other
        return out

    mine = chain(me)
    if not settings.candidate_ids:
        return
    shared = await BallotCandidate.select(
        BallotCandidate.ballot, BallotCandidate.ballot.title.as_alias("ballot_title"),
        BallotCandidate.proposal.title.as_alias("title"),
    ).where(BallotCandidate.ballot.cycle == settings.cycle_id, BallotCandidate.ballot != me,
            BallotCandidate.proposal.is_in(list(settings.candidate_ids))).order_by(BallotCandidate.id)
    conflicts = [(str(r["title"]), str(r["ballot_title"])) for r in shared
                 if r["ballot"] not in mine and me not in chain(int(r["ballot"]))]
    if conflicts:
        raise SharedCandidates(conflicts)


def _settings_values(settings: BallotSettings) -> dict[object, object]:
    return {
        Ballot.cycle: settings.cycle_id,
        Ballot.neighborhood: settings.neighborhood_id,
        Ballot.title: settings.title,
        Ballot.explanation: settings.explanation,
        Ballot.budget: settings.budget,
        Ballot.max_ranks: settings.max_ranks,
        Ballot.min_ranks: settings.min_ranks,
        Ballot.age_min: settings.age_min,
        Ballot.age_max: settings.age_max,
        Ballot.opens_at: settings.opens_at,
        Ballot.closes_at: settings.closes_at,
        Ballot.rule: settings.rule,
        Ballot.decided_after: settings.decided_after,
        Ballot.voters: settings.voters,
    }


async def _write_candidates(ballot_id: int, settings: BallotSettings, costs: dict[int, int]) -> None:
    await BallotCandidate.delete().where(BallotCandidate.ballot == ballot_id)
    if settings.candidate_ids:
        await BallotCandidate.insert(*[
            BallotCandidate(ballot=ballot_id, proposal=pid, cost=costs[pid], position=i)
            for i, pid in enumerate(settings.candidate_ids)
        ])


async def check_voting_phase(cycle_id: int, opens_at: dt.datetime, closes_at: dt.datetime) -> None:
    """Raises OutsideVotingPhase unless the ballot's voting days lie in its cycle's voting phase, so
    that the cycle's calendar and the ballot's times never disagree."""
    cycle = await proposals.get_cycle(cycle_id)
    if cycle is None:
        raise BallotError("no such cycle")
    fields = fields_outside(clock.local_date(_aware(opens_at)), clock.local_date(_aware(closes_at)),
                            cycle.voting_open, cycle.results_open)
    if fields:
        raise OutsideVotingPhase(fields, cycle.name, cycle.voting_open, cycle.results_open - dt.timedelta(days=1))


async def create_ballot(settings: BallotSettings, by: int | None) -> int:
    """Raises OutsideVotingPhase, SharedCandidates or BadDecisionOrder when council must change something."""
    await check_voting_phase(settings.cycle_id, settings.opens_at, settings.closes_at)
    costs = await _costs(settings)
    await check_one_fund(None, settings)
    async with write_transaction():
        values = {column._meta.name: value for column, value in _settings_values(settings).items()}  # type: ignore[attr-defined]
        seal_salt = sealing.new_seal_salt()
        rows = await Ballot.insert(Ballot(**values, salt=codes.new_salt(), created_by=by, seal_salt=seal_salt,
                                          key_check=sealing.keys_for(secret_key(), seal_salt).check),
                                   ).returning(Ballot.id)
        ballot_id = rows[0]["id"]
        await _write_candidates(ballot_id, settings, costs)
        await _count_at_close(ballot_id, settings.closes_at)
    open_cache.forget(ballot_id)
    return ballot_id


# The task that counts a ballot (and writes out its sealed ballots) when it closes:
# ballots/counting/service.py `count_at_close`, declared in the manifest.
COUNT_AT_CLOSE = "count-ballot-at-close"


async def _count_at_close(ballot_id: int, closes_at: dt.datetime, now: dt.datetime | None = None) -> None:
    """Enqueue the count for the closing time, in the transaction that sets it: the ballot cannot
    exist, or close later, without its count being on the queue. The periodic sweep
    (`count_closed_ballots`) stays as the safety net (SQLite has no queue table; a count refused
    because an earlier ballot's result is not yet published is tried again there)."""
    wait = max(_aware(closes_at) - _now(now), dt.timedelta(0)) + dt.timedelta(seconds=1)
    await enqueue(COUNT_AT_CLOSE, {"ballot_id": ballot_id}, after=wait,
                  key=f"{COUNT_AT_CLOSE}:{ballot_id}:{_aware(closes_at).isoformat()}")


async def update_ballot(ballot_id: int, settings: BallotSettings, by: int | None,
                        now: dt.datetime | None = None) -> None:
    """Change every setting; refused with BallotLocked once voting has opened, and with
    OutsideVotingPhase for times outside the cycle's voting phase."""
    costs = await _costs(settings)
    async with write_transaction():
        row = await Ballot.select(Ballot.opens_at).where(Ballot.id == ballot_id).first()
        if row is None:
            raise BallotError("no such ballot")
        if _now(now) >= _aware(row["opens_at"]):
            raise BallotLocked()
        if _now(now) >= settings.opens_at:
            # Moving the opening time to the past would open a ballot whose settings were never frozen.
            raise BallotLocked()
        await check_voting_phase(settings.cycle_id, settings.opens_at, settings.closes_at)
        await check_one_fund(ballot_id, settings)
        await Ballot.update(_settings_values(settings)).where(Ballot.id == ballot_id)
        await _write_candidates(ballot_id, settings, costs)
        await _count_at_close(ballot_id, settings.closes_at, now)
    open_cache.forget(ballot_id)


async def extend_ballot(ballot_id: int, new_closes_at: dt.datetime, by: int | None,
                        now: dt.datetime | None = None) -> None:
    """Move the closing time later while voting is open (or not yet open), logging who and when.
    A closed ballot stays closed: its count may already be public. Past the cycle's voting phase:
    OutsideVotingPhase (council moves the cycle's dates first)."""
    async with write_transaction():
        row = await Ballot.select(Ballot.closes_at, Ballot.opens_at, Ballot.cycle).where(Ballot.id == ballot_id).first()
        if row is None:
            raise BallotError("no such ballot")
        old = _aware(row["closes_at"])
        if _now(now) >= old or new_closes_at <= old:
            raise NotExtendable()
        await check_voting_phase(row["cycle"], row["opens_at"], new_closes_at)
        await Ballot.update({Ballot.closes_at: new_closes_at}).where(Ballot.id == ballot_id)
        await BallotChange.insert(BallotChange(ballot=ballot_id, changed_by=by, field="closes_at",
                                               old_value=old.isoformat(), new_value=new_closes_at.isoformat()))
        await _count_at_close(ballot_id, new_closes_at, now)
    open_cache.forget(ballot_id)


async def changes(ballot_id: int) -> list[ChangeView]:
    rows = await BallotChange.select(
        BallotChange.changed_at, BallotChange.changed_by.display_name.as_alias("changed_by"), BallotChange.field,
        BallotChange.old_value, BallotChange.new_value,
    ).where(BallotChange.ballot == ballot_id).order_by(BallotChange.changed_at)
    return [ChangeView(r["changed_at"], r["changed_by"] or "", r["field"], r["old_value"], r["new_value"])
            for r in rows]


_BALLOT_COLUMNS = (
    Ballot.id, Ballot.title, Ballot.explanation, Ballot.cycle.id.as_alias("cycle_id"),
    Ballot.cycle.name.as_alias("cycle_name"), Ballot.neighborhood.id.as_alias("neighborhood_id"),
    Ballot.neighborhood.name.as_alias("neighborhood_name"), Ballot.budget, Ballot.max_ranks, Ballot.min_ranks,
    Ballot.age_min, Ballot.age_max, Ballot.opens_at, Ballot.closes_at, Ballot.rule, Ballot.decided_after,
    Ballot.voters, Ballot.cycle.verification_paths.as_alias("cycle_paths"),
)


def _view(row: dict[str, object], now: dt.datetime, candidates: list[CandidateView] | None = None) -> BallotView:
    opens_at = _aware(row["opens_at"])  # type: ignore[arg-type]
    closes_at = _aware(row["closes_at"])  # type: ignore[arg-type]
    return msgspec.convert({**row, "opens_at": opens_at, "closes_at": closes_at,
                            "state": _state(opens_at, closes_at, now), "candidates": candidates or []},
                           BallotView)


# Read on the home page, results pages and while voting: their SQL is built once (server/prepared.py,
# issue 21).
_ALL_BALLOTS = Prepared(lambda: Ballot.select(*_BALLOT_COLUMNS))
_BALLOT = Prepared(lambda ballot_id: Ballot.select(*_BALLOT_COLUMNS, Ballot.salt, Ballot.seal_salt, Ballot.key_check)
                   .where(Ballot.id == ballot_id).first())
_CANDIDATES = Prepared(lambda ballot_id: BallotCandidate.select(
    BallotCandidate.proposal.id.as_alias("proposal_id"), BallotCandidate.proposal.title.as_alias("title"),
    BallotCandidate.proposal.summary.as_alias("summary"), BallotCandidate.cost,
    BallotCandidate.proposal.neighborhood.name.as_alias("neighborhood_name"),
).where(BallotCandidate.ballot == ballot_id).order_by(BallotCandidate.position))


_SOME_BALLOTS = Prepared(lambda ids: Ballot.select(*_BALLOT_COLUMNS).where(Ballot.id.is_in(ids)))
_CANDIDATES_OF_SOME = Prepared(lambda ids: BallotCandidate.select(
    BallotCandidate.ballot, BallotCandidate.proposal.id.as_alias("proposal_id"),
    BallotCandidate.proposal.title.as_alias("title"), BallotCandidate.proposal.summary.as_alias("summary"),
    BallotCandidate.cost, BallotCandidate.proposal.neighborhood.name.as_alias("neighborhood_name"),
).where(BallotCandidate.ballot.is_in(ids)).order_by(BallotCandidate.ballot, BallotCandidate.position))
# The dashboard's figures for every cycle (issue 21).
_BALLOTS_OF_CYCLES = Prepared(lambda cycle_ids: Ballot.select(*_BALLOT_COLUMNS).where(
    Ballot.cycle.is_in(cycle_ids)).order_by(Ballot.id))
_PROPOSALS_ON_BALLOTS = Prepared(lambda cycle_ids: BallotCandidate.select(
    BallotCandidate.ballot.cycle.as_alias("cycle"), BallotCandidate.proposal,
).where(BallotCandidate.ballot.cycle.is_in(cycle_ids)).distinct())
_KEPT_TURNOUT = Prepared(lambda ids: TurnoutCount.select(
    TurnoutCount.ballot, TurnoutCount.origin, TurnoutCount.age_band, TurnoutCount.n).where(
    TurnoutCount.ballot.is_in(ids)))
_UNSEALED_TURNOUT = Prepared(lambda ids: CastBallot.select(
    CastBallot.ballot, CastBallot.origin, CastBallot.age_band, Count(alias="n")).where(
    CastBallot.ballot.is_in(ids) & (CastBallot.superseded == False) & (CastBallot.origin != "")  # noqa: E712
).group_by(CastBallot.ballot, CastBallot.origin, CastBallot.age_band))


async def candidates_of(ballot_id: int) -> list[CandidateView]:
    return msgspec.convert(await _CANDIDATES(ballot_id), list[CandidateView])


async def get_ballots(ballot_ids: list[int], now: dt.datetime | None = None) -> list[BallotView]:
    """The ballots with these ids (unknown ids left out), in the order given, with their candidates,
    in two queries whatever the number of ballots."""
    if not ballot_ids:
        return []
    rows = {r["id"]: r for r in await _SOME_BALLOTS(list(ballot_ids))}
    found = [b for b in ballot_ids if b in rows]
    candidates: dict[int, list[dict[str, object]]] = {b: [] for b in found}
    if found:
        for c in await _CANDIDATES_OF_SOME(found):
            candidates[c.pop("ballot")].append(c)
    current = _now(now)
    return [_view(rows[b], current, msgspec.convert(candidates[b], list[CandidateView])) for b in found]


async def get_ballot_without_candidates(ballot_id: int, now: dt.datetime | None = None) -> BallotView | None:
    """The ballot's settings (its `candidates` left empty), for pages that show only its title,
    fund and rule, such as a published result (whose count names the projects)."""
    rows = await _SOME_BALLOTS([ballot_id])
    return _view(rows[0], _now(now)) if rows else None


async def get_ballot(ballot_id: int, now: dt.datetime | None = None, cached: bool = False) -> BallotView | None:
    """The ballot with its candidates. With `cached`, an open ballot may come from a few seconds'
    cache (its settings are frozen, see ballots/open_cache.py): voting asks for it on every step.
    Counting, results and council pages read the database."""
    current, engine = _now(now), current_engine()
    hit = open_cache.lookup(ballot_id, engine, current) if cached else None
    if hit is not None:
        return hit.view
    row = await _BALLOT(ballot_id)
    if row is None:
        return None
    salt, seal_salt, key_check = row.pop("salt"), row.pop("seal_salt"), row.pop("key_check")
    view = _view(row, current, await candidates_of(ballot_id))
    keys = None
    if cached and seal_salt:
        # Casting needs the sealing keys next: derive them now (cheap) rather than read the salt again.
        derived = sealing.keys_for(secret_key(), seal_salt)
        keys = derived if hmac.compare_digest(derived.check, key_check) else None
    open_cache.store(engine, view, salt, keys)
    return view


async def list_ballots(neighborhood_id: int | None = None, now: dt.datetime | None = None) -> list[BallotView]:
    """Every ballot: open first, then upcoming, then closed; within each, the reader's neighborhood
    (and city-wide funds) before others, soonest deadline first."""
    current = _now(now)
    rows = await _ALL_BALLOTS()
    views = [_view(r, current) for r in rows]
    order = {"open": 0, "upcoming": 1, "closed": 2}

    def key(b: BallotView) -> tuple[int, int, float]:
        mine = 0 if b.neighborhood_id == neighborhood_id else (1 if b.neighborhood_id is None else 2)
        when = b.closes_at.timestamp() if b.state != "closed" else -b.closes_at.timestamp()
        return order[b.state], mine, when

    return sorted(views, key=key)


async def ballots_of_cycles(cycle_ids: list[int], now: dt.datetime | None = None) -> dict[int, list[BallotView]]:
    """The ballots of each budget cycle, oldest first, without their candidates, in one query."""
    found: dict[int, list[BallotView]] = {c: [] for c in cycle_ids}
    if cycle_ids:
        current = _now(now)
        for r in await _BALLOTS_OF_CYCLES(list(cycle_ids)):
            found[r["cycle_id"]].append(_view(r, current))
    return found


async def proposals_on_ballots(cycle_ids: list[int]) -> dict[int, int]:
    """How many different proposals each budget cycle's ballots offer, in one query."""
    counts = dict.fromkeys(cycle_ids, 0)
    if cycle_ids:
        for r in await _PROPOSALS_ON_BALLOTS(list(cycle_ids)):
            counts[r["cycle"]] += 1
    return counts


def rules_of(ballot: BallotView) -> Rules:
    return Rules(ballot.neighborhood_id, ballot.age_min, ballot.age_max, ballot.closes_at.year, ballot.voters,
                 paths.decode(ballot.cycle_paths))


# Eligibility --------------------------------------------------------------------------------------


# A signed-in person's standing on a ballot, decided here once for the pages and for casting.
MAY_VOTE, VOTED, INELIGIBLE, NOT_OPEN = "may_vote", "voted", "ineligible", "not_open"


class Standing(msgspec.Struct, frozen=True):
    kind: str  # MAY_VOTE, VOTED, INELIGIBLE (with the refusal), NOT_OPEN (upcoming or closed)
    refusal: Refusal | None = None


class Voter(Protocol):
    """Who asks: a signed-in Viewer, or the account casting loads."""

    @property
    def id(self) -> int: ...
    @property
    def neighborhood_id(self) -> int: ...
    @property
    def birth_year(self) -> int: ...
    @property
    def confirmed(self) -> bool: ...
    @property
    def verified_via(self) -> str: ...


class VoterRecord(msgspec.Struct, frozen=True):
    """A voter read from the accounts table (a Voter), for callers without a signed-in Viewer."""

    id: int
    neighborhood_id: int
    birth_year: int
    confirmed: bool
    verified_via: str


async def voter_standing(ballot: BallotView, voter: Voter, *, check_voted: bool = True) -> Standing:
    """May this person vote on `ballot` (as loaded, at its moment) now, have they voted already, are
    they not eligible (and why), or is the ballot not open? `check_voted=False` leaves out the one
    query for a ballot already cast, where the caller is about to cast (the unique index on
    participation refuses a second ballot anyway): the answer is then MAY_VOTE for them."""
    if ballot.state != "open":
        return Standing(NOT_OPEN)
    refusal = check_voter(rules_of(ballot), voter.neighborhood_id, voter.birth_year, voter.confirmed,
                          voter.verified_via)
    if refusal is not None:
        return Standing(INELIGIBLE, refusal)
    if check_voted and await has_voted(ballot.id, voter.id):
        return Standing(VOTED)
    return Standing(MAY_VOTE)


async def has_voted(ballot_id: int, account_id: int) -> bool:
    return await Participation.exists().where(
        (Participation.ballot == ballot_id) & (Participation.account == account_id)
    )


async def code_used(ballot_id: int, code_id: int) -> bool:
    return await Participation.exists().where(
        (Participation.ballot == ballot_id) & (Participation.access_code == code_id)
    )


# Access codes -------------------------------------------------------------------------------------


class CodeMatch(msgspec.Struct, frozen=True):
    ballot_id: int
    code_id: int
    used: bool
    # Its batch (ballots/batches.py): voided or not, and the age window the code carries.
    batch_status: str = "issued"
    age_min: int | None = None
    age_max: int | None = None


async def find_code(typed: str, now: dt.datetime | None = None) -> CodeMatch | None:
    """Which open ballot a typed code belongs to (codes do not say; each open ballot's salt is tried)."""
    normalized = codes.normalize(typed)
    if not codes.looks_valid(normalized, codes.CODE_LENGTH):
        return None
    current = _now(now)
    ballots = [b for b in await _unclosed_ballots(current if now is not None else None)
               if _aware(b["opens_at"]) <= current < _aware(b["closes_at"])]
    if not ballots:
        return None
    hashes = [codes.digest(b["salt"], normalized) for b in ballots]
    # The code and whether it was used, in one statement (a code belongs to one ballot, and
    # participation is unique per ballot and code, so the join gives at most one row).
    rows = await AccessCode.raw(
        "SELECT a.id AS id, a.ballot AS ballot, p.id AS used, k.status AS status, k.age_min AS age_min, "
        "k.age_max AS age_max FROM access_code a "
        "LEFT JOIN participation p ON p.access_code = a.id AND p.ballot = a.ballot "
        "LEFT JOIN code_batch k ON k.ballot = a.ballot AND k.number = a.batch "
        f"WHERE a.code_hash IN ({', '.join('{}' for _ in hashes)})",
        *hashes,
    )
    if not rows:
        return None
    r = rows[0]
    return CodeMatch(r["ballot"], r["id"], r["used"] is not None, r["status"] or "issued", r["age_min"], r["age_max"])


async def _unclosed_ballots(at: dt.datetime | None) -> list[dict[str, object]]:
    """Id, salt and voting times of every ballot not closed at `at` (None: now, from a few seconds'
    cache: every code entry tries every open ballot's salt, and salts never change)."""
    engine = current_engine()
    if at is None and (cached := open_cache.unclosed(engine)) is not None:
        return cached
    rows = await Ballot.select(Ballot.id, Ballot.salt, Ballot.opens_at, Ballot.closes_at).where(
        Ballot.closes_at > _now(at))
    if at is None:
        open_cache.store_unclosed(engine, rows)
    return rows


# Casting ------------------------------------------------------------------------------------------


async def _open_ballot(ballot_id: int, now: dt.datetime) -> BallotView:
    ballot = await get_ballot(ballot_id, now, cached=True)
    if ballot is None or ballot.state != "open":
        raise NotOpen()
    return ballot


def _checked(ballot: BallotView, ranking: Sequence[int]) -> list[int]:
    errors = check_ranking(ranking, [c.proposal_id for c in ballot.candidates], ballot.min_ranks, ballot.max_ranks)
    if errors:
        raise InvalidRanking(errors)
    return list(ranking)


async def _salt(ballot_id: int) -> str:
    cached = open_cache.lookup(ballot_id, current_engine(), _now(None))
    if cached is not None:
        return cached.salt
    row = await Ballot.select(Ballot.salt).where(Ballot.id == ballot_id).first()
    assert row is not None
    return row["salt"]


async def code_salt(ballot_id: int) -> str | None:
    """The ballot's salt for hashing codes and (before sealing existed) receipts; never published."""
    row = await Ballot.select(Ballot.salt).where(Ballot.id == ballot_id).first()
    return str(row["salt"]) if row else None


async def ballot_keys(ballot_id: int) -> sealing.BallotKeys:
    """The sealing keys of a ballot, from SECRET_KEY and its seal salt. A ballot made before sealing
    existed gets its salt now. Raises sealing.KeyMismatch when SECRET_KEY is not the one its
    ballots were sealed with (start-up refuses first: see `key_problem`)."""
    entry = open_cache.lookup(ballot_id, current_engine(), _now(None))
    if entry is not None and isinstance(entry.keys, sealing.BallotKeys):
        return entry.keys
    row = await Ballot.select(Ballot.seal_salt, Ballot.key_check).where(Ballot.id == ballot_id).first()
    if row is None:
        raise NotOpen()
    if not row["seal_salt"]:
        salt = sealing.new_seal_salt()
        check = sealing.keys_for(secret_key(), salt).check
        await Ballot.update({Ballot.seal_salt: salt, Ballot.key_check: check}).where(
            (Ballot.id == ballot_id) & (Ballot.seal_salt == ""))
        row = await Ballot.select(Ballot.seal_salt, Ballot.key_check).where(Ballot.id == ballot_id).first()
        assert row is not None
    keys = sealing.keys_for(secret_key(), row["seal_salt"])
    if not hmac.compare_digest(keys.check, row["key_check"]):
        raise sealing.KeyMismatch(ballot_id)
    if entry is not None:
        entry.keys = keys
    return keys


async def key_problem() -> str | None:
    """One line naming the problem when SECRET_KEY is not the key some ballot's sealed ballots were
    sealed with (they could not be counted); None when all is well. Checked at start-up."""
    rows = await Ballot.raw(
        "SELECT b.id AS id, b.title AS title, b.seal_salt AS seal_salt, b.key_check AS key_check FROM ballot b "
        "WHERE b.seal_salt <> '' AND EXISTS (SELECT 1 FROM sealed_ballot s WHERE s.ballot = b.id)")
    key = secret_key()
    wrong = [r for r in rows if not hmac.compare_digest(sealing.keys_for(key, r["seal_salt"]).check, r["key_check"])]
    if not wrong:
        return None
    names = ", ".join(f"{r['id']} ({r['title']})" for r in wrong)
    return (f"SECRET_KEY: not the key that sealed the ballots of ballot {names}; start with the previous "
            "SECRET_KEY (see README, Rotating SECRET_KEY), or no ballot of it can be counted")


# A turnout group's count is spread over this many rows, each cast adding to one at random: with
# one row per group, every cast on PostgreSQL waited for the previous cast's commit (its row lock is
# held through the WAL flush), and 32 voters spent most of their time in that queue (issue 21,
# BENCHMARKS.md). Readers sum a group's rows. The shard is drawn without regard to the ballot, so
# it tells nothing about it.
TURNOUT_SHARDS = 16
_TURNOUT_UPSERT = ("INSERT INTO turnout_count (ballot, origin, age_band, n, shard) VALUES ({}, {}, {}, {}, {}) "
                   "ON CONFLICT (ballot, origin, age_band, shard) DO UPDATE SET n = turnout_count.n + excluded.n")


def _shard() -> int:
    return secrets.randbelow(TURNOUT_SHARDS)


async def add_turnout(ballot_id: int, origin: str, band: str, n: int = 1) -> None:
    """Count `n` more ballots in a turnout group (inside the caller's transaction, if any)."""
    await TurnoutCount.raw(_TURNOUT_UPSERT, ballot_id, origin, band, n, _shard())


class _SealedRow(msgspec.Struct, frozen=True):
    """A sealed_ballot row about to be inserted (a plain struct: making a Piccolo row object cost more
    than sealing it, on every ballot cast, issue 21)."""

    id: uuid.UUID
    ballot: int
    lookup: str | None
    sealed: bytes
    superseded: bool = False


def _sealed_row(keys: sealing.BallotKeys, ballot: BallotView, ranking: list[int], origin: str, band: str,
                now: dt.datetime, receipt: str | None, voter: tuple[str, int] | None) -> _SealedRow:
    payload = sealing.Payload(
        ranking=ranking, origin=origin, age_band=band, day=now.date().isoformat(),
        fingerprint=sealing.fingerprint(ballot.id, receipt) if receipt else "",
        voter=sealing.voter_tag(keys, *voter) if voter else "",
    )
    return _SealedRow(id=uuid.uuid4(), ballot=ballot.id,
                      lookup=sealing.lookup_tag(keys, receipt) if receipt else None,
                      sealed=sealing.seal(keys, ballot.id, payload, ballot.max_ranks))


async def _insert_sealed(row: _SealedRow) -> None:
    """Insert a sealed ballot by plain SQL. Every ballot cast goes through here, and Piccolo's insert
    builds its statement (and a row object) afresh on every call, which cost more of the server's
    CPU than the database spends on it (issue 21). The columns and values are Piccolo's."""
    await SealedBallot.raw(
        "INSERT INTO sealed_ballot (id, ballot, lookup, sealed, superseded) VALUES ({}, {}, {}, {}, {})",
        row.id, row.ballot, row.lookup, row.sealed, row.superseded)


async def _cast(ballot: BallotView, participation: tuple[int | None, int | None] | None, ranking: list[int],
                origin: str, band: str, now: dt.datetime, voter: tuple[str, int] | None,
                first: Callable[[], Awaitable[object]] | None = None) -> str:
    """Write who (`participation`: the account or the access code id) and what (sealed) in one
    transaction, and count it in turnout. The unique indexes on participation turn a second attempt,
    even a simultaneous one, into AlreadyVoted. `first` runs at the start of the transaction (a
    code's checks)."""
    receipt = codes.new_receipt()
    keys = await ballot_keys(ballot.id)
    row = _sealed_row(keys, ballot, ranking, origin, band, now, receipt, voter)
    try:
        async with write_transaction():
            if first is not None:
                await first()
            if participation is not None and not is_sqlite(current_engine()):
                # PostgreSQL: who, what (sealed) and the turnout count in one statement, one round trip
                # instead of three on every ballot cast (issue 21); the same rows in the same
                # transaction as the three statements below (SQLite has no INSERT inside WITH).
                await SealedBallot.raw(
                    "WITH p AS (INSERT INTO participation (ballot, account, access_code) VALUES ({}, {}, {})), "
                    "s AS (INSERT INTO sealed_ballot (id, ballot, lookup, sealed, superseded) "
                    "VALUES ({}, {}, {}, {}, {})) "
                    + _TURNOUT_UPSERT,
                    ballot.id, *participation, row.id, row.ballot, row.lookup, row.sealed, row.superseded,
                    ballot.id, origin, band, 1, _shard())
            else:
                if participation is not None:
                    # Plain SQL rather than a Participation row through Piccolo: once per ballot cast.
                    await Participation.raw(
                        "INSERT INTO participation (ballot, account, access_code) VALUES ({}, {}, {})",
                        ballot.id, *participation)
                await _insert_sealed(row)
                await add_turnout(ballot.id, origin, band)
    except Exception as exc:
        if participation is not None and is_unique_violation(exc):
            raise AlreadyVoted() from exc
        raise
    return receipt


async def cast_online(ballot_id: int, account_id: int, ranking: Sequence[int], now: dt.datetime | None = None) -> str:
    """Cast a signed-in resident's ballot; returns the receipt (shown once)."""
    current = _now(now)
    ballot = await _open_ballot(ballot_id, current)
    row = await Account.select(Account.neighborhood, Account.birth_year, Account.confirmed_at,
                               Account.verified_via).where(Account.id == account_id).first()
    if row is None:
        raise Ineligible(Refusal.WRONG_NEIGHBORHOOD)
    voter = VoterRecord(account_id, row["neighborhood"], row["birth_year"], row["confirmed_at"] is not None,
                     row["verified_via"])
    standing = await voter_standing(ballot, voter)
    if standing.kind == INELIGIBLE:
        assert standing.refusal is not None
        raise Ineligible(standing.refusal)
    checked = _checked(ballot, ranking)
    if standing.kind == VOTED:
        raise AlreadyVoted()
    band = age_band(age_in_closing_year(voter.birth_year, ballot.closes_at.year))
    return await _cast(ballot, (account_id, None), checked, "online", band, current, ("account", account_id))


async def cast_with_code(ballot_id: int, code_id: int, ranking: Sequence[int], band: str = "",
                         now: dt.datetime | None = None) -> str:
    current = _now(now)
    ballot = await _open_ballot(ballot_id, current)
    errors = check_ranking(ranking, [c.proposal_id for c in ballot.candidates], ballot.min_ranks, ballot.max_ranks)
    if errors:
        # Refused anyway; which refusal comes first (no such code, no codes on this ballot, the
        # ranking) needs the code's row, read on its own on this rare path.
        if not await _CODE_OF_BALLOT(code_id, ballot_id):
            raise NotOpen()
        if not accepts_codes(rules_of(ballot)):
            raise Ineligible(Refusal.NO_CODES)
        raise InvalidRanking(errors)
    return await _cast(ballot, (None, code_id), list(ranking), "code",
                       band if band in {b[0] for b in AGE_BANDS} else "", current, ("code", code_id),
                       first=lambda: _code_may_cast(ballot, code_id))


_CODE_OF_BALLOT = Prepared(lambda code_id, ballot_id: AccessCode.select(AccessCode.id).where(
    (AccessCode.id == code_id) & (AccessCode.ballot == ballot_id)))


async def _code_may_cast(ballot: BallotView, code_id: int) -> None:
    """At the start of a code's casting transaction: the code is this ballot's, the ballot takes
    codes, the code was not used, and its batch (read at this moment, as `code_batch_allows` says:
    share-locked on PostgreSQL) is not voided and carries a window that fits the ballot. One
    statement (issue 21: a cast flow's statements); the unique indexes on participation still
    decide a race. Raises NotOpen, Ineligible, AlreadyVoted, CodeVoided, CodeMisfit, in that order."""
    lock = "" if is_sqlite(current_engine()) else " FOR SHARE OF k"
    rows = await AccessCode.raw(
        "SELECT p.id AS used, k.status AS status, k.age_min AS age_min, k.age_max AS age_max "
        "FROM access_code a JOIN code_batch k ON k.ballot = a.ballot AND k.number = a.batch "
        "LEFT JOIN participation p ON p.access_code = a.id AND p.ballot = a.ballot "
        "WHERE a.id = {} AND a.ballot = {}" + lock,
        code_id, ballot.id)
    if not rows:
        raise NotOpen()
    if not accepts_codes(rules_of(ballot)):
        raise Ineligible(Refusal.NO_CODES)
    if rows[0]["used"] is not None:
        raise AlreadyVoted()
    if rows[0]["status"] == batches.VOIDED:
        raise CodeVoided()
    fit = batches.misfit(batches.Window(ballot.age_min, ballot.age_max),
                         batches.Window(rows[0]["age_min"], rows[0]["age_max"]))
    if fit is not None:
        raise CodeMisfit(fit)


async def code_batch_allows(ballot: BallotView, code_id: int) -> batches.Window:
    """The window a code of `ballot` carries, read at the moment it is used, in the caller's
    transaction: a batch voided (or a window that no longer fits) since the code was typed stops it
    here. On PostgreSQL the batch row is share-locked, so a void committing at the same moment
    either waits for this ballot (which then counts, its code having been used first) or stops it;
    SQLite's IMMEDIATE transactions run one at a time anyway. Raises NotOpen, CodeVoided, CodeMisfit."""
    lock = "" if is_sqlite(current_engine()) else " FOR SHARE OF k"
    rows = await AccessCode.raw(
        "SELECT k.status AS status, k.age_min AS age_min, k.age_max AS age_max FROM access_code a "
        "JOIN code_batch k ON k.ballot = a.ballot AND k.number = a.batch WHERE a.id = {} AND a.ballot = {}" + lock,
        code_id, ballot.id)
    if not rows:
        raise NotOpen()
    if rows[0]["status"] == batches.VOIDED:
        raise CodeVoided()
    window = batches.Window(rows[0]["age_min"], rows[0]["age_max"])
    fit = batches.misfit(batches.Window(ballot.age_min, ballot.age_max), window)
    if fit is not None:
        raise CodeMisfit(fit)
    return window


class _Found(msgspec.Struct):
    """A ballot found from its receipt: sealed (voting open, or closed and not yet unsealed),
    counted (written out at close), or a plain row from before sealing existed."""

    ballot_id: int
    ranking: list[int]
    origin: str
    cast_on: dt.date | None
    superseded: bool
    fingerprint: str
    kind: str  # sealed, counted, legacy
    row_id: object = None
    voter: str = ""
    age_band: str = ""


async def _find_receipt(typed: str) -> _Found | None:
    normalized = codes.normalize(typed)
    if not codes.looks_valid(normalized, codes.RECEIPT_LENGTH):
        return None
    ballots = await Ballot.select(Ballot.id, Ballot.salt, Ballot.seal_salt, Ballot.key_check)
    if not ballots:
        return None
    key = secret_key()
    sealed_keys = {b["id"]: sealing.keys_for(key, b["seal_salt"]) for b in ballots if b["seal_salt"]}
    checks = {b["id"]: b["key_check"] for b in ballots}
    sealed_keys = {b: k for b, k in sealed_keys.items() if hmac.compare_digest(k.check, checks[b])}
    if sealed_keys:
        tags = {sealing.lookup_tag(k, normalized): b for b, k in sealed_keys.items()}
        row = await SealedBallot.select(SealedBallot.id, SealedBallot.ballot, SealedBallot.sealed,
                                        SealedBallot.superseded).where(SealedBallot.lookup.is_in(list(tags))).first()
        if row is not None:
            ballot_id = int(row["ballot"])
            p = sealing.unseal(sealed_keys[ballot_id], ballot_id, row["sealed"])
            return _Found(ballot_id, p.ranking, p.origin, dt.date.fromisoformat(p.day), bool(row["superseded"]),
                          p.fingerprint, "sealed", row["id"], p.voter, p.age_band)
    fingerprints = [sealing.fingerprint(b["id"], normalized) for b in ballots]
    row = await CastBallot.select(CastBallot.ballot, CastBallot.ranking).where(
        CastBallot.fingerprint.is_in(fingerprints)).first()
    if row is not None:
        ballot_id = int(row["ballot"])
        return _Found(ballot_id, _ranking(row["ranking"]), "", None, False,
                      sealing.fingerprint(ballot_id, normalized), "counted")
    # Cast before sealing existed: found by the salted hash, which is also what its .pb lists.
    hashes = [codes.digest(b["salt"], normalized) for b in ballots]
    row = await CastBallot.select(
        CastBallot.id, CastBallot.ballot, CastBallot.ranking, CastBallot.origin, CastBallot.age_band,
        CastBallot.cast_on, CastBallot.superseded, CastBallot.receipt_hash,
    ).where(CastBallot.receipt_hash.is_in(hashes)).first()
    if row is None:
        return None
    legacy = bool(row["origin"])
    return _Found(int(row["ballot"]), _ranking(row["ranking"]), str(row["origin"]),
                  row["cast_on"] if legacy else None, bool(row["superseded"]),  # type: ignore[arg-type]
                  str(row["receipt_hash"]), "legacy", row["id"], "", str(row["age_band"]))


async def lookup_receipt(typed: str, now: dt.datetime | None = None) -> ReceiptView | None:
    """What was recorded for a receipt: the ranking as stored, whether it still counts, and the
    fingerprint under which it appears in the published .pb file."""
    found = await _find_receipt(typed)
    if found is None:
        return None
    ballot = await get_ballot(found.ballot_id, now)
    assert ballot is not None
    by_id = {c.proposal_id: c for c in ballot.candidates}
    ranking = [by_id.get(pid) or CandidateView(pid, f"#{pid}", "", 0) for pid in found.ranking]
    return ReceiptView(ballot.id, ballot.title, ranking, found.origin, found.cast_on, found.superseded,
                       ballot.is_open and not found.superseded and found.kind != "counted", found.fingerprint)


async def _may_replace(found: _Found, ballot_id: int, voter: tuple[str, int] | None,
                       keys: sealing.BallotKeys) -> bool:
    """Whether `voter` (the credential asking) cast the ballot `found`. A sealed ballot carries a tag
    of the credential that cast it; one cast before sealing existed only says that this credential
    voted on the ballot. Paper ballots have no voter, so nobody replaces them online."""
    if voter is None or found.ballot_id != ballot_id or found.superseded:
        return False
    if found.kind == "sealed":
        return bool(found.voter) and hmac.compare_digest(found.voter, sealing.voter_tag(keys, *voter))
    if found.kind == "legacy" and found.origin in ("online", "code"):
        kind, ident = voter
        column = Participation.account if kind == "account" else Participation.access_code
        return await Participation.exists().where((Participation.ballot == ballot_id) & (column == ident))
    return False


async def receipt_belongs(ballot_id: int, receipt: str, voter: tuple[str, int] | None = None) -> bool:
    """True when `receipt` is a still-counting ballot on `ballot_id` that `voter` ("account" or
    "code", id) cast, so it may replace it."""
    found = await _find_receipt(receipt)
    if found is None or found.ballot_id != ballot_id:
        return False
    return await _may_replace(found, ballot_id, voter, await ballot_keys(ballot_id))


async def replace_ballot(ballot_id: int, receipt: str, ranking: Sequence[int], voter: tuple[str, int] | None = None,
                         now: dt.datetime | None = None) -> str:
    """Replace the ballot a receipt belongs to while voting is open, when `voter` is the credential
    that cast it: the old one is marked superseded (it stops counting, turnout does not change) and
    a new receipt is returned. Raises UnknownReceipt, NotYourBallot."""
    current = _now(now)
    ballot = await _open_ballot(ballot_id, current)
    checked = _checked(ballot, ranking)
    keys = await ballot_keys(ballot_id)
    found = await _find_receipt(receipt)
    if found is None or found.ballot_id != ballot_id or found.superseded or found.kind == "counted":
        raise UnknownReceipt()
    if not await _may_replace(found, ballot_id, voter, keys):
        raise NotYourBallot()
    new_receipt = codes.new_receipt()
    assert voter is not None
    row = _sealed_row(keys, ballot, checked, found.origin, found.age_band, current, new_receipt, voter)
    async with write_transaction():
        # Conditional, so two replacements racing on PostgreSQL cannot both succeed: the second
        # waits for the first's row lock, then finds the ballot already superseded.
        if found.kind == "sealed":
            marked = await SealedBallot.update({SealedBallot.superseded: True}).where(
                (SealedBallot.id == found.row_id) & (SealedBallot.superseded == False)  # noqa: E712
            ).returning(SealedBallot.id)
        else:
            marked = await CastBallot.update({CastBallot.superseded: True}).where(
                (CastBallot.id == found.row_id) & (CastBallot.superseded == False)  # noqa: E712
            ).returning(CastBallot.id)
        if not marked:
            raise UnknownReceipt()
        await _insert_sealed(row)
        if found.kind == "legacy":  # its old row leaves the legacy count; the new one is counted here
            await add_turnout(ballot_id, found.origin, found.age_band)
    return new_receipt


# Paper ballots ------------------------------------------------------------------------------------


async def enter_paper(ballot_id: int, staff_id: int, sheet_ref: str, ranking: Sequence[int], band: str = "",
                      now: dt.datetime | None = None) -> str:
    """Enter a paper ballot. The first entry of a sheet waits ("pending"); a second entry by another
    staff member confirms it when the ranking and age band agree ("confirmed": the ballot now counts)
    or flags it ("mismatch") for review. Sheets are accepted while voting is open and, once it has
    closed, until the result is published: sheets from a booth arrive after the close. A sheet is
    found by its normalised reference (codes.sheet_ref), so one sheet cannot count twice under two
    spellings; the reference is shown as first typed.
    A sheet confirmed after the close is sealed like any other; the counting job writes it out
    (`unseal`) and counts again. Raises SameStaff, SheetClosed, InvalidRanking, NotOpen."""
    current = _now(now)
    ballot = await get_ballot(ballot_id, current)
    if ballot is None or ballot.state == "upcoming":
        raise NotOpen()
    checked = _checked(ballot, ranking)
    band = band if band in {b[0] for b in AGE_BANDS} else ""
    sheet_key = codes.sheet_ref(sheet_ref)
    if not sheet_key:
        raise BadSheetRef()
    keys = await ballot_keys(ballot_id)
    try:
        async with write_transaction():
            if ballot.state == "closed" and await _published(ballot_id):
                raise NotOpen()
            sheet = await PaperSheet.select().where(
                (PaperSheet.ballot == ballot_id) & (PaperSheet.sheet_key == sheet_key)
            ).first()
            if sheet is None:
                await PaperSheet.insert(PaperSheet(ballot=ballot_id, sheet_ref=sheet_ref, sheet_key=sheet_key,
                                                   first_ranking=json.dumps(checked), first_age_band=band,
                                                   first_by=staff_id))
                return "pending"
            if sheet["status"] != "pending":
                raise SheetClosed()
            if sheet["first_by"] == staff_id:
                raise SameStaff()
            agree = _ranking(sheet["first_ranking"]) == checked and sheet["first_age_band"] == band
            status = "confirmed" if agree else "mismatch"
            # Conditional on still pending: two second entries racing cannot both confirm the sheet.
            updated = await PaperSheet.update({
                PaperSheet.second_ranking: json.dumps(checked), PaperSheet.second_age_band: band,
                PaperSheet.second_by: staff_id, PaperSheet.status: status,
            }).where((PaperSheet.id == sheet["id"]) & (PaperSheet.status == "pending")).returning(PaperSheet.id)
            if not updated:
                raise SheetClosed()
            if agree:
                await _insert_sealed(_sealed_row(keys, ballot, checked, "paper", band, current, None, None))
                await add_turnout(ballot_id, "paper", band)
            return status
    except BallotError:
        raise
    except Exception as exc:
        if is_unique_violation(exc):  # two first entries of one sheet at the same moment
            raise SheetClosed() from exc
        raise


async def _published(ballot_id: int) -> bool:
    # ballots/results builds on this module, so its table is read here without importing its service.
    from ballots.results.tables import ResultPublication

    return await ResultPublication.exists().where(ResultPublication.ballot == ballot_id)


async def sheets_waiting(ballot_id: int) -> list[PaperSheetView]:
    """Sheets that stop a result from being published: waiting for their second entry, or entered
    twice differently (both must be resolved, or the published count would leave ballots out)."""
    return [s for s in await paper_sheets(ballot_id) if s.status in ("pending", "mismatch")]


async def paper_sheets(ballot_id: int, status: str | None = None) -> list[PaperSheetView]:
    where = PaperSheet.ballot == ballot_id
    if status:
        where = where & (PaperSheet.status == status)
    rows = await PaperSheet.select(
        PaperSheet.id, PaperSheet.sheet_ref, PaperSheet.status, PaperSheet.first_ranking, PaperSheet.second_ranking,
        PaperSheet.first_by.display_name.as_alias("first_by"), PaperSheet.second_by.display_name.as_alias("second_by"),
    ).where(where).order_by(PaperSheet.sheet_ref)
    return [
        PaperSheetView(r["id"], r["sheet_ref"], r["status"], r["first_by"], r["second_by"],
                       _ranking(r["first_ranking"]),
                       _ranking(r["second_ranking"]) if r["second_ranking"] is not None else None)
        for r in rows
    ]


async def discard_sheet(ballot_id: int, sheet_id: int) -> bool:
    """Discard a mismatched sheet's entries so it can be typed in again; confirmed sheets stay."""
    async with write_transaction():
        row = await PaperSheet.select(PaperSheet.status).where(
            (PaperSheet.id == sheet_id) & (PaperSheet.ballot == ballot_id)).first()
        if row is None or row["status"] == "confirmed":
            return False
        await PaperSheet.delete().where(PaperSheet.id == sheet_id)
    return True


# Turnout and counting -----------------------------------------------------------------------------


async def turnout(ballot_id: int) -> TurnoutView:
    """Counts of ballots that count, by origin and by age band, with small groups suppressed."""
    return (await turnouts([ballot_id]))[ballot_id]


async def turnouts(ballot_ids: list[int]) -> dict[int, TurnoutView]:
    """`turnout` for many ballots: the kept counts, plus rows cast before sealing existed that are
    still waiting for their ballot to close (grouped in the same way)."""
    if not ballot_ids:
        return {}
    ids = list(ballot_ids)
    rows = await _KEPT_TURNOUT(ids)
    rows += await _UNSEALED_TURNOUT(ids)
    grouped: dict[int, list[dict[str, object]]] = {b: [] for b in ballot_ids}
    for r in rows:
        grouped[r["ballot"]].append(r)
    return {b: _turnout_view(grouped[b]) for b in ballot_ids}


def _turnout_view(rows: list[dict[str, object]]) -> TurnoutView:
    origins: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    for r in rows:
        origins[str(r["origin"])] += int(r["n"])  # type: ignore[call-overload]
        bands[str(r["age_band"] or "unknown")] += int(r["n"])  # type: ignore[call-overload]
    band_keys = [b[0] for b in AGE_BANDS] + ["unknown"]
    band_labels = {"0-11": _("Under 12"), "65+": _("65 and over"), "unknown": _("Not given")}
    by_origin = [TurnoutGroup(c.key, str(ORIGIN_LABELS[c.key]), c.count, c.fewer_than_threshold)
                 for c in suppress(origins, list(ORIGINS))]
    by_age = [TurnoutGroup(c.key, band_labels.get(c.key, c.key.replace("-", "–")), c.count, c.fewer_than_threshold)
              for c in suppress(bands, band_keys)]
    total = shown_total(sum(origins.values()))
    if total is None:
        # Fewer than 5 ballots in all: every group is hidden, and each has fewer than 5 (never 0).
        by_origin = [TurnoutGroup(g.key, g.label, None, True) for g in by_origin]
        by_age = [TurnoutGroup(g.key, g.label, None, True) for g in by_age]
    return TurnoutView(total, by_origin, by_age)


async def _driver_rows(sql: str, *args: object) -> list[Sequence[Any]]:
    """Rows as the driver returns them (asyncpg records, SQLite tuples), in the current transaction
    if there is one. For the close's 100,000-row reads: Piccolo builds a dictionary per row and
    post-processes each one, which profiling showed as a large part of reading sealed ballots; a
    bytes column needs none of that. `sql` takes `{}` placeholders, as Piccolo's `raw` does."""
    engine = current_engine()
    tx = engine.current_transaction.get()
    if is_sqlite(engine):
        sql = sql.replace("{}", "?")
        conn = tx.connection if tx is not None else await engine.get_connection()
        factory = conn.row_factory
        conn.row_factory = None  # plain tuples; Piccolo's connections make dictionaries
        try:
            async with conn.execute(sql, args) as cursor:
                return list(await cursor.fetchall())
        finally:
            conn.row_factory = factory
            if tx is None:
                await conn.close()
    for n in range(1, len(args) + 1):
        sql = sql.replace("{}", f"${n}", 1)
    if tx is not None:
        return list(await tx.connection.fetch(sql, *args))
    if engine.pool is not None:
        async with engine.pool.acquire() as conn:
            return list(await conn.fetch(sql, *args))
    conn = await engine.get_new_connection()
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


Opened = dict[bytes, sealing.Payload]


async def _open_sealed(ballot_id: int, opened: Opened | None = None) -> list[sealing.Payload]:
    """The still-counting sealed ballots of a ballot, decrypted in memory only. With `opened`, each
    payload is also kept under its exact ciphertext, so the close's write-out (`unseal`) reuses it
    instead of decrypting all the ballots a second time."""
    rows = await _driver_rows("SELECT sealed FROM sealed_ballot WHERE ballot = {} AND NOT superseded", ballot_id)
    if not rows:
        return []
    open_one = sealing.unsealer(await ballot_keys(ballot_id), ballot_id)
    if opened is None:
        return [open_one(r[0]) for r in rows]
    out = []
    for r in rows:
        sealed = bytes(r[0])
        payload = opened[sealed] = open_one(sealed)
        out.append(payload)
    return out


async def counting_total(ballot_id: int) -> int:
    """How many ballots count now, sealed or not (a cheap check for the counting job)."""
    sealed = await SealedBallot.count().where(
        (SealedBallot.ballot == ballot_id) & (SealedBallot.superseded == False))  # noqa: E712
    plain = await CastBallot.count().where(
        (CastBallot.ballot == ballot_id) & (CastBallot.superseded == False))  # noqa: E712
    return sealed + plain


def _merged(rankings: list[list[int]]) -> list[tuple[list[int], int]]:
    merged = Counter(tuple(r) for r in rankings)
    return [(list(ranking), weight) for ranking, weight in sorted(merged.items())]


async def counted_ballots(ballot_id: int, origin: str | None = None,
                          opened: Opened | None = None) -> list[tuple[list[int], int]]:
    """Every ballot that counts (not superseded; paper ones only once confirmed by a second entry),
    as (ranking of proposal ids, most preferred first; weight). Identical rankings are merged and
    the list is sorted by ranking, so the output carries no casting order. `origin` ("online",
    "code" or "paper") keeps only the ballots that came in that way; origins are known only until
    the ballot's ballots are unsealed at close (afterwards no counted ballot has one). `opened`: see
    `_open_sealed`."""
    rankings = [p.ranking for p in await _open_sealed(ballot_id, opened) if origin is None or p.origin == origin]
    where = (CastBallot.ballot == ballot_id) & (CastBallot.superseded == False)  # noqa: E712
    if origin is not None:
        where = where & (CastBallot.origin == origin)
    rankings += [_ranking(r["ranking"]) for r in await CastBallot.select(CastBallot.ranking).where(where)]
    return _merged(rankings)


async def export_votes(ballot_id: int) -> list[tuple[list[int], str]]:
    """The counted ballots one by one, for the published .pb: (ranking, receipt fingerprint), sorted
    by fingerprint, so the order is fixed by the receipts alone and says nothing of casting order
    (nor of the order the close wrote them in). Ballots without a receipt (paper) come first,
    sorted by ranking."""
    rows = await CastBallot.select(CastBallot.ranking, CastBallot.fingerprint, CastBallot.receipt_hash).where(
        (CastBallot.ballot == ballot_id) & (CastBallot.superseded == False))  # noqa: E712
    votes = [(_ranking(r["ranking"]), str(r["fingerprint"] or r["receipt_hash"] or "")) for r in rows]
    votes.sort(key=lambda v: (v[1], v[0]))
    return votes


async def ballots_to_unseal(now: dt.datetime | None = None) -> list[int]:
    """Closed ballots that still hold sealed ballots, or rows cast before sealing existed."""
    current = _now(now)
    rows = await Ballot.raw(
        "SELECT b.id AS id FROM ballot b WHERE b.closes_at <= {} AND (EXISTS (SELECT 1 FROM sealed_ballot s "
        "WHERE s.ballot = b.id) OR EXISTS (SELECT 1 FROM cast_ballot c WHERE c.ballot = b.id AND c.origin > '') "
        "OR EXISTS (SELECT 1 FROM cast_ballot c WHERE c.ballot = b.id AND c.superseded))", current)
    return [int(r["id"]) for r in rows]


_INSERT_CHUNK = 2000


async def unseal(ballot_id: int, now: dt.datetime | None = None,
                 opened: Opened | None = None) -> list[list[int]] | None:
    """When voting has closed, and before counting: decrypt every sealed ballot of the ballot and
    write the ones that count as CastBallot rows, in one transaction, in an order drawn from the
    operating system's random source, with fresh random keys and nothing but the ranking and the
    receipt's fingerprint (no origin, age band or day: every row gets the closing day). Superseded
    ballots are dropped. Rows from before sealing existed are rewritten the same way, their turnout
    moved into TurnoutCount. Deleting the rows first claims them (SQLite's IMMEDIATE transaction
    holds the whole file), so two workers doing this at once write each ballot once. Returns the
    rankings written (every ballot that counts), or None when there was nothing to write.

    `opened` holds payloads the caller already decrypted (counting does, see `_open_sealed`), by
    exact ciphertext: a deleted row whose bytes are there is not decrypted again; any other row is.
    The rows written are always the rows this transaction deleted."""
    row = await Ballot.select(Ballot.closes_at, Ballot.seal_salt).where(Ballot.id == ballot_id).first()
    if row is None or _now(now) < _aware(row["closes_at"]):
        return None
    keys = await ballot_keys(ballot_id) if row["seal_salt"] else None
    closing_day = _aware(row["closes_at"]).date()
    sealed_where = "FROM sealed_ballot WHERE ballot = {}"
    legacy_where = "FROM cast_ballot WHERE ballot = {} AND (origin > '' OR superseded)"
    async with write_transaction():
        if is_sqlite(current_engine()):  # the IMMEDIATE transaction holds the file: read, then delete
            # This transaction's own connection (closed with it): a page cache large enough for the
            # random-keyed indexes of 100,000 deleted and 100,000 inserted rows, so the write lock
            # is held for the work and not for re-reading evicted index pages.
            await current_engine().current_transaction.get().connection.execute("PRAGMA cache_size = -65536")
            sealed = await _driver_rows(f"SELECT sealed, superseded {sealed_where}", ballot_id)
            legacy = await CastBallot.raw(f"SELECT ranking, origin, age_band, receipt_hash, superseded {legacy_where}",
                                          ballot_id)
            await SealedBallot.raw(f"DELETE {sealed_where}", ballot_id)
            await CastBallot.raw(f"DELETE {legacy_where}", ballot_id)
        else:  # deleting claims the rows: a second worker waits, then finds none
            sealed = await _driver_rows(f"DELETE {sealed_where} RETURNING sealed, superseded", ballot_id)
            legacy = await CastBallot.raw(
                f"DELETE {legacy_where} RETURNING ranking, origin, age_band, receipt_hash, superseded", ballot_id)
        if not sealed and not legacy:
            return None
        rankings: list[list[int]] = []
        out: list[tuple[str, str | None, str | None]] = []
        if sealed:
            assert keys is not None
            open_one = sealing.unsealer(keys, ballot_id)
            known = opened or {}
            for ciphertext, superseded in sealed:
                if not superseded:
                    ciphertext = bytes(ciphertext)
                    p = known.get(ciphertext) or open_one(ciphertext)
                    rankings.append(p.ranking)
                    out.append((encode_json(p.ranking).decode(), p.fingerprint or None, None))
        moved: Counter[tuple[str, str]] = Counter()
        for r in legacy:
            if not r["superseded"]:
                ranking = _ranking(r["ranking"])
                rankings.append(ranking)
                out.append((json.dumps(ranking), None, r["receipt_hash"]))
                moved[(str(r["origin"]), str(r["age_band"]))] += 1
        secrets.SystemRandom().shuffle(out)
        await _insert_counted(ballot_id, out, closing_day)
        for (origin, band), n in moved.items():
            await add_turnout(ballot_id, origin, band, n)
    return rankings


async def _insert_counted(ballot_id: int, rows: list[tuple[str, str | None, str | None]], day: dt.date) -> None:
    """Insert counted ballots in the order given, in the caller's transaction: through the driver's
    bulk paths (COPY on PostgreSQL, executemany on SQLite), which keep the order and are much faster
    than building 100,000 ORM objects."""
    engine = current_engine()
    tx = engine.current_transaction.get()
    assert tx is not None
    # Random (version 4) keys from one read of the operating system's random source.
    pool = bytearray(os.urandom(16 * len(rows)))
    for i in range(6, len(pool), 16):
        pool[i] = (pool[i] & 0x0F) | 0x40
        pool[i + 2] = (pool[i + 2] & 0x3F) | 0x80
    # As text in the canonical form both drivers accept (uuid.UUID objects cost more than the rest of
    # the row at 100,000 rows).
    h = pool.hex()
    keys = [f"{h[i:i + 8]}-{h[i + 8:i + 12]}-{h[i + 12:i + 16]}-{h[i + 16:i + 20]}-{h[i + 20:i + 32]}"
            for i in range(0, len(h), 32)]
    if is_sqlite(engine):
        on = day.isoformat()
        await tx.connection.executemany(
            "INSERT INTO cast_ballot (id, ballot, ranking, origin, age_band, receipt_hash, cast_on, superseded, "
            "fingerprint) VALUES (?, ?, ?, '', '', ?, ?, 0, ?)",
            [(key, ballot_id, ranking, receipt_hash, on, fp)
             for key, (ranking, fp, receipt_hash) in zip(keys, rows, strict=True)])
        return
    await tx.connection.copy_records_to_table(
        "cast_ballot", columns=["id", "ballot", "ranking", "origin", "age_band", "receipt_hash", "cast_on",
                                "superseded", "fingerprint"],
        records=[(key, ballot_id, ranking, "", "", receipt_hash, day, False, fp)
                 for key, (ranking, fp, receipt_hash) in zip(keys, rows, strict=True)])


class ElectionCandidate(msgspec.Struct, frozen=True):
    proposal_id: int
    title: str
    cost: int


class ElectionData(msgspec.Struct, frozen=True):
    """What the counting needs for one ballot."""

    ballot_id: int
    title: str
    budget: int
    max_ranks: int  # K: with K ranks the first choice scores K points, the K-th scores 1
    rule: str  # "mes", "greedy" or "ear"
    closed: bool
    candidates: list[ElectionCandidate]
    ballots: list[tuple[list[int], int]]


async def election_data(ballot_id: int, now: dt.datetime | None = None,
                        opened: Opened | None = None) -> ElectionData | None:
    """`opened`: see `_open_sealed`."""
    ballot = await get_ballot(ballot_id, now)
    if ballot is None:
        return None
    return ElectionData(
        ballot.id, ballot.title, ballot.budget, ballot.max_ranks, ballot.rule, ballot.state == "closed",
        [ElectionCandidate(c.proposal_id, c.title, c.cost) for c in ballot.candidates],
        await counted_ballots(ballot_id, opened=opened),
    )


async def open_ballots_for(neighborhood_id: int | None, now: dt.datetime | None = None) -> list[BallotView]:
    """Open ballots of a neighborhood's fund, and city-wide ones, for the home page."""
    return [b for b in await list_ballots(neighborhood_id, now)
            if b.state == "open" and (b.neighborhood_id is None or b.neighborhood_id == neighborhood_id)]
