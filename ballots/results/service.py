"""Publishing counted results. A publication is immutable; a correction is a new version with a
reason. Publishing takes a snapshot of the anonymous ballots (open data) and of the result."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from ballots import service as ballots_service
from ballots.counting import service as counting
from ballots.counting.schemas import CountView
from ballots.results.open_data import ballot_file
from ballots.results.schemas import PublicationSummary, PublicationView, VersionLine
from ballots.results.tables import ResultPublication
from ballots.tables import Participation
from delivery.service import create_delivery_items
from server.database import write_transaction
from server.prepared import Prepared
from server.small_groups import Cell

MAX_STATEMENT = 5000

class PublishError(Exception):
    """Why a publication was refused; `field` names the form field it concerns."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(code)
        self.field = field
        self.code = code


async def _export_votes(ballot_id: int) -> list[tuple[list[int], str | None]]:
    # Sorted by receipt fingerprint: stable across downloads and unrelated to casting order.
    return [(ranking, fp or None) for ranking, fp in await ballots_service.export_votes(ballot_id)]


async def publish(ballot_id: int, count_run_id: int, statement: str, by: int | None,
                  correction_reason: str = "") -> PublicationView:
    """Publish (version 1) or correct (next version, `correction_reason` required) a ballot's result."""
    statement = statement.strip()
    correction_reason = correction_reason.strip()
    if not statement:
        raise PublishError("statement", "statement_required")
    if len(statement) > MAX_STATEMENT:
        raise PublishError("statement", "statement_too_long")
    if await ballots_service.sheets_waiting(ballot_id):
        # A paper sheet still waiting for its second entry (or in mismatch) would be left out.
        raise PublishError("count_run_id", "sheets_waiting")
    count = await counting.get_count(count_run_id)
    if count is None or count.ballot_id != ballot_id or count.status != "done":
        raise PublishError("count_run_id", "count_not_done")
    if await ballots_service.counting_total(ballot_id) != count.ballots_counted:
        # A sheet confirmed after the close is sealed until the counting job writes it out: the
        # ballots that count are not yet all in the open data. Count again (that writes them out).
        raise PublishError("count_run_id", "count_outdated")
    ballot = await ballots_service.get_ballot(ballot_id)
    assert ballot is not None
    votes = await _export_votes(ballot_id)
    if len(votes) != count.ballots_counted:
        # Ballots changed since this count (a paper sheet confirmed late): count again first.
        raise PublishError("count_run_id", "count_outdated")
    if count.withdrawn:
        # Projects an earlier ballot funded left this count: the open data is the election counted.
        gone = {w.proposal_id for w in count.withdrawn}
        ballot = msgspec.structs.replace(ballot, candidates=[c for c in ballot.candidates if c.proposal_id not in gone])
        votes = [([pid for pid in ranking if pid not in gone], receipt) for ranking, receipt in votes]
    pb_file = ballot_file(ballot, count, votes)
    async with write_transaction():
        latest = await ResultPublication.select(ResultPublication.version).where(
            ResultPublication.ballot == ballot_id).order_by(ResultPublication.version, ascending=False).first()
        version = (latest["version"] + 1) if latest else 1
        if version > 1 and not correction_reason:
            raise PublishError("correction_reason", "reason_required")
        rows = await ResultPublication.insert(ResultPublication(
            ballot=ballot_id, count_run=count_run_id, version=version, statement=statement,
            correction_reason=correction_reason if version > 1 else "", published_by=by,
            pb_file=pb_file, result_json=msgspec.json.encode(count).decode(),
        )).returning(ResultPublication.id)
    if version == 1:
        # Every funded project becomes a delivery item, allocated its cost. A correction does not
        # move money by itself: staff adjust delivery items when a correction changes the outcome.
        await create_delivery_items(ballot_id, [(p.proposal_id, p.cost) for p in count.funded])
    view = await get_publication(ballot_id, version)
    assert view is not None and view.id == rows[0]["id"]
    return view


def _view(row: dict[str, object]) -> PublicationView:
    return PublicationView(
        id=int(row["id"]), ballot_id=int(row["ballot"]), version=int(row["version"]),  # type: ignore[call-overload]
        statement=str(row["statement"]), correction_reason=str(row["correction_reason"]),
        published_by=str(row.get("published_by_name") or ""), published_at=row["published_at"],  # type: ignore[arg-type]
        count=msgspec.json.decode(str(row["result_json"]), type=CountView),
    )


_COLUMNS = (ResultPublication.id, ResultPublication.ballot, ResultPublication.version, ResultPublication.statement,
            ResultPublication.correction_reason, ResultPublication.published_at, ResultPublication.result_json,
            ResultPublication.published_by.display_name.as_alias("published_by_name"))


def _versions(ballot_id: int) -> Any:
    return ResultPublication.select(*_COLUMNS).where(ResultPublication.ballot == ballot_id).order_by(
        ResultPublication.version, ascending=False)


# A results page reads both on every request: SQL built once (server/prepared.py, issue 21).
_VERSIONS = Prepared(_versions)
_LATEST = Prepared(lambda ballot_id: _versions(ballot_id).first())


async def publications(ballot_id: int) -> list[PublicationView]:
    """Every version, newest first."""
    return [_view(r) for r in await _VERSIONS(ballot_id)]


async def get_publication(ballot_id: int, version: int | None = None) -> PublicationView | None:
    """A given version, or the latest when `version` is None."""
    if version is None:
        row = await _LATEST(ballot_id)
    else:
        row = await _versions(ballot_id).where(ResultPublication.version == version).first()
    return _view(row) if row else None


async def publication_page(ballot_id: int, version: int | None = None
                           ) -> tuple[PublicationView | None, list[VersionLine]]:
    """A given version (the latest when `version` is None) and the list of every version, newest
    first, from one query: only the version shown has its stored count decoded."""
    rows = await _VERSIONS(ballot_id)
    shown = next((r for r in rows if version is None or r["version"] == version), None)
    return (_view(shown) if shown else None,
            [VersionLine(int(r["version"]), r["published_at"], str(r["correction_reason"])) for r in rows])


async def published_file(ballot_id: int, version: int | None = None) -> str | None:
    query = ResultPublication.select(ResultPublication.pb_file).where(ResultPublication.ballot == ballot_id)
    if version is not None:
        query = query.where(ResultPublication.version == version)
    row = await query.order_by(ResultPublication.version, ascending=False).first()
    return str(row["pb_file"]) if row else None


class FoundBallot(msgspec.Struct, frozen=True):
    fingerprint: str
    voter_id: str | None  # the line's voter_id in the .pb file; None when no line has the fingerprint
    ranking: list[int]


async def find_ballot(ballot_id: int, receipt: str, version: int | None = None) -> FoundBallot | None:
    """Where a receipt's ballot is in the published .pb file: the line whose receipt_fingerprint is
    the receipt's fingerprint (ballots/sealing.py `fingerprint`; a ballot cast before sealing existed
    is listed under its older salted hash). None when the text is not a receipt at all."""
    from ballots import codes, sealing
    from ballots.tally.pabulib import parse

    normalized = codes.normalize(receipt)
    if not codes.looks_valid(normalized, codes.RECEIPT_LENGTH):
        return None
    text = await published_file(ballot_id, version)
    if text is None:
        return None
    wanted = {sealing.fingerprint(ballot_id, normalized)}
    salt = await ballots_service.code_salt(ballot_id)
    if salt:
        wanted.add(codes.digest(salt, normalized))
    pb = parse(text)
    column = pb.vote_header.index("receipt_fingerprint") if "receipt_fingerprint" in pb.vote_header else len(
        pb.vote_header) - 1
    for row in pb.vote_rows:
        if row[column] in wanted:
            return FoundBallot(row[column], row[0], [int(x) for x in row[1].split(",") if x])
    return FoundBallot(sealing.fingerprint(ballot_id, normalized), None, [])


async def recent_publications(limit: int = 50) -> list[PublicationSummary]:
    rows = await ResultPublication.select(
        ResultPublication.ballot, ResultPublication.ballot.title.as_alias("ballot_title"),
        ResultPublication.version, ResultPublication.published_at, ResultPublication.result_json,
        ResultPublication.correction_reason,
    ).order_by(ResultPublication.published_at, ascending=False).limit(limit)
    out = []
    for r in rows:
        count = msgspec.json.decode(r["result_json"], type=CountView)
        out.append(PublicationSummary(r["ballot"], r["ballot_title"], r["version"], r["published_at"],
                                      len(count.funded), count.spent, count.budget, r["correction_reason"] or ""))
    return out


async def is_published(ballot_id: int) -> bool:
    """One cheap query (no result JSON decoded): the count page asks it on every poll while counting."""
    return await ResultPublication.exists().where(ResultPublication.ballot == ballot_id)


_WITH_RESULTS = Prepared(lambda: ResultPublication.select(ResultPublication.ballot).distinct())  # issue 21


async def ballots_with_results() -> list[int]:
    rows = await _WITH_RESULTS()
    return [r["ballot"] for r in rows]


_VOTERS_BY_HOOD = Prepared(lambda ballot_id: Participation.select(
    Participation.account.neighborhood.name.as_alias("hood"), Count(alias="n"),
).where(Participation.ballot == ballot_id).group_by(Participation.account.neighborhood.name))


async def turnout_by_neighborhood(ballot_id: int) -> list[tuple[str, int | None]]:
    """Online voters per neighborhood of their account, with small groups suppressed as everywhere
    (None). Code and paper voters have no neighborhood on record and are counted as one group."""
    return [(cell.key, cell.count) for cell in await turnout_by_neighborhood_cells(ballot_id)]


async def turnout_by_neighborhood_cells(ballot_id: int) -> list[Cell]:
    """`turnout_by_neighborhood` with whether each hidden group itself has fewer than 5 voters.
    With fewer than 5 voters in all, every group is hidden (as the total is)."""
    from server.small_groups import shown_total, suppress

    # Counted in the database, one row per neighborhood rather than one per voter (issue 21).
    counts: Counter[str] = Counter()
    for r in await _VOTERS_BY_HOOD(ballot_id):
        counts[r["hood"] or ""] += r["n"]
    order = sorted(k for k in counts if k) + ([""] if "" in counts else [])
    if shown_total(sum(counts.values())) is None:
        return [Cell(key, None, True) for key in order]
    return suppress(counts, order)
