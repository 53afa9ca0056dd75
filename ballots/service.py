"""Ballot use cases: setup, eligibility, access codes, casting with receipts, paper entry, turnout,
and the ballots the counting uses. Plain values in, structs out; no web framework here.

Secrecy: casting writes a Participation row (who) and a CastBallot row (what) in one transaction,
and nothing links them. Cast ballots are read back ordered by their random UUID key, never by
insertion, so what leaves this module carries no casting order."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import msgspec
from piccolo.query.functions.aggregate import Count

from ballots import codes, open_cache
from ballots.eligibility import AGE_BANDS, Refusal, Rules, age_band, age_in_closing_year, check_account, check_age
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
from ballots.tables import AccessCode, Ballot, BallotCandidate, BallotChange, CastBallot, PaperSheet, Participation
from ballots.turnout import shown_total, suppress
from proposals import service as proposals
from server import clock
from server.accounts.tables import Account
from server.database import current_engine, is_unique_violation, write_transaction
from server.i18n import gettext as _

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


class SameStaff(BallotError):
    """The second entry of a paper ballot must come from another staff member."""


class SheetClosed(BallotError):
    """The sheet is already confirmed, or flagged for review."""


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
    return [{"id": c.id, "name": c.name} for c in sorted(await proposals.list_cycles(), key=lambda c: -c.id)]


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
    }


async def _write_candidates(ballot_id: int, settings: BallotSettings, costs: dict[int, int]) -> None:
    await BallotCandidate.delete().where(BallotCandidate.ballot == ballot_id)
    if settings.candidate_ids:
        await BallotCandidate.insert(*[
            BallotCandidate(ballot=ballot_id, proposal=pid, cost=costs[pid], position=i)
            for i, pid in enumerate(settings.candidate_ids)
        ])


async def create_ballot(settings: BallotSettings, by: int | None) -> int:
    costs = await _costs(settings)
    async with write_transaction():
        values = {column._meta.name: value for column, value in _settings_values(settings).items()}  # type: ignore[attr-defined]
        rows = await Ballot.insert(Ballot(**values, salt=codes.new_salt(), created_by=by)).returning(Ballot.id)
        ballot_id = rows[0]["id"]
        await _write_candidates(ballot_id, settings, costs)
    open_cache.forget(ballot_id)
    return ballot_id


async def update_ballot(ballot_id: int, settings: BallotSettings, by: int | None,
                        now: dt.datetime | None = None) -> None:
    """Change every setting; refused with BallotLocked once voting has opened."""
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
        await Ballot.update(_settings_values(settings)).where(Ballot.id == ballot_id)
        await _write_candidates(ballot_id, settings, costs)
    open_cache.forget(ballot_id)


async def extend_ballot(ballot_id: int, new_closes_at: dt.datetime, by: int | None,
                        now: dt.datetime | None = None) -> None:
    """Move the closing time later while voting is open (or not yet open), logging who and when.
    A closed ballot stays closed: its count may already be public."""
    async with write_transaction():
        row = await Ballot.select(Ballot.closes_at).where(Ballot.id == ballot_id).first()
        if row is None:
            raise BallotError("no such ballot")
        old = _aware(row["closes_at"])
        if _now(now) >= old or new_closes_at <= old:
            raise NotExtendable()
        await Ballot.update({Ballot.closes_at: new_closes_at}).where(Ballot.id == ballot_id)
        await BallotChange.insert(BallotChange(ballot=ballot_id, changed_by=by, field="closes_at",
                                               old_value=old.isoformat(), new_value=new_closes_at.isoformat()))
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
    Ballot.age_min, Ballot.age_max, Ballot.opens_at, Ballot.closes_at, Ballot.rule,
)


def _view(row: dict[str, object], now: dt.datetime, candidates: list[CandidateView] | None = None) -> BallotView:
    opens_at = _aware(row["opens_at"])  # type: ignore[arg-type]
    closes_at = _aware(row["closes_at"])  # type: ignore[arg-type]
    return msgspec.convert({**row, "opens_at": opens_at, "closes_at": closes_at,
                            "state": _state(opens_at, closes_at, now), "candidates": candidates or []},
                           BallotView)


async def candidates_of(ballot_id: int) -> list[CandidateView]:
    rows = await BallotCandidate.select(
        BallotCandidate.proposal.id.as_alias("proposal_id"), BallotCandidate.proposal.title.as_alias("title"),
        BallotCandidate.proposal.summary.as_alias("summary"), BallotCandidate.cost,
        BallotCandidate.proposal.neighborhood.name.as_alias("neighborhood_name"),
    ).where(BallotCandidate.ballot == ballot_id).order_by(BallotCandidate.position)
    return msgspec.convert(rows, list[CandidateView])


async def get_ballots(ballot_ids: list[int], now: dt.datetime | None = None) -> list[BallotView]:
    """The ballots with these ids (unknown ids left out), in the order given, with their candidates,
    in two queries whatever the number of ballots."""
    if not ballot_ids:
        return []
    rows = {r["id"]: r for r in await Ballot.select(*_BALLOT_COLUMNS).where(Ballot.id.is_in(list(ballot_ids)))}
    found = [b for b in ballot_ids if b in rows]
    candidates: dict[int, list[dict[str, object]]] = {b: [] for b in found}
    if found:
        for c in await BallotCandidate.select(
            BallotCandidate.ballot, BallotCandidate.proposal.id.as_alias("proposal_id"),
            BallotCandidate.proposal.title.as_alias("title"), BallotCandidate.proposal.summary.as_alias("summary"),
            BallotCandidate.cost, BallotCandidate.proposal.neighborhood.name.as_alias("neighborhood_name"),
        ).where(BallotCandidate.ballot.is_in(found)).order_by(BallotCandidate.ballot, BallotCandidate.position):
            candidates[c.pop("ballot")].append(c)
    current = _now(now)
    return [_view(rows[b], current, msgspec.convert(candidates[b], list[CandidateView])) for b in found]


async def get_ballot(ballot_id: int, now: dt.datetime | None = None, cached: bool = False) -> BallotView | None:
    """The ballot with its candidates. With `cached`, an open ballot may come from a few seconds'
    cache (its settings are frozen, see ballots/open_cache.py): voting asks for it on every step.
    Counting, results and council pages read the database."""
    current, engine = _now(now), current_engine()
    hit = open_cache.lookup(ballot_id, engine, current) if cached else None
    if hit is not None:
        return hit.view
    row = await Ballot.select(*_BALLOT_COLUMNS, Ballot.salt).where(Ballot.id == ballot_id).first()
    if row is None:
        return None
    salt = row.pop("salt")
    view = _view(row, current, await candidates_of(ballot_id))
    open_cache.store(engine, view, salt)
    return view


async def list_ballots(neighborhood_id: int | None = None, now: dt.datetime | None = None) -> list[BallotView]:
    """Every ballot: open first, then upcoming, then closed; within each, the reader's neighborhood
    (and city-wide funds) before others, soonest deadline first."""
    current = _now(now)
    rows = await Ballot.select(*_BALLOT_COLUMNS)
    views = [_view(r, current) for r in rows]
    order = {"open": 0, "upcoming": 1, "closed": 2}

    def key(b: BallotView) -> tuple[int, int, float]:
        mine = 0 if b.neighborhood_id == neighborhood_id else (1 if b.neighborhood_id is None else 2)
        when = b.closes_at.timestamp() if b.state != "closed" else -b.closes_at.timestamp()
        return order[b.state], mine, when

    return sorted(views, key=key)


async def ballots_by_cycle(cycle_ids: list[int]) -> dict[int, list[int]]:
    """The ballots of each budget cycle, oldest first, in one query."""
    found: dict[int, list[int]] = {c: [] for c in cycle_ids}
    if cycle_ids:
        for r in await Ballot.select(Ballot.id, Ballot.cycle).where(
                Ballot.cycle.is_in(list(cycle_ids))).order_by(Ballot.id):
            found[r["cycle"]].append(r["id"])
    return found


async def proposals_on_ballots(cycle_ids: list[int]) -> dict[int, int]:
    """How many different proposals each budget cycle's ballots offer, in one query."""
    counts = dict.fromkeys(cycle_ids, 0)
    if cycle_ids:
        for r in await BallotCandidate.select(
            BallotCandidate.ballot.cycle.as_alias("cycle"), BallotCandidate.proposal,
        ).where(BallotCandidate.ballot.cycle.is_in(list(cycle_ids))).distinct():
            counts[r["cycle"]] += 1
    return counts


def rules_of(ballot: BallotView) -> Rules:
    return Rules(ballot.neighborhood_id, ballot.age_min, ballot.age_max, ballot.closes_at.year)


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


class _Account(msgspec.Struct, frozen=True):
    id: int
    neighborhood_id: int
    birth_year: int


async def voter_standing(ballot: BallotView, voter: Voter, *, check_voted: bool = True) -> Standing:
    """May this person vote on `ballot` (as loaded, at its moment) now, have they voted already, are
    they not eligible (and why), or is the ballot not open? `check_voted=False` leaves out the one
    query for a ballot already cast, where the caller is about to cast (the unique index on
    participation refuses a second ballot anyway): the answer is then MAY_VOTE for them."""
    if ballot.state != "open":
        return Standing(NOT_OPEN)
    refusal = check_account(rules_of(ballot), voter.neighborhood_id, voter.birth_year)
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


async def generate_codes(ballot_id: int, count: int, label: str = "") -> list[str]:
    """A batch of new single-use codes; the plain codes are returned once and never stored."""
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ValueError(f"count must be between 1 and {MAX_CODES_PER_BATCH}")
    async with write_transaction():
        row = await Ballot.select(Ballot.salt).where(Ballot.id == ballot_id).first()
        if row is None:
            raise BallotError("no such ballot")
        last = await AccessCode.select(AccessCode.batch).where(AccessCode.ballot == ballot_id).order_by(
            AccessCode.batch, ascending=False).first()
        batch = (last["batch"] + 1) if last else 1
        plain = [codes.new_code() for _ in range(count)]
        await AccessCode.insert(*[
            AccessCode(ballot=ballot_id, code_hash=codes.digest(row["salt"], c), batch=batch, label=label)
            for c in plain
        ])
    return plain


class CodeMatch(msgspec.Struct, frozen=True):
    ballot_id: int
    code_id: int
    used: bool


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
        "SELECT a.id AS id, a.ballot AS ballot, p.id AS used FROM access_code a "
        "LEFT JOIN participation p ON p.access_code = a.id AND p.ballot = a.ballot "
        f"WHERE a.code_hash IN ({', '.join('{}' for _ in hashes)})",
        *hashes,
    )
    if not rows:
        return None
    return CodeMatch(rows[0]["ballot"], rows[0]["id"], rows[0]["used"] is not None)


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


async def code_batches(ballot_id: int) -> list[dict[str, object]]:
    """Per batch: how many codes, and how many were used (counts only)."""
    rows = await AccessCode.raw(
        "SELECT a.batch AS batch, MAX(a.label) AS label, COUNT(*) AS codes, COUNT(p.id) AS used "
        "FROM access_code a LEFT JOIN participation p ON p.access_code = a.id "
        "WHERE a.ballot = {} GROUP BY a.batch ORDER BY a.batch",
        ballot_id,
    )
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


async def _cast(ballot: BallotView, participation: Participation | None, ranking: list[int], origin: str,
                band: str, now: dt.datetime, with_receipt: bool = True) -> str | None:
    """Write who (if anyone) and what in one transaction. The unique indexes on participation turn a
    second attempt, even a simultaneous one, into AlreadyVoted."""
    receipt = codes.new_receipt() if with_receipt else None
    salt = await _salt(ballot.id)
    try:
        async with write_transaction():
            if participation is not None:
                await Participation.insert(participation)
            await CastBallot.insert(CastBallot(
                ballot=ballot.id, ranking=json.dumps(ranking), origin=origin, age_band=band,
                receipt_hash=codes.digest(salt, receipt) if receipt else None, cast_on=now.date(),
            ))
    except Exception as exc:
        if participation is not None and is_unique_violation(exc):
            raise AlreadyVoted() from exc
        raise
    return receipt


async def cast_online(ballot_id: int, account_id: int, ranking: Sequence[int], now: dt.datetime | None = None) -> str:
    """Cast a signed-in resident's ballot; returns the receipt (shown once)."""
    current = _now(now)
    ballot = await _open_ballot(ballot_id, current)
    row = await Account.select(Account.neighborhood, Account.birth_year).where(Account.id == account_id).first()
    if row is None:
        raise Ineligible(Refusal.WRONG_NEIGHBORHOOD)
    voter = _Account(account_id, row["neighborhood"], row["birth_year"])
    standing = await voter_standing(ballot, voter)
    if standing.kind == INELIGIBLE:
        assert standing.refusal is not None
        raise Ineligible(standing.refusal)
    checked = _checked(ballot, ranking)
    if standing.kind == VOTED:
        raise AlreadyVoted()
    band = age_band(age_in_closing_year(voter.birth_year, ballot.closes_at.year))
    receipt = await _cast(ballot, Participation(ballot=ballot_id, account=account_id),
                          checked, "online", band, current)
    assert receipt is not None
    return receipt


def code_voter_band(ballot: BallotView, birth_year: int | None) -> str:
    """The age band of a code voter from the birth year they gave; raises Ineligible outside the
    ballot's age window (a code is for one ballot, so only age is checked)."""
    if birth_year is None:
        if ballot.has_age_window:
            raise Ineligible(Refusal.TOO_YOUNG)
        return ""
    refusal = check_age(rules_of(ballot), birth_year)
    if refusal is not None:
        raise Ineligible(refusal)
    return age_band(age_in_closing_year(birth_year, ballot.closes_at.year))


async def cast_with_code(ballot_id: int, code_id: int, ranking: Sequence[int], band: str = "",
                         now: dt.datetime | None = None) -> str:
    current = _now(now)
    ballot = await _open_ballot(ballot_id, current)
    if not await AccessCode.exists().where((AccessCode.id == code_id) & (AccessCode.ballot == ballot_id)):
        raise NotOpen()
    checked = _checked(ballot, ranking)
    if await code_used(ballot_id, code_id):
        raise AlreadyVoted()
    receipt = await _cast(ballot, Participation(ballot=ballot_id, access_code=code_id),
                          checked, "code", band if band in {b[0] for b in AGE_BANDS} else "", current)
    assert receipt is not None
    return receipt


async def _find_receipt(typed: str) -> dict[str, object] | None:
    normalized = codes.normalize(typed)
    if not codes.looks_valid(normalized, codes.RECEIPT_LENGTH):
        return None
    ballots = await Ballot.select(Ballot.id, Ballot.salt)
    if not ballots:
        return None
    hashes = [codes.digest(b["salt"], normalized) for b in ballots]
    return await CastBallot.select(
        CastBallot.id, CastBallot.ballot, CastBallot.ranking, CastBallot.origin, CastBallot.age_band,
        CastBallot.cast_on, CastBallot.superseded,
    ).where(CastBallot.receipt_hash.is_in(hashes)).first()


async def lookup_receipt(typed: str, now: dt.datetime | None = None) -> ReceiptView | None:
    """What was recorded for a receipt: the ranking as stored, and whether it still counts."""
    row = await _find_receipt(typed)
    if row is None:
        return None
    ballot = await get_ballot(row["ballot"], now)  # type: ignore[arg-type]
    assert ballot is not None
    by_id = {c.proposal_id: c for c in ballot.candidates}
    ranking = [by_id.get(pid) or CandidateView(pid, f"#{pid}", "", 0) for pid in _ranking(row["ranking"])]
    return ReceiptView(ballot.id, ballot.title, ranking, str(row["origin"]), row["cast_on"],  # type: ignore[arg-type]
                       bool(row["superseded"]), ballot.is_open and not row["superseded"])


async def replace_ballot(ballot_id: int, receipt: str, ranking: Sequence[int], now: dt.datetime | None = None) -> str:
    """Replace the ballot a receipt belongs to while voting is open: the old one is marked superseded
    (it stops counting, turnout does not change) and a new receipt is returned."""
    current = _now(now)
    ballot = await _open_ballot(ballot_id, current)
    checked = _checked(ballot, ranking)
    salt = await _salt(ballot_id)
    new_receipt = codes.new_receipt()
    async with write_transaction():
        old = await CastBallot.select(CastBallot.id, CastBallot.origin, CastBallot.age_band).where(
            (CastBallot.ballot == ballot_id) & (CastBallot.receipt_hash == codes.digest(salt, receipt))
            & (CastBallot.superseded == False)  # noqa: E712
        ).first()
        if old is None:
            raise UnknownReceipt()
        # Conditional, so two replacements racing on PostgreSQL cannot both succeed: the second
        # waits for the first's row lock, then finds the ballot already superseded.
        marked = await CastBallot.update({CastBallot.superseded: True}).where(
            (CastBallot.id == old["id"]) & (CastBallot.superseded == False)  # noqa: E712
        ).returning(CastBallot.id)
        if not marked:
            raise UnknownReceipt()
        await CastBallot.insert(CastBallot(
            ballot=ballot_id, ranking=json.dumps(checked), origin=old["origin"], age_band=old["age_band"],
            receipt_hash=codes.digest(salt, new_receipt), cast_on=current.date(),
        ))
    return new_receipt


async def receipt_belongs(ballot_id: int, receipt: str) -> bool:
    """True when `receipt` is a still-counting ballot on `ballot_id` (so it may be replaced)."""
    salt = await _salt(ballot_id)
    return await CastBallot.exists().where(
        (CastBallot.ballot == ballot_id) & (CastBallot.receipt_hash == codes.digest(salt, receipt))
        & (CastBallot.superseded == False)  # noqa: E712
    )


# Paper ballots ------------------------------------------------------------------------------------


async def enter_paper(ballot_id: int, staff_id: int, sheet_ref: str, ranking: Sequence[int], band: str = "",
                      now: dt.datetime | None = None) -> str:
    """Enter a paper ballot. The first entry of a sheet waits ("pending"); a second entry by another
    staff member confirms it when the ranking and age band agree ("confirmed": the ballot now counts)
    or flags it ("mismatch") for review. Raises SameStaff, SheetClosed, InvalidRanking, NotOpen."""
    current = _now(now)
    ballot = await _open_ballot(ballot_id, current)
    checked = _checked(ballot, ranking)
    band = band if band in {b[0] for b in AGE_BANDS} else ""
    try:
        async with write_transaction():
            sheet = await PaperSheet.select().where(
                (PaperSheet.ballot == ballot_id) & (PaperSheet.sheet_ref == sheet_ref)
            ).first()
            if sheet is None:
                await PaperSheet.insert(PaperSheet(ballot=ballot_id, sheet_ref=sheet_ref,
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
                await CastBallot.insert(CastBallot(ballot=ballot_id, ranking=json.dumps(checked), origin="paper",
                                                   age_band=band, cast_on=current.date()))
            return status
    except BallotError:
        raise
    except Exception as exc:
        if is_unique_violation(exc):  # two first entries of one sheet at the same moment
            raise SheetClosed() from exc
        raise


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


def _counting(ballot_id: int):
    return (CastBallot.ballot == ballot_id) & (CastBallot.superseded == False)  # noqa: E712


async def turnout(ballot_id: int) -> TurnoutView:
    """Counts of ballots that count, by origin and by age band, with small groups suppressed."""
    return (await turnouts([ballot_id]))[ballot_id]


async def turnouts(ballot_ids: list[int]) -> dict[int, TurnoutView]:
    """`turnout` for many ballots in one grouped query (lists and dashboards show several)."""
    if not ballot_ids:
        return {}
    rows = await CastBallot.select(CastBallot.ballot, CastBallot.origin, CastBallot.age_band, Count(alias="n")).where(
        CastBallot.ballot.is_in(list(ballot_ids)) & (CastBallot.superseded == False)  # noqa: E712
    ).group_by(CastBallot.ballot, CastBallot.origin, CastBallot.age_band)
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
        by_origin = [TurnoutGroup(g.key, g.label, None if g.count else 0, g.fewer_than_five) for g in by_origin]
        by_age = [TurnoutGroup(g.key, g.label, None if g.count else 0, g.fewer_than_five) for g in by_age]
    return TurnoutView(total, by_origin, by_age)


async def counted_ballots(ballot_id: int, origin: str | None = None) -> list[tuple[list[int], int]]:
    """Every ballot that counts (not superseded; paper ones only once confirmed by a second entry),
    as (ranking of proposal ids, most preferred first; weight). Identical rankings are merged and
    the list is sorted by ranking, so the output carries no casting order. `origin` ("online",
    "code" or "paper") keeps only the ballots that came in that way, for results by origin."""
    where = _counting(ballot_id)
    if origin is not None:
        where = where & (CastBallot.origin == origin)
    rows = await CastBallot.select(CastBallot.ranking).where(where).order_by(CastBallot.id)
    merged = Counter(tuple(_ranking(r["ranking"])) for r in rows)
    return [(list(ranking), weight) for ranking, weight in sorted(merged.items())]


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


async def election_data(ballot_id: int, now: dt.datetime | None = None) -> ElectionData | None:
    ballot = await get_ballot(ballot_id, now)
    if ballot is None:
        return None
    return ElectionData(
        ballot.id, ballot.title, ballot.budget, ballot.max_ranks, ballot.rule, ballot.state == "closed",
        [ElectionCandidate(c.proposal_id, c.title, c.cost) for c in ballot.candidates],
        await counted_ballots(ballot_id),
    )


async def open_ballots_for(neighborhood_id: int | None, now: dt.datetime | None = None) -> list[BallotView]:
    """Open ballots of a neighborhood's fund, and city-wide ones, for the home page."""
    return [b for b in await list_ballots(neighborhood_id, now)
            if b.state == "open" and (b.neighborhood_id is None or b.neighborhood_id == neighborhood_id)]
