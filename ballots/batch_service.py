"""Access code batches: issuing (with an age window and a partner), the two-person rule after voting
opens, voiding a lost batch, printing a batch's sheet again, and the public record. A file of its
own beside service.py, which it builds on; the rules are in ballots/batches.py (pure).

Before voting opens council issues a batch at once. Once voting is open, new codes could decide a
close vote, so a batch is first `requested` and gets its codes only when another council member
confirms it; the request, the confirmation and any void are public on the ballot's page and in the
API (`public_record`)."""

from __future__ import annotations

import datetime as dt

import msgspec

from ballots import batches, codes
from ballots.batches import ISSUED, REFUSED, REQUESTED, VOIDED, Misfit, Window
from ballots.schemas import BallotView, BatchSpec, BatchView, PublicCodeEvent
from ballots.service import (
    MAX_CODES_PER_BATCH,
    BallotError,
    CodeMisfit,
    CodeVoided,
    NotOpen,
    SameStaff,
    get_ballot,
)
from ballots.tables import AccessCode, Ballot, CodeBatch
from server import clock
from server.accounts.tables import Account
from server.database import is_unique_violation, write_transaction
from server.secret import secret_key


class BadBatch(BallotError):
    """The batch cannot be issued as asked: `field` names what to change, `problem` why."""

    def __init__(self, field: str, problem: str, misfit: Misfit | None = None) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.misfit = misfit


class BatchGone(BallotError):
    """No such batch in the state the action needs (already confirmed, voided, refused)."""


class Issued(msgspec.Struct, frozen=True):
    batch_id: int
    status: str  # issued (codes below, shown once) or requested (waiting for a second council member)
    codes: list[str]


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or clock.now()


def ballot_window(ballot: BallotView) -> Window:
    return Window(ballot.age_min, ballot.age_max)


async def _check(ballot: BallotView, spec: BatchSpec) -> None:
    if not 1 <= spec.quantity <= MAX_CODES_PER_BATCH:
        raise BadBatch("count", "quantity")
    window = Window(spec.age_min, spec.age_max)
    if (problem := batches.window_problem(window)) is not None:
        raise BadBatch("age_min", problem)
    if (fit := batches.misfit(ballot_window(ballot), window)) is not None:
        raise BadBatch("age_min", "misfit", fit)
    if spec.partner_id is not None and not await Account.exists().where(
            (Account.id == spec.partner_id) & (Account.role == "partner")):
        raise BadBatch("partner", "not_partner")


async def _insert_codes(ballot_id: int, number: int, label: str, count: int) -> list[str]:
    """New single-use codes for a batch, inside the caller's transaction; the plain codes are
    returned and kept only sealed in the batch's sheet."""
    row = await Ballot.select(Ballot.salt).where(Ballot.id == ballot_id).first()
    assert row is not None
    plain = [codes.new_code() for _ in range(count)]
    await AccessCode.insert(*[AccessCode(ballot=ballot_id, code_hash=codes.digest(row["salt"], c), batch=number,
                                         label=label) for c in plain])
    await CodeBatch.update({CodeBatch.sheet: batches.seal_sheet(secret_key(), ballot_id, number, plain)}).where(
        (CodeBatch.ballot == ballot_id) & (CodeBatch.number == number))
    return plain


async def issue_batch(ballot_id: int, spec: BatchSpec, by: int | None, now: dt.datetime | None = None) -> Issued:
    """Issue a batch before voting opens; once it is open, request one (see `confirm_batch`).
    Raises NotOpen (closed, or no such ballot), BadBatch."""
    current = _now(now)
    ballot = await get_ballot(ballot_id, current)
    if ballot is None or ballot.state == "closed":
        raise NotOpen()
    await _check(ballot, spec)
    opened = ballot.state == "open"
    for attempt in range(3):
        try:
            async with write_transaction():
                last = await CodeBatch.select(CodeBatch.number).where(CodeBatch.ballot == ballot_id).order_by(
                    CodeBatch.number, ascending=False).first()
                number = (last["number"] + 1) if last else 1
                rows = await CodeBatch.insert(CodeBatch(
                    ballot=ballot_id, number=number, name=spec.name, quantity=spec.quantity, age_min=spec.age_min,
                    age_max=spec.age_max, partner=spec.partner_id, status=REQUESTED if opened else ISSUED,
                    after_opening=opened, requested_by=by, requested_at=current,
                    issued_at=None if opened else current)).returning(CodeBatch.id)
                plain = [] if opened else await _insert_codes(ballot_id, number, spec.name, spec.quantity)
            return Issued(rows[0]["id"], REQUESTED if opened else ISSUED, plain)
        except Exception as exc:
            # Two batches of one ballot issued at the same moment on PostgreSQL drew the same number.
            if attempt == 2 or not is_unique_violation(exc):
                raise
    raise AssertionError("unreachable")


async def confirm_batch(batch_id: int, by: int, now: dt.datetime | None = None) -> list[str]:
    """A second council member confirms a batch requested while voting is open: its codes are made
    now and returned (shown once; the sheet can be printed again). Raises SameStaff (the requester
    cannot confirm their own request), BatchGone, NotOpen (voting has closed), BadBatch."""
    current = _now(now)
    async with write_transaction():
        row = await CodeBatch.select().where(CodeBatch.id == batch_id).first()
        if row is None or row["status"] != REQUESTED:
            raise BatchGone()
        if row["requested_by"] == by:
            raise SameStaff()
        ballot = await get_ballot(row["ballot"], current)
        if ballot is None or ballot.state == "closed":
            raise NotOpen()
        await _check(ballot, BatchSpec(row["name"], row["quantity"], row["age_min"], row["age_max"], row["partner"]))
        # Conditional on still requested: two confirmations at once cannot both make codes.
        updated = await CodeBatch.update({CodeBatch.status: ISSUED, CodeBatch.confirmed_by: by,
                                          CodeBatch.issued_at: current}).where(
            (CodeBatch.id == batch_id) & (CodeBatch.status == REQUESTED)).returning(CodeBatch.id)
        if not updated:
            raise BatchGone()
        return await _insert_codes(row["ballot"], row["number"], row["name"], row["quantity"])


async def refuse_batch(batch_id: int, by: int, now: dt.datetime | None = None) -> None:
    """Withdraw a request (the requester) or decline it (another council member): no codes are made."""
    async with write_transaction():
        updated = await CodeBatch.update({CodeBatch.status: REFUSED, CodeBatch.voided_by: by,
                                          CodeBatch.voided_at: _now(now)}).where(
            (CodeBatch.id == batch_id) & (CodeBatch.status == REQUESTED)).returning(CodeBatch.id)
    if not updated:
        raise BatchGone()


async def void_batch(batch_id: int, by: int, reason: str, now: dt.datetime | None = None) -> None:
    """A lost or stolen batch: its unused codes stop working at once (code entry and casting read the
    batch's status), its sheet is erased, and the void is public. Used codes keep their ballots."""
    async with write_transaction():
        updated = await CodeBatch.update({
            CodeBatch.status: VOIDED, CodeBatch.voided_by: by, CodeBatch.voided_at: _now(now),
            CodeBatch.void_reason: reason, CodeBatch.sheet: b"",
        }).where((CodeBatch.id == batch_id) & (CodeBatch.status == ISSUED)).returning(CodeBatch.id)
    if not updated:
        raise BatchGone()


_SELECT = (
    "SELECT k.id AS id, k.ballot AS ballot_id, b.title AS ballot_title, b.opens_at AS opens_at, "
    "b.closes_at AS closes_at, b.age_min AS ballot_min, b.age_max AS ballot_max, k.number AS number, "
    "k.name AS name, k.quantity AS quantity, k.age_min AS age_min, k.age_max AS age_max, k.partner AS partner_id, "
    "pa.display_name AS partner_name, k.status AS status, k.after_opening AS after_opening, "
    "k.requested_by AS requested_by_id, ra.display_name AS requested_by, k.requested_at AS requested_at, "
    "ca.display_name AS confirmed_by, k.issued_at AS issued_at, va.display_name AS voided_by, "
    "k.voided_at AS voided_at, k.void_reason AS void_reason, "
    "(SELECT COUNT(*) FROM access_code a JOIN participation p ON p.access_code = a.id "
    " WHERE a.ballot = k.ballot AND a.batch = k.number) AS used "
    "FROM code_batch k JOIN ballot b ON b.id = k.ballot "
    "LEFT JOIN account pa ON pa.id = k.partner LEFT JOIN account ra ON ra.id = k.requested_by "
    "LEFT JOIN account ca ON ca.id = k.confirmed_by LEFT JOIN account va ON va.id = k.voided_by "
)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


def _view(r: dict[str, object], now: dt.datetime) -> BatchView:
    opens_at, closes_at = _aware(r["opens_at"]), _aware(r["closes_at"])  # type: ignore[arg-type]
    assert opens_at is not None and closes_at is not None
    state = "upcoming" if now < opens_at else ("open" if now < closes_at else "closed")
    fits = batches.misfit(Window(r["ballot_min"], r["ballot_max"]),  # type: ignore[arg-type]
                          Window(r["age_min"], r["age_max"])) is None  # type: ignore[arg-type]
    return BatchView(
        id=int(r["id"]), ballot_id=int(r["ballot_id"]), ballot_title=str(r["ballot_title"]),  # type: ignore[call-overload]
        ballot_state=state, number=int(r["number"]), name=str(r["name"] or ""),  # type: ignore[call-overload]
        quantity=int(r["quantity"]), used=int(r["used"] or 0),  # type: ignore[call-overload]
        age_min=r["age_min"], age_max=r["age_max"], partner_id=r["partner_id"],  # type: ignore[arg-type]
        partner_name=str(r["partner_name"] or ""), status=str(r["status"]), after_opening=bool(r["after_opening"]),
        requested_by_id=r["requested_by_id"], requested_by=str(r["requested_by"] or ""),  # type: ignore[arg-type]
        requested_at=_aware(r["requested_at"]),  # type: ignore[arg-type]
        confirmed_by=str(r["confirmed_by"] or ""), issued_at=_aware(r["issued_at"]),  # type: ignore[arg-type]
        voided_by=str(r["voided_by"] or ""), voided_at=_aware(r["voided_at"]),  # type: ignore[arg-type]
        void_reason=str(r["void_reason"] or ""), fits=fits,
    )


async def batches_of(ballot_id: int, now: dt.datetime | None = None) -> list[BatchView]:
    """Every batch of a ballot, for council: counts of codes and of codes used, never which."""
    rows = await CodeBatch.raw(_SELECT + "WHERE k.ballot = {} ORDER BY k.number", ballot_id)
    return [_view(r, _now(now)) for r in rows]


async def partner_batches(partner_id: int, now: dt.datetime | None = None) -> list[BatchView]:
    """The batches assigned to a partner, newest ballot first."""
    rows = await CodeBatch.raw(_SELECT + "WHERE k.partner = {} ORDER BY k.ballot DESC, k.number", partner_id)
    return [_view(r, _now(now)) for r in rows]


async def get_batch(batch_id: int, viewer_id: int, is_council: bool,
                    now: dt.datetime | None = None) -> BatchView | None:
    """A batch as `viewer_id` may see it: council sees every batch, a partner only theirs."""
    rows = await CodeBatch.raw(_SELECT + "WHERE k.id = {}", batch_id)
    if not rows:
        return None
    view = _view(rows[0], _now(now))
    return view if is_council or view.partner_id == viewer_id else None


async def sheet(batch: BatchView) -> list[str] | None:
    """The plain codes of an issued batch to print, while its ballot has not closed (after that the
    codes are worth nothing); None otherwise, or when SECRET_KEY is not the one that sealed them."""
    if batch.status != ISSUED or batch.ballot_state == "closed":
        return None
    row = await CodeBatch.select(CodeBatch.sheet).where(CodeBatch.id == batch.id).first()
    if row is None:
        return None
    return batches.open_sheet(secret_key(), batch.ballot_id, batch.number, row["sheet"])


async def public_records(ballot_ids: list[int]) -> dict[int, list[PublicCodeEvent]]:
    """Per ballot, what anyone may read about its codes: batches issued after voting opened (when,
    how many, which batch and partner) and batches voided (when, why), oldest first."""
    found: dict[int, list[PublicCodeEvent]] = {b: [] for b in ballot_ids}
    if not ballot_ids:
        return found
    rows = await CodeBatch.select(
        CodeBatch.ballot, CodeBatch.number, CodeBatch.name, CodeBatch.quantity, CodeBatch.status,
        CodeBatch.after_opening, CodeBatch.issued_at, CodeBatch.voided_at, CodeBatch.void_reason,
        CodeBatch.partner.display_name.as_alias("partner_name"),
    ).where(CodeBatch.ballot.is_in(list(ballot_ids)) & (
        (CodeBatch.status == VOIDED) | ((CodeBatch.after_opening == True) & CodeBatch.issued_at.is_not_null())  # noqa: E712
    ))
    for r in rows:
        common = {"batch_number": r["number"], "batch_name": r["name"] or "", "quantity": r["quantity"],
                  "partner_name": r["partner_name"] or ""}
        if r["after_opening"] and r["issued_at"] is not None:
            found[r["ballot"]].append(PublicCodeEvent(kind="issued_after_opening", at=_aware(r["issued_at"]),
                                                      **common))  # type: ignore[arg-type]
        if r["status"] == VOIDED and r["voided_at"] is not None:
            found[r["ballot"]].append(PublicCodeEvent(kind="voided", at=_aware(r["voided_at"]),  # type: ignore[arg-type]
                                                      reason=r["void_reason"] or "", **common))
    for events in found.values():
        events.sort(key=lambda e: (e.at, e.batch_number))
    return found


async def public_record(ballot_id: int) -> list[PublicCodeEvent]:
    return (await public_records([ballot_id]))[ballot_id]


async def partners() -> list[dict[str, object]]:
    """Partner accounts council can assign a batch to."""
    return await Account.select(Account.id, Account.display_name).where(Account.role == "partner").order_by(
        Account.display_name)


def code_band(ballot: BallotView, batch_status: str, age_min: int | None, age_max: int | None) -> str:
    """The turnout age band a code votes with, from its batch's window (nobody types a birth year).
    Raises CodeVoided, CodeMisfit."""
    if batch_status == VOIDED:
        raise CodeVoided()
    window = Window(age_min, age_max)
    if (fit := batches.misfit(ballot_window(ballot), window)) is not None:
        raise CodeMisfit(fit)
    return batches.band_of(window)
