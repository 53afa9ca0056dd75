"""Proposal use cases: budget cycles, submitting and editing proposals, supports, follows and
council review. Plain values in, structs out; no web framework here.

Every rule about *when* something may happen comes from proposals/phases.py and today's date, so
phases open and close on their dates without anyone pressing a button.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import operator
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from proposals import phases, supports
from proposals.categories import category_label
from proposals.cycle_checks import cycle_refusal
from proposals.moderation import service as moderation
from proposals.schemas import (
    BallotCandidate,
    CycleInput,
    CycleView,
    Person,
    ProposalDetail,
    ProposalFilters,
    ProposalInput,
    ProposalPage,
    ProposalSummary,
    PublicProposal,
    ReviewInput,
    RevisionView,
    SupportState,
    TimelineEvent,
    is_complete,
)
from proposals.tables import BudgetCycle, CoAuthor, Follow, Proposal, ProposalRevision, ReviewDecision, Support
from proposals.textdiff import Piece, word_diff
from server import clock
from server.accounts.tables import Account
from server.current_user import Viewer, load_viewer
from server.database import is_unique_violation, write_transaction
from server.notifications.kinds import N_, SubjectGuard
from server.notifications.service import notify
from server.prepared import Prepared

PAGE_SIZE = 20
OPEN_STATUSES = ("submitted", "feasible")  # may be supported
REVIEWABLE_STATUSES = ("submitted", "feasible", "not_feasible")

# Declared in proposals/domain.py.
NOTIFICATION_KINDS = {
    "proposal_feasible": N_("“%(subject)s” was found feasible by %(actor)s."),
    "proposal_not_feasible": N_("“%(subject)s” was found not feasible by %(actor)s. Read the reason."),
    "proposal_merged": N_("“%(subject)s” was merged into a similar proposal by %(actor)s."),
    "proposal_withdrawn": N_("“%(subject)s” was withdrawn by %(actor)s."),
    "proposal_co_author": N_("%(actor)s added you as a co-author of “%(subject)s”."),
}


class ProposalError(Exception):
    """Base for refusals a page explains to the person."""


class NotFound(ProposalError):
    pass


class NotAllowed(ProposalError):
    pass


class PhaseClosed(ProposalError):
    def __init__(self, phase: str) -> None:
        super().__init__(phase)
        self.phase = phase


class UnknownCoAuthors(ProposalError):
    def __init__(self, emails: list[str]) -> None:
        super().__init__(", ".join(emails))
        self.emails = emails


class InvalidMerge(ProposalError):
    pass


class InvalidState(ProposalError):
    pass


# ---- cycles ----------------------------------------------------------------------------------

_CYCLE_COLUMNS = (BudgetCycle.id, BudgetCycle.name, *(getattr(BudgetCycle, f) for f in phases.DATE_FIELDS),
                  BudgetCycle.verification_paths)


def _cycle_view(row: dict[str, Any], on: dt.date) -> CycleView:
    return _cycle_view_of(tuple(row.items()), on)


# Every page with cycles works out each one's phase and timeline from its dates and today: the same
# view for the same row on the same day, so it is made once (an immutable struct; keyed on the row's
# values and the date, nothing can go stale).
@functools.lru_cache(maxsize=512)
def _cycle_view_of(items: tuple[tuple[str, Any], ...], on: dt.date) -> CycleView:
    row = dict(items)
    dates = phases.CycleDates.from_mapping(row)
    phase = phases.current_phase(dates, on)
    if phase == phases.UPCOMING:
        ends: dt.date | None = dates.ideas_open - dt.timedelta(days=1)
    elif phase == phases.CLOSED:
        ends = None
    else:
        ends = phases.last_day(dates, phase)
    return CycleView(id=row["id"], name=row["name"], **{f: row[f] for f in phases.DATE_FIELDS}, phase=phase,
                     phase_ends=ends, next_phase=phases.next_phase(phase), steps=tuple(phases.timeline(dates, on)),
                     verification_paths=row["verification_paths"])


# Prepared (server/prepared.py): the SQL of queries on most pages is built once (issue 21).
_ALL_CYCLES = Prepared(lambda: BudgetCycle.select(*_CYCLE_COLUMNS).order_by(BudgetCycle.ideas_open, ascending=False))
_ONE_CYCLE = Prepared(lambda cycle_id: BudgetCycle.select(*_CYCLE_COLUMNS).where(BudgetCycle.id == cycle_id).first())


async def list_cycles(on: dt.date | None = None) -> list[CycleView]:
    rows = await _ALL_CYCLES()
    return [_cycle_view(r, on or clock.today()) for r in rows]


async def get_cycle(cycle_id: int, on: dt.date | None = None) -> CycleView | None:
    row = await _ONE_CYCLE(cycle_id)
    return _cycle_view(row, on or clock.today()) if row else None


def running(cycles: list[CycleView]) -> list[CycleView]:
    """Of `cycles`, those running (not upcoming, not closed), oldest first."""
    return sorted((c for c in cycles if c.phase not in (phases.UPCOMING, phases.CLOSED)), key=lambda c: c.ideas_open)


def accepting_ideas(cycles: list[CycleView]) -> list[CycleView]:
    return [c for c in running(cycles) if phases.can_submit(c.phase)]


async def current_cycles(on: dt.date | None = None) -> list[CycleView]:
    """Cycles that are running (not upcoming, not closed), oldest first."""
    return running(await list_cycles(on))


async def cycles_accepting_ideas(on: dt.date | None = None) -> list[CycleView]:
    return accepting_ideas(await list_cycles(on))


async def create_cycle(data: CycleInput) -> CycleView:
    rows = await BudgetCycle.insert(BudgetCycle(**msgspec.structs.asdict(data))).returning(BudgetCycle.id)
    cycle = await get_cycle(rows[0]["id"])
    assert cycle is not None
    return cycle


async def update_cycle(cycle_id: int, data: CycleInput) -> CycleView:
    """Councils move dates (a phase opens or closes earlier or later) by editing them; dates that
    other domains' records contradict (a ballot's voting days) are refused with their reason."""
    if (reason := await cycle_refusal(cycle_id, data)) is not None:
        raise InvalidState(reason)
    values = msgspec.structs.asdict(data)
    result = await BudgetCycle.update({getattr(BudgetCycle, k): v for k, v in values.items()}).where(
        BudgetCycle.id == cycle_id
    ).returning(BudgetCycle.id)
    if not result:
        raise NotFound()
    cycle = await get_cycle(cycle_id)
    assert cycle is not None
    return cycle


# ---- proposals: writing ----------------------------------------------------------------------

async def _resolve_co_authors(emails: tuple[str, ...], author_id: int) -> list[int]:
    if not emails:
        return []
    rows = await Account.select(Account.id, Account.email).where(Account.email.is_in(list(emails)))
    found = {r["email"]: r["id"] for r in rows}
    unknown = [e for e in emails if e not in found]
    if unknown:
        raise UnknownCoAuthors(unknown)
    return [found[e] for e in emails if found[e] != author_id]


async def _phase_of_cycle(cycle_id: int, on: dt.date | None) -> str:
    cycle = await get_cycle(cycle_id, on)
    if cycle is None:
        raise NotFound()
    return cycle.phase


def _snapshot(data: ProposalInput) -> dict[str, Any]:
    return {"title": data.title, "summary": data.summary, "description": data.description,
            "category": data.category, "estimated_cost": data.estimated_cost, "location": data.location}


async def create_proposal(author_id: int, neighborhood_id: int, cycle_id: int, data: ProposalInput, *,
                          submit: bool, on: dt.date | None = None) -> int:
    """Save a new proposal as a draft, or submit it straight away. Only during idea collection."""
    phase = await _phase_of_cycle(cycle_id, on)
    if not phases.can_submit(phase):
        raise PhaseClosed(phase)
    if submit and not is_complete(data):
        raise InvalidState("incomplete")
    co_author_ids = await _resolve_co_authors(data.co_author_emails, author_id)
    now = clock.now()
    async with write_transaction():
        rows = await Proposal.insert(Proposal(
            cycle=cycle_id, neighborhood=neighborhood_id, author=author_id, status="submitted" if submit else "draft",
            submitted_at=now if submit else None, created_at=now, updated_at=now, **_snapshot(data),
        )).returning(Proposal.id)
        proposal_id = rows[0]["id"]
        await ProposalRevision.insert(ProposalRevision(
            proposal=proposal_id, editor=author_id, kind="submitted" if submit else "created", created_at=now,
            **_snapshot(data)))
        await _set_co_authors(proposal_id, co_author_ids)
        await _add_follows(proposal_id, [author_id, *co_author_ids])
    await _notify_new_co_authors(proposal_id, co_author_ids, author_id, data.title)
    return proposal_id


async def _set_co_authors(proposal_id: int, account_ids: list[int]) -> list[int]:
    """Replace the co-authors; returns the ones newly added."""
    existing = {r["account"] for r in await CoAuthor.select(CoAuthor.account).where(CoAuthor.proposal == proposal_id)}
    wanted = set(account_ids)
    if gone := existing - wanted:
        await CoAuthor.delete().where((CoAuthor.proposal == proposal_id) & CoAuthor.account.is_in(list(gone)))
    added = [a for a in account_ids if a not in existing]
    if added:
        await CoAuthor.insert(*[CoAuthor(proposal=proposal_id, account=a) for a in added])
    return added


async def _add_follows(proposal_id: int, account_ids: list[int]) -> None:
    for account_id in dict.fromkeys(account_ids):
        await Proposal.raw(
            "INSERT INTO follow (proposal, account, created_at) SELECT {}, {}, {} WHERE NOT EXISTS "
            "(SELECT 1 FROM follow WHERE proposal = {} AND account = {})",
            proposal_id, account_id, clock.now(), proposal_id, account_id,
        )


async def _notify_new_co_authors(proposal_id: int, account_ids: list[int], actor_id: int, title: str) -> None:
    if not account_ids:
        return
    actor = await Account.select(Account.display_name).where(Account.id == actor_id).first()
    await notify(account_ids, "proposal_co_author", subject=title, actor=actor["display_name"] if actor else "",
                 url=f"/proposals/{proposal_id}", exclude=actor_id)


async def editor_ids(proposal_id: int) -> set[int]:
    row = await Proposal.select(Proposal.author).where(Proposal.id == proposal_id).first()
    if row is None:
        return set()
    co = await CoAuthor.select(CoAuthor.account).where(CoAuthor.proposal == proposal_id)
    return {row["author"], *(r["account"] for r in co)}


async def update_proposal(proposal_id: int, editor_id: int, data: ProposalInput, *, submit: bool = False,
                          on: dt.date | None = None) -> None:
    """Authors and co-authors edit until idea collection closes; every save is kept as a revision.
    Only the author changes the co-author list (a co-author's save leaves it as it is)."""
    row = await Proposal.select(Proposal.cycle, Proposal.author, Proposal.status).where(
        Proposal.id == proposal_id).first()
    if row is None:
        raise NotFound()
    if editor_id not in await editor_ids(proposal_id):
        raise NotAllowed()
    phase = await _phase_of_cycle(row["cycle"], on)
    if not phases.can_edit(phase):
        raise PhaseClosed(phase)
    if row["status"] not in ("draft", "submitted"):
        raise InvalidState(row["status"])
    if (submit or row["status"] != "draft") and not is_complete(data):
        raise InvalidState("incomplete")
    is_author = editor_id == row["author"]
    co_author_ids = await _resolve_co_authors(data.co_author_emails, row["author"]) if is_author else None
    submitting = submit and row["status"] == "draft"
    now = clock.now()
    values: dict[Any, Any] = {getattr(Proposal, k): v for k, v in _snapshot(data).items()}
    values[Proposal.updated_at] = now
    if submitting:
        values[Proposal.status] = "submitted"
        values[Proposal.submitted_at] = now
    added: list[int] = []
    async with write_transaction():
        await Proposal.update(values).where(Proposal.id == proposal_id)
        await ProposalRevision.insert(ProposalRevision(
            proposal=proposal_id, editor=editor_id, kind="submitted" if submitting else "edited", created_at=now,
            **_snapshot(data)))
        if co_author_ids is not None:
            added = await _set_co_authors(proposal_id, co_author_ids)
            await _add_follows(proposal_id, added)
    await _notify_new_co_authors(proposal_id, added, editor_id, data.title)


# ---- who may see a proposal: the one rule every read path goes through ------------------------

FULL, PLACEHOLDER = "full", "placeholder"
# Who reads: a signed-in person (Viewer), an account id (someone with no moderating role), or None
# (anonymous: the public pages, feeds and the open data API).
Reader = Viewer | int | None


def proposal_access(status: str, *, hidden: bool, is_editor: bool, is_moderator: bool) -> str | None:
    """What a reader may see of one proposal: FULL, PLACEHOLDER (its page says that it is hidden and
    shows none of its words) or None (as if it did not exist).

    - Its author and co-authors see all of it, always: a draft, hidden or not.
    - A draft is private to them: nobody else, moderators and council staff included.
    - Hidden by a moderator, or pending review after reports: moderators (council staff moderate
      too) read it; everyone else gets the placeholder on its own page, and nothing of it anywhere
      else (lists, search, threads, report forms, exports, the API, notifications and emails).
    - Any other status (submitted, feasible, not feasible, merged, withdrawn) is public."""
    if is_editor:
        return FULL
    if status == "draft":
        return None
    if hidden:
        return FULL if is_moderator else PLACEHOLDER
    return FULL


def _reader(viewer: Reader) -> tuple[int | None, bool]:
    if isinstance(viewer, Viewer):
        return viewer.id, viewer.is_moderator
    return viewer, False


# Every list a signed-in reader sees asks (listed_clause): SQL built once (server/prepared.py, issue 21).
_CO_AUTHORED = Prepared(lambda account_id: CoAuthor.select(CoAuthor.proposal).where(CoAuthor.account == account_id))


async def _co_authored(viewer_id: int | None, ids: list[int] | None = None) -> set[int]:
    if viewer_id is None:
        return set()
    if ids is None:
        return {r["proposal"] for r in await _CO_AUTHORED(viewer_id)}
    where = (CoAuthor.account == viewer_id) & CoAuthor.proposal.is_in(ids)
    return {r["proposal"] for r in await CoAuthor.select(CoAuthor.proposal).where(where)}


async def access_map(ids: list[int] | set[int], viewer: Reader) -> dict[int, str]:
    """proposal_access for each of `ids` in three queries; ids the reader may not see at all (or
    that do not exist) are left out."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    viewer_id, moderator = _reader(viewer)
    rows = await Proposal.select(Proposal.id, Proposal.status, Proposal.author).where(Proposal.id.is_in(ids))
    co = await _co_authored(viewer_id, ids)
    hidden = await moderation.hidden_map("proposal", ids)
    out: dict[int, str] = {}
    for r in rows:
        access = proposal_access(r["status"], hidden=r["id"] in hidden, is_moderator=moderator,
                                 is_editor=viewer_id is not None and (r["author"] == viewer_id or r["id"] in co))
        if access is not None:
            out[r["id"]] = access
    return out


async def readable_ids(ids: list[int] | set[int], viewer: Reader) -> set[int]:
    """The ones whose words the reader may see (for threads, report forms and notifications)."""
    return {i for i, access in (await access_map(ids, viewer)).items() if access == FULL}


async def _listed_values(viewer: Reader) -> tuple[list[int], int | None, list[int]]:
    """What the rule below depends on: the hidden proposals (none for moderators), who reads, and
    what they co-author."""
    viewer_id, moderator = _reader(viewer)
    hidden = [] if moderator else sorted(await moderation.hidden_ids("proposal"))
    co = sorted(await _co_authored(viewer_id)) if viewer_id is not None else []
    return hidden, viewer_id, co


def _listed_where(hidden: Any, viewer_id: Any, co: Any) -> Any:
    """The rule as a WHERE clause, from _listed_values (or from server/prepared.py's markers)."""
    clause = Proposal.status != "draft"
    if hidden:
        clause = clause & Proposal.id.not_in(hidden)
    if viewer_id is None:
        return clause
    clause = clause | (Proposal.author == viewer_id)
    if co:
        clause = clause | Proposal.id.is_in(co)
    return clause


async def listed_clause(viewer: Reader) -> Any:
    """The rule as a WHERE clause, for lists, search and the API: the proposals shown in full."""
    return _listed_where(*await _listed_values(viewer))


async def _notification_guard(ids: list[int], recipient_id: int) -> set[int]:
    return await readable_ids(ids, await load_viewer(recipient_id))


# Notifications name proposals by title: once one is hidden, they stop naming it to those who may not read it
# (declared in proposals/domain.py).
SUBJECT_GUARDS = [SubjectGuard(r"/proposals/(\d+)(?:$|[/#?])", _notification_guard, N_("Hidden proposal"))]


# Before voting an author may withdraw; in the review phase only what cannot already be on a ballot
# being prepared (ballots take feasible proposals).
_WITHDRAWABLE: dict[str, frozenset[str]] = {
    phases.IDEAS: frozenset({"submitted", "feasible", "not_feasible"}),
    phases.DELIBERATION: frozenset({"submitted", "feasible", "not_feasible"}),
    phases.REVIEW: frozenset({"submitted", "not_feasible"}),
}


def can_withdraw(phase: str, status: str) -> bool:
    return status in _WITHDRAWABLE.get(phase, frozenset())


async def withdraw_proposal(proposal_id: int, author_id: int, on: dt.date | None = None) -> None:
    """The author takes a submitted proposal back: it stays public, marked withdrawn, and leaves the
    review queue and any ballot to come. Followers are told."""
    row = await Proposal.select(*Proposal.all_columns()).where(Proposal.id == proposal_id).first()
    if row is None:
        raise NotFound()
    if row["author"] != author_id:
        raise NotAllowed()
    phase = await _phase_of_cycle(row["cycle"], on)
    if not can_withdraw(phase, row["status"]):
        raise InvalidState(row["status"])
    now = clock.now()
    async with write_transaction():
        await Proposal.update({Proposal.status: "withdrawn", Proposal.ballot_eligible: False,
                               Proposal.updated_at: now}).where(Proposal.id == proposal_id)
        await ProposalRevision.insert(ProposalRevision(
            proposal=proposal_id, editor=author_id, kind="withdrawn", created_at=now,
            **{k: row[k] for k in ("title", "summary", "description", "category", "estimated_cost", "location")}))
    actor = await Account.select(Account.display_name).where(Account.id == author_id).first()
    await notify(await follower_ids(proposal_id), "proposal_withdrawn", subject=row["title"],
                 actor=actor["display_name"] if actor else "", url=f"/proposals/{proposal_id}", exclude=author_id)


async def delete_draft(proposal_id: int, author_id: int) -> None:
    """A draft was never public: its author deletes it with everything attached to it."""
    row = await Proposal.select(Proposal.author, Proposal.status).where(Proposal.id == proposal_id).first()
    if row is None:
        raise NotFound()
    if row["author"] != author_id:
        raise NotAllowed()
    if row["status"] != "draft":
        raise InvalidState(row["status"])
    async with write_transaction():
        for table in (CoAuthor, ProposalRevision, Follow, Support):
            await table.delete().where(table.proposal == proposal_id)
        await Proposal.delete().where(Proposal.id == proposal_id)


# ---- proposals: reading ----------------------------------------------------------------------

_SUMMARY_COLUMNS = (
    Proposal.id, Proposal.title, Proposal.summary, Proposal.category, Proposal.status, Proposal.estimated_cost,
    Proposal.final_cost, Proposal.ballot_eligible, Proposal.support_count,
    Proposal.neighborhood.as_alias("neighborhood_id"), Proposal.neighborhood.name.as_alias("neighborhood_name"),
    Proposal.cycle.as_alias("cycle_id"), Proposal.cycle.name.as_alias("cycle_name"),
    Proposal.author.display_name.as_alias("author_name"), Proposal.created_at, Proposal.submitted_at,
)


def _search_query(hidden: Any, viewer_id: Any, co: Any, pattern: Any, neighborhood: Any, category: Any,
                  status: Any, cycle: Any, sort: str, page: int) -> Any:
    """The list's query; a value of None leaves its clause out."""
    clauses = [_listed_where(hidden, viewer_id, co)]
    if pattern is not None:
        clauses.append(Proposal.title.ilike(pattern) | Proposal.summary.ilike(pattern)
                       | Proposal.description.ilike(pattern))
    if neighborhood is not None:
        clauses.append(Proposal.neighborhood == neighborhood)
    if category is not None:
        clauses.append(Proposal.category == category)
    if status is not None:
        clauses.append(Proposal.status == status)
    if cycle is not None:
        clauses.append(Proposal.cycle == cycle)
    query = Proposal.select(*_SUMMARY_COLUMNS).where(functools.reduce(operator.and_, clauses))
    if sort == "supported":
        query = query.order_by(Proposal.support_count, ascending=False)
    elif sort == "cost":
        query = query.order_by(Proposal.estimated_cost)
    query = query.order_by(Proposal.id, ascending=False)
    return query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)


# Building the list's query (three joins, up to eight clauses) was a quarter of /proposals' CPU
# (issue 21), so its SQL is built once per shape: which filters are given, the sort and the page (the
# offset is written into the SQL), and the engine. Only the first pages, and a bounded number of
# shapes, are kept.
_SEARCHES: dict[tuple[Any, ...], Prepared] = {}
_SEARCH_SHAPES = 256
_SEARCH_PAGES = 10


def _prepared_search(present: tuple[bool, ...], sort: str, page: int) -> Prepared:
    def build(*given: Any) -> Any:
        values = iter(given)
        return _search_query(*(next(values) if p else None for p in present), sort, page)

    # Prepared reads the number of values from the signature: one per filter given.
    build.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(f"v{i}", inspect.Parameter.POSITIONAL_ONLY) for i in range(sum(present))])
    return Prepared(build)


async def search_proposals(filters: ProposalFilters, viewer: Reader) -> ProposalPage:
    """Search and filter the list page. Text search is a case-insensitive LIKE over title, summary
    and description on both engines (SQLite's LIKE folds ASCII case only): enough at a city's
    scale, and the same results on SQLite and PostgreSQL. Only what the reader may see in full."""
    hidden, viewer_id, co = await _listed_values(viewer)
    page = max(1, filters.page)
    values = (hidden or None, viewer_id, co or None, f"%{filters.q}%" if filters.q else None,
              filters.neighborhood or None, filters.category or None, filters.status or None, filters.cycle or None)
    present = tuple(v is not None for v in values)
    # Per engine too: Piccolo picks ILIKE or LIKE when it builds the query, not when it compiles it.
    key = (Proposal._meta.db.engine_type, present, filters.sort, page)
    prepared = _SEARCHES.get(key)
    if prepared is None and page <= _SEARCH_PAGES and len(_SEARCHES) < _SEARCH_SHAPES:
        prepared = _SEARCHES[key] = _prepared_search(present, filters.sort, page)
    if prepared is not None:
        rows = await prepared(*(v for v in values if v is not None))
    else:
        rows = await _search_query(*values, filters.sort, page)
    return ProposalPage(items=msgspec.convert(rows[:PAGE_SIZE], list[ProposalSummary]), page=page,
                        has_more=len(rows) > PAGE_SIZE)


async def get_proposal(proposal_id: int, viewer: Reader, on: dt.date | None = None) -> ProposalDetail | None:
    """The proposal as `viewer` may see it (proposal_access): None when it does not exist or the
    reader may not know of it; `readable=False`, with its words left out, when it is hidden."""
    row = await Proposal.select(
        *Proposal.all_columns(exclude=[Proposal.neighborhood, Proposal.cycle, Proposal.author, Proposal.merged_into]),
        Proposal.neighborhood.as_alias("neighborhood_id"), Proposal.neighborhood.name.as_alias("neighborhood_name"),
        Proposal.cycle.as_alias("cycle_id"), Proposal.author.as_alias("author_id"),
        Proposal.author.display_name.as_alias("author_name"), Proposal.merged_into.as_alias("merged_into_id"),
        Proposal.merged_into.title.as_alias("merged_into_title"),
    ).where(Proposal.id == proposal_id).first()
    if row is None:
        return None
    co = await CoAuthor.select(CoAuthor.account.as_alias("id"), CoAuthor.account.display_name.as_alias("display_name"),
                               CoAuthor.account.email.as_alias("email")).where(
        CoAuthor.proposal == proposal_id).order_by(CoAuthor.id)
    co_authors = [Person(**r) for r in co]
    viewer_id, moderator = _reader(viewer)
    hidden = await moderation.is_hidden("proposal", proposal_id) is not None
    access = proposal_access(row["status"], hidden=hidden, is_moderator=moderator,
                             is_editor=viewer_id is not None and viewer_id in {row["author_id"],
                                                                               *(p.id for p in co_authors)})
    if access is None:
        return None
    readable = access == FULL
    cycle = await get_cycle(row["cycle_id"], on)
    assert cycle is not None
    merged = await Proposal.select(Proposal.id, Proposal.title).where(
        Proposal.merged_into == proposal_id).order_by(Proposal.id)
    # Titles of the proposals around it follow their own rule.
    shown = await readable_ids([r["id"] for r in merged] + ([row["merged_into_id"]] if row["merged_into_id"] else []),
                               viewer) if readable else set()
    merged_from = [(r["id"], r["title"]) for r in merged if r["id"] in shown]
    if not readable:
        row |= {"title": "", "summary": "", "description": "", "location": ""}
    return ProposalDetail(
        id=row["id"], title=row["title"], summary=row["summary"], description=row["description"],
        category=row["category"], location=row["location"], status=row["status"], readable=readable,
        estimated_cost=row["estimated_cost"], final_cost=row["final_cost"], ballot_eligible=row["ballot_eligible"],
        support_count=row["support_count"], neighborhood_id=row["neighborhood_id"],
        neighborhood_name=row["neighborhood_name"], cycle=cycle,
        author=Person(row["author_id"], row["author_name"]), co_authors=co_authors,
        merged_into_id=row["merged_into_id"],
        merged_into_title=(row["merged_into_title"] or "") if row["merged_into_id"] in shown else "",
        merged_from=merged_from, created_at=row["created_at"], submitted_at=row["submitted_at"],
        updated_at=row["updated_at"],
    )


_DIFF_FIELDS = ("title", "summary", "description", "category", "estimated_cost", "location")


def _field_text(field: str, row: dict[str, Any]) -> str:
    if field == "category":
        return category_label(row["category"])
    return str(row[field] or "")


async def revisions(proposal_id: int) -> list[RevisionView]:
    """Every saved version, newest first, each with what changed since the one before."""
    rows = await ProposalRevision.select(
        *ProposalRevision.all_columns(exclude=[ProposalRevision.editor]),
        ProposalRevision.editor.display_name.as_alias("editor_name"),
    ).where(ProposalRevision.proposal == proposal_id).order_by(ProposalRevision.id)
    views: list[RevisionView] = []
    previous: dict[str, Any] | None = None
    for number, row in enumerate(rows, start=1):
        changes: list[tuple[str, list[object]]] = []
        for field in _DIFF_FIELDS:
            new = _field_text(field, row)
            if previous is None:
                if new:
                    changes.append((field, [Piece("same", new)]))
                continue
            old = _field_text(field, previous)
            if old != new:
                changes.append((field, list(word_diff(old, new))))
        views.append(RevisionView(number=number, kind=row["kind"], editor=row["editor_name"],
                                  created_at=row["created_at"], changes=changes))
        previous = row
    return list(reversed(views))


async def timeline(proposal_id: int, viewer: Reader = None) -> list[TimelineEvent]:
    """The public history: saves (created, submitted, edited) and council decisions, oldest first.
    A merge names the proposal it joined only to readers who may read that one."""
    events: list[TimelineEvent] = []
    for r in await ProposalRevision.select(ProposalRevision.kind, ProposalRevision.created_at,
                                           ProposalRevision.editor.display_name.as_alias("actor")).where(
            ProposalRevision.proposal == proposal_id).order_by(ProposalRevision.id):
        events.append(TimelineEvent(kind=r["kind"], at=r["created_at"], actor=r["actor"]))
    for r in await ReviewDecision.select(
            *ReviewDecision.all_columns(exclude=[ReviewDecision.reviewer, ReviewDecision.merged_into]),
            ReviewDecision.reviewer.display_name.as_alias("actor"),
            ReviewDecision.merged_into.as_alias("merged_into_id"),
            ReviewDecision.merged_into.title.as_alias("merged_into_title")).where(
            ReviewDecision.proposal == proposal_id).order_by(ReviewDecision.id):
        events.append(TimelineEvent(kind=r["decision"], at=r["created_at"], actor=r["actor"], reason=r["reason"],
                                    final_cost=r["final_cost"], ballot_eligible=r["ballot_eligible"],
                                    merged_into_id=r["merged_into_id"],
                                    merged_into_title=r["merged_into_title"] or ""))
    targets = {e.merged_into_id for e in events if e.merged_into_id}
    if targets:
        shown = await readable_ids(targets, viewer)
        events = [msgspec.structs.replace(e, merged_into_title="") if e.merged_into_id and e.merged_into_id not in shown
                  else e for e in events]
    return sorted(events, key=lambda e: e.at)


# ---- supports and follows --------------------------------------------------------------------

async def _lock_proposal(proposal_id: int) -> None:
    # A no-op update takes the row lock on PostgreSQL, so support changes to one proposal run one
    # after another and each recount sees the others' committed rows. (SQLite's IMMEDIATE
    # transaction already serialises writers.)
    await Proposal.raw("UPDATE proposal SET support_count = support_count WHERE id = {}", proposal_id)


async def _recount(proposal_id: int) -> None:
    await Proposal.raw(
        "UPDATE proposal SET support_count = (SELECT COUNT(*) FROM support WHERE support.proposal = {}) "
        "WHERE id = {}", proposal_id, proposal_id)


async def support_state(proposal_id: int, account_id: int | None) -> SupportState:
    row = await Proposal.select(Proposal.support_count).where(Proposal.id == proposal_id).first()
    if row is None:
        raise NotFound()
    supported = bool(account_id) and await Support.exists().where(
        (Support.proposal == proposal_id) & (Support.account == account_id))
    return SupportState(proposal_id, row["support_count"], bool(supported), changed=False)


async def _check_supportable(proposal_id: int, on: dt.date | None) -> None:
    row = await Proposal.select(Proposal.cycle, Proposal.status).where(Proposal.id == proposal_id).first()
    if row is None or row["status"] == "draft":
        raise NotFound()
    phase = await _phase_of_cycle(row["cycle"], on)
    if not phases.can_support(phase):
        raise PhaseClosed(phase)
    if row["status"] not in OPEN_STATUSES:
        raise InvalidState(row["status"])


class NotSupportable(ProposalError):
    """This person may not support this proposal (their own, or another neighborhood's)."""

    def __init__(self, refusal: supports.SupportRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


async def support_refusal(proposal_id: int, account_id: int) -> supports.SupportRefusal | None:
    """Why this account may not support this proposal (proposals/supports.py), or None."""
    row = await Proposal.select(Proposal.neighborhood, Proposal.author).where(Proposal.id == proposal_id).first()
    account = await Account.select(Account.neighborhood).where(Account.id == account_id).first()
    if row is None or account is None:
        raise NotFound()
    authors = {row["author"], *[r["account"] for r in await CoAuthor.select(CoAuthor.account).where(
        CoAuthor.proposal == proposal_id)]}
    return supports.support_refusal(row["neighborhood"], authors, account_id, account["neighborhood"])


async def support(proposal_id: int, account_id: int, on: dt.date | None = None) -> SupportState:
    """Support once; a second call (a double click, two tabs at once) changes nothing. Raises
    NotSupportable for the proposal's authors and for residents of other neighborhoods."""
    await _check_supportable(proposal_id, on)
    if (refusal := await support_refusal(proposal_id, account_id)) is not None:
        raise NotSupportable(refusal)
    added = False
    try:
        async with write_transaction():
            await _lock_proposal(proposal_id)
            if not await Support.exists().where((Support.proposal == proposal_id) & (Support.account == account_id)):
                await Support.insert(Support(proposal=proposal_id, account=account_id))
                added = True
                await _recount(proposal_id)
    except Exception as exc:  # the unique index caught a race the lock did not (belt and braces)
        if not is_unique_violation(exc):
            raise
        added = False
    state = await support_state(proposal_id, account_id)
    return SupportState(proposal_id, state.count, True, changed=added)


async def withdraw_support(proposal_id: int, account_id: int, on: dt.date | None = None) -> SupportState:
    await _check_supportable(proposal_id, on)
    async with write_transaction():
        await _lock_proposal(proposal_id)
        removed = await Support.delete().where(
            (Support.proposal == proposal_id) & (Support.account == account_id)).returning(Support.id)
        if removed:
            await _recount(proposal_id)
    state = await support_state(proposal_id, account_id)
    return SupportState(proposal_id, state.count, False, changed=bool(removed))


async def is_following(proposal_id: int, account_id: int | None) -> bool:
    if not account_id:
        return False
    return await Follow.exists().where((Follow.proposal == proposal_id) & (Follow.account == account_id))


async def follow(proposal_id: int, account_id: int) -> None:
    if not await Proposal.exists().where((Proposal.id == proposal_id) & (Proposal.status != "draft")):
        raise NotFound()
    try:
        await _add_follows(proposal_id, [account_id])
    except Exception as exc:
        if not is_unique_violation(exc):
            raise


async def unfollow(proposal_id: int, account_id: int) -> None:
    await Follow.delete().where((Follow.proposal == proposal_id) & (Follow.account == account_id))


async def follower_ids(proposal_id: int) -> list[int]:
    return [r["account"] for r in await Follow.select(Follow.account).where(Follow.proposal == proposal_id)]


async def supporter_count(proposal_id: int) -> int:
    return await Support.count().where(Support.proposal == proposal_id)


# ---- council review --------------------------------------------------------------------------

async def review(proposal_id: int, reviewer_id: int, data: ReviewInput, on: dt.date | None = None) -> None:
    """Record a council decision, apply it to the proposal and tell its followers.

    A merge moves the proposal's supporters and followers to the one it joins; anyone who
    supported both still counts once (NOT EXISTS plus the unique index)."""
    reviewer = await Account.select(Account.role, Account.display_name).where(Account.id == reviewer_id).first()
    if reviewer is None or reviewer["role"] != "council":
        raise NotAllowed()
    row = await Proposal.select(Proposal.cycle, Proposal.neighborhood, Proposal.status, Proposal.title).where(
        Proposal.id == proposal_id).first()
    if row is None:
        raise NotFound()
    phase = await _phase_of_cycle(row["cycle"], on)
    if not phases.can_review(phase):
        raise PhaseClosed(phase)
    if row["status"] not in REVIEWABLE_STATUSES:
        raise InvalidState(row["status"])
    if data.decision == "not_feasible" and not data.reason.strip():
        raise InvalidState("reason required")
    if data.decision == "feasible" and data.final_cost is None:
        raise InvalidState("final cost required")
    target = None
    if data.decision == "merged":
        target = await Proposal.select(Proposal.id, Proposal.cycle, Proposal.neighborhood, Proposal.status).where(
            Proposal.id == (data.merge_into or 0)).first()
        if (target is None or target["id"] == proposal_id or target["cycle"] != row["cycle"]
                or target["neighborhood"] != row["neighborhood"] or target["status"] not in OPEN_STATUSES):
            raise InvalidMerge()
    now = clock.now()
    async with write_transaction():
        await ReviewDecision.insert(ReviewDecision(
            proposal=proposal_id, reviewer=reviewer_id, decision=data.decision, reason=data.reason.strip(),
            final_cost=data.final_cost, ballot_eligible=data.ballot_eligible, merged_into=data.merge_into,
            created_at=now))
        values: dict[Any, Any] = {Proposal.status: data.decision, Proposal.updated_at: now}
        if data.decision == "feasible":
            values |= {Proposal.final_cost: data.final_cost, Proposal.ballot_eligible: data.ballot_eligible,
                       Proposal.merged_into: None}
        elif data.decision == "not_feasible":
            values |= {Proposal.final_cost: None, Proposal.ballot_eligible: False, Proposal.merged_into: None}
        else:
            assert target is not None
            values |= {Proposal.ballot_eligible: False, Proposal.merged_into: target["id"]}
            for pid in sorted((proposal_id, target["id"])):
                await _lock_proposal(pid)
            await Proposal.raw(
                "INSERT INTO support (proposal, account, created_at) SELECT {}, s.account, s.created_at "
                "FROM support s WHERE s.proposal = {} AND NOT EXISTS "
                "(SELECT 1 FROM support t WHERE t.proposal = {} AND t.account = s.account)",
                target["id"], proposal_id, target["id"])
            await Proposal.raw(
                "INSERT INTO follow (proposal, account, created_at) SELECT {}, f.account, f.created_at "
                "FROM follow f WHERE f.proposal = {} AND NOT EXISTS "
                "(SELECT 1 FROM follow t WHERE t.proposal = {} AND t.account = f.account)",
                target["id"], proposal_id, target["id"])
            await _recount(target["id"])
        await Proposal.update(values).where(Proposal.id == proposal_id)
    await notify(await follower_ids(proposal_id), f"proposal_{data.decision}", subject=row["title"],
                 actor=reviewer["display_name"], url=f"/proposals/{proposal_id}", exclude=reviewer_id)


async def review_queue(neighborhood_id: int | None = None, state: str = "", cycle_id: int | None = None,
                       on: dt.date | None = None) -> list[ProposalSummary]:
    """Submitted proposals and the decisions made so far, for council staff. `state` is a status
    (submitted = waiting for a decision); empty means every non-draft proposal."""
    clauses = [Proposal.status != "draft"]
    if neighborhood_id:
        clauses.append(Proposal.neighborhood == neighborhood_id)
    if state:
        clauses.append(Proposal.status == state)
    if cycle_id:
        clauses.append(Proposal.cycle == cycle_id)
    rows = await Proposal.select(*_SUMMARY_COLUMNS).where(functools.reduce(operator.and_, clauses)).order_by(
        Proposal.submitted_at).order_by(Proposal.id)
    return msgspec.convert(rows, list[ProposalSummary])


# ---- for other domains (ballots), the read side (transparency) and the home page ---------------

# What anyone may see of proposals: everything but drafts, which only their authors see.
PUBLIC_STATUSES = ("submitted", "feasible", "not_feasible", "merged", "withdrawn")
_PUBLIC_COLUMNS = (
    Proposal.id, Proposal.cycle.as_alias("cycle_id"), Proposal.neighborhood.as_alias("neighborhood_id"),
    Proposal.neighborhood.name.as_alias("neighborhood_name"), Proposal.title, Proposal.summary, Proposal.category,
    Proposal.status, Proposal.estimated_cost, Proposal.final_cost, Proposal.ballot_eligible, Proposal.support_count,
    Proposal.author.display_name.as_alias("author_name"), Proposal.submitted_at,
)


async def public_proposals(*, cycle_id: int | None = None, status: str | None = None, limit: int = 50,
                           offset: int = 0) -> tuple[list[PublicProposal], int]:
    """Public proposals by id, a page of them and how many there are in all. Drafts and hidden
    proposals are left out by the proposals' own rule (listed_clause), as on the list page."""
    where = Proposal.status.is_in(list(PUBLIC_STATUSES)) & await listed_clause(None)
    if cycle_id is not None:
        where = where & (Proposal.cycle == cycle_id)
    if status:
        where = where & (Proposal.status == status)
    total = await Proposal.count().where(where)
    rows = await Proposal.select(*_PUBLIC_COLUMNS).where(where).order_by(Proposal.id).limit(limit).offset(offset)
    return msgspec.convert(rows, list[PublicProposal]), total


async def public_proposal(proposal_id: int) -> PublicProposal | None:
    """One proposal anyone may read (proposal_access), or None."""
    if not await readable_ids([proposal_id], None):
        return None
    row = await Proposal.select(*_PUBLIC_COLUMNS, Proposal.description, Proposal.location).where(
        (Proposal.id == proposal_id) & Proposal.status.is_in(list(PUBLIC_STATUSES))).first()
    return msgspec.convert(row, PublicProposal) if row else None


async def ballot_candidates(cycle_id: int, neighborhood_id: int | None) -> list[BallotCandidate]:
    """What a ballot may offer, the one definition ballots use: the proposals of a cycle found
    feasible in review and marked ballot-eligible, in one neighborhood (None: every neighborhood, for
    a city-wide fund), at their final cost (the estimate where review set none), by title."""
    where = (Proposal.cycle == cycle_id) & (Proposal.status == "feasible") & (Proposal.ballot_eligible == True)  # noqa: E712
    if neighborhood_id is not None:
        where = where & (Proposal.neighborhood == neighborhood_id)
    rows = await Proposal.select(
        Proposal.id, Proposal.title, Proposal.summary, Proposal.category, Proposal.final_cost,
        Proposal.estimated_cost, Proposal.support_count, Proposal.neighborhood.as_alias("neighborhood_id"),
        Proposal.neighborhood.name.as_alias("neighborhood_name"), Proposal.cycle.as_alias("cycle_id"),
    ).where(where).order_by(Proposal.title).order_by(Proposal.id)
    return [BallotCandidate(
        id=r["id"], title=r["title"], summary=r["summary"], category=r["category"], final_cost=r["final_cost"],
        cost=r["final_cost"] if r["final_cost"] is not None else r["estimated_cost"],
        support_count=r["support_count"], neighborhood_id=r["neighborhood_id"],
        neighborhood_name=r["neighborhood_name"] or "", cycle_id=r["cycle_id"]) for r in rows]


_STATUS_COUNTS = Prepared(lambda cycle_ids: Proposal.select(Proposal.cycle, Proposal.status, Count(alias="n")).where(
    Proposal.cycle.is_in(cycle_ids) & (Proposal.status != "draft")).group_by(Proposal.cycle, Proposal.status))


async def status_counts_by_cycle(cycle_ids: list[int]) -> dict[int, dict[str, int]]:
    """Non-draft proposals of each cycle, by status, in one grouped query whatever the number of cycles."""
    counts: dict[int, dict[str, int]] = {c: {} for c in cycle_ids}
    if not cycle_ids:
        return counts
    for r in await _STATUS_COUNTS(list(cycle_ids)):
        counts[r["cycle"]][r["status"]] = counts[r["cycle"]].get(r["status"], 0) + r["n"]
    return counts


_STATUS_COUNTS_IN = Prepared(lambda neighborhood_id: Proposal.select(
    Proposal.cycle, Proposal.status, Count(alias="n")).where(
    (Proposal.neighborhood == neighborhood_id) & (Proposal.status != "draft")).group_by(
    Proposal.cycle, Proposal.status))


async def status_counts_in(neighborhood_id: int, cycle_ids: list[int]) -> dict[int, dict[str, int]]:
    """Non-draft proposals of a neighborhood in each of these cycles, by status (status_counts for
    each cycle), in one grouped query: the home page asks for every running cycle."""
    counts: dict[int, dict[str, int]] = {c: {} for c in cycle_ids}
    for r in await _STATUS_COUNTS_IN(neighborhood_id):
        if r["cycle"] in counts:
            counts[r["cycle"]][r["status"]] = r["n"]
    return counts


async def status_counts(cycle_id: int, neighborhood_id: int | None) -> dict[str, int]:
    """Non-draft proposals of a cycle in a neighborhood (None: the whole cycle), by status."""
    where = (Proposal.cycle == cycle_id) & (Proposal.status != "draft")
    if neighborhood_id is not None:
        where = where & (Proposal.neighborhood == neighborhood_id)
    rows = await Proposal.select(Proposal.status).where(where)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return counts
