"""Concerns: reporting (signed in with or without the name shown, or anonymous with a follow-up
code), the case workflow, the reporter's last word, who sees what, public counts and figures.

Who sees what is decided in one place, `reader_role`: council staff handle the council's cases,
oversight members handle the cases of categories routed to the oversight body (council staff see only
their status, dates and public notes), the reporter sees their own case, and the public sees a case
only when its category is neither sensitive nor routed to oversight, its description only when the
reporter allowed it and staff approved it, and its place only coarsened."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import anyio.to_thread
import msgspec

from concerns import codes, figures, location, rules
from concerns.schemas import (
    Breakdown,
    CaseDetail,
    CaseSummary,
    CategoryInput,
    CategoryView,
    ConcernInput,
    EventView,
    NoteView,
    StatusChange,
    Submitted,
    photo_message,
    rule_message,
)
from concerns.tables import (
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernFollow,
    ConcernLink,
    ConcernNote,
)
from proposals.moderation import service as moderation
from server import clock, links, photos, small_groups
from server.accounts.tables import Account
from server.database import is_unique_violation, write_transaction
from server.i18n import gettext as _
from server.notifications.kinds import N_
from server.notifications.service import notify
from server.prepared import Prepared

NOTIFICATION_KINDS = {
    "concern_new": N_("A new concern was received: “%(subject)s”"),
    "concern_status": N_("%(actor)s updated the concern “%(subject)s”"),
    "concern_question": N_("%(actor)s asked you a question about the concern “%(subject)s”"),
    "concern_disputed": N_("The reporter disputed the outcome of “%(subject)s”: it is open again"),
    "concern_overdue": N_("The concern “%(subject)s” is overdue"),
}

PAGE_SIZE = 50

# Which form field a rule problem belongs to.
_RULE_FIELDS = {
    rules.NOT_ALLOWED: "status",
    rules.NEEDS_NOTE: "note",
    rules.NEEDS_REASON: "note",
    rules.NEEDS_REFERRAL: "referred_to",
    rules.NEEDS_DUPLICATE: "duplicate_of",
    rules.NEEDS_METHOD: "method",
    rules.NEEDS_ESCALATION: "without_escalation",
    rules.ENFORCEMENT_ESCALATES: "method",
}


class NotFound(Exception):
    pass


class NotAllowed(Exception):
    pass


class Refused(Exception):
    """Breaks a rule; `errors` maps form fields to messages in the reader's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


# ---------------------------------------------------------------- categories

def _category(row: dict[str, Any]) -> CategoryView:
    return msgspec.convert(row, CategoryView)


_CATEGORY_COLUMNS = (ConcernCategory.id, ConcernCategory.code, ConcernCategory.name, ConcernCategory.description,
                     ConcernCategory.team, ConcernCategory.first_response_days, ConcernCategory.resolution_days,
                     ConcernCategory.sensitive, ConcernCategory.oversight, ConcernCategory.active)


_CATEGORIES = Prepared(lambda: ConcernCategory.select(*_CATEGORY_COLUMNS).order_by(ConcernCategory.name))
_ACTIVE_CATEGORIES = Prepared(lambda: ConcernCategory.select(*_CATEGORY_COLUMNS).where(
    ConcernCategory.active.eq(True)).order_by(ConcernCategory.name))


async def categories(*, active_only: bool = True) -> list[CategoryView]:
    return [_category(r) for r in await (_ACTIVE_CATEGORIES() if active_only else _CATEGORIES())]


async def get_category(category_id: int | None = None, *, code: str | None = None) -> CategoryView | None:
    query = ConcernCategory.select(*_CATEGORY_COLUMNS)
    query = query.where(ConcernCategory.id == category_id) if code is None else query.where(
        ConcernCategory.code == code)
    row = await query.first()
    return _category(row) if row else None


async def save_category(data: CategoryInput, category_id: int | None = None) -> int:
    """Council staff add or change a category. Raises Refused when the code is taken."""
    values = msgspec.structs.asdict(data)
    try:
        if category_id is None:
            rows = await ConcernCategory.insert(ConcernCategory(**values)).returning(ConcernCategory.id)
            return rows[0]["id"]
        if not await ConcernCategory.exists().where(ConcernCategory.id == category_id):
            raise NotFound()
        await ConcernCategory.update({getattr(ConcernCategory, k): v for k, v in values.items()}).where(
            ConcernCategory.id == category_id)
        return category_id
    except Exception as exc:
        if is_unique_violation(exc):
            raise Refused({"code": _("Another category already uses this code.")}) from exc
        raise


# ---------------------------------------------------------------- who sees what

PUBLIC, REPORTER, STAFF, COUNTS = "public", "reporter", "staff", "counts"


def reader_role(*, oversight: bool, sensitive: bool, reporter_id: int | None, viewer: Any,
                holds_code: bool = False) -> str | None:
    """What this reader may see of a case: STAFF (everything, and act on it), COUNTS (council on an
    oversight case: status, dates, public notes), REPORTER (their own case, with what they and staff
    wrote to each other), PUBLIC, or None (not at all: sensitive and oversight cases for the public)."""
    role = getattr(viewer, "role", None)
    if (oversight and role == "oversight") or (not oversight and role == "council"):
        return STAFF
    if holds_code or (viewer is not None and reporter_id is not None and reporter_id == viewer.id):
        return REPORTER
    if oversight and role == "council":
        return COUNTS
    if sensitive or oversight:
        return None
    return PUBLIC


def description_shown(role: str, *, allowed: bool, approved: bool, sensitive: bool, oversight: bool,
                      hidden: bool = False) -> bool:
    """Staff and the reporter always read it; the public only with the reporter's consent and staff
    approval, never for sensitive or oversight categories, and not while moderation hides it."""
    if role in (STAFF, REPORTER):
        return True
    return role == PUBLIC and allowed and approved and not sensitive and not oversight and not hidden


_CASE_COLUMNS = (
    Concern.id, Concern.status, Concern.received_at, Concern.updated_at, Concern.description,
    Concern.description_public, Concern.description_approved, Concern.public_place, Concern.public_lat,
    Concern.public_long, Concern.account, Concern.identity, Concern.first_response_at, Concern.first_response_due,
    Concern.resolution_due, Concern.closed_at, Concern.disputes,
    Concern.category.id.as_alias("category_id"), Concern.category.code.as_alias("category_code"),
    Concern.category.name.as_alias("category_name"), Concern.category.sensitive.as_alias("sensitive"),
    Concern.category.oversight.as_alias("oversight"),
    Concern.neighborhood.id.as_alias("neighborhood_id"), Concern.neighborhood.name.as_alias("neighborhood_name"),
)


def _summary(row: dict[str, Any], role: str, now: dt.datetime, hidden: bool = False) -> CaseSummary:
    shown = description_shown(role, allowed=row["description_public"], approved=row["description_approved"],
                              sensitive=row["sensitive"], oversight=row["oversight"], hidden=hidden)
    return CaseSummary(
        id=row["id"], category_code=row["category_code"], category_name=row["category_name"],
        neighborhood_id=row["neighborhood_id"], neighborhood_name=row["neighborhood_name"], status=row["status"],
        received_at=row["received_at"], updated_at=row["updated_at"],
        place=row["public_place"] if role in (PUBLIC, REPORTER, STAFF) else "",
        description=row["description"] if shown else "",
        overdue=rules.overdue(row["status"], now, first_response_at=row["first_response_at"],
                              first_response_due=row["first_response_due"], resolution_due=row["resolution_due"]),
        disputes=row["disputes"], sensitive=row["sensitive"], oversight=row["oversight"],
    )


# ---------------------------------------------------------------- reporting

async def _staff_of(oversight: bool) -> list[int]:
    role = "oversight" if oversight else "council"
    return [r["id"] for r in await Account.select(Account.id).where(Account.role == role)]


def subject_of(case_id: int, category_name: str) -> str:
    """How notifications name a case: its number and category, never words the reporter wrote."""
    return f"#{case_id} {category_name}"


async def submit(data: ConcernInput, *, account_id: int | None, channel: str = "web",
                 entered_by: int | None = None, photo: bytes | None = None,
                 upload_dir: Path | None = None, now: dt.datetime | None = None) -> Submitted:
    """Record a new concern. For an anonymous one (identity "anonymous") `account_id` is ignored and
    nothing about the sender is written: the row holds what was typed and the hash of a fresh
    follow-up code, which is returned once and never stored. Raises Refused (photo problems)."""
    if data.identity not in rules.IDENTITIES or channel not in rules.CHANNELS:
        raise NotAllowed()
    anonymous = data.identity == "anonymous"
    if not anonymous and account_id is None:
        raise NotAllowed()
    category = await get_category(data.category_id)
    if category is None or not category.active:
        raise Refused({"category_id": _("Please choose a category from the list.")})
    content_type: str | None = None
    cleaned: bytes | None = None
    if photo is not None:
        content_type, problems = photos.check_photo(photo, data.photo_alt)
        if content_type is not None:
            cleaned = await anyio.to_thread.run_sync(photos.clean_photo, photo, content_type)
            if cleaned is None:
                problems["photo"] = photos.UNREADABLE
        if problems:
            raise Refused({field: photo_message(code) for field, code in problems.items()})
    code = codes.new_code() if anonymous else None
    now = now or clock.now()
    first_due, resolution_due = rules.due_dates(now, category.first_response_days, category.resolution_days)
    place, plat, plong = location.public_location(data.address, data.lat, data.long,
                                                  sensitive=category.sensitive or category.oversight)
    stored: str | None = None
    try:
        if cleaned is not None and content_type is not None and upload_dir is not None:
            stored = photos.store_photo(upload_dir, cleaned, content_type)
        async with write_transaction():
            rows = await Concern.insert(Concern(
                category=category.id, neighborhood=data.neighborhood_id, description=data.description,
                description_public=data.description_public, identity=data.identity,
                account=None if anonymous else account_id,
                followup_hash=codes.code_hash(code) if code else None, language=data.language, channel=channel,
                entered_by=entered_by if channel != "web" else None, address=data.address, lat=data.lat,
                long=data.long, public_place=place, public_lat=plat, public_long=plong,
                photo_name=stored, photo_alt=data.photo_alt.strip() if stored else None,
                status=rules.RECEIVED, team=category.team, received_at=now, updated_at=now,
                first_response_due=first_due, resolution_due=resolution_due,
            )).returning(Concern.id)
            case_id = rows[0]["id"]
            await ConcernEvent.insert(ConcernEvent(concern=case_id, kind="received", status_to=rules.RECEIVED,
                                                   public=True, created_at=now))
            if not anonymous and account_id is not None:
                await ConcernFollow.insert(ConcernFollow(concern=case_id, account=account_id))
    except BaseException:
        if upload_dir is not None:
            photos.remove_photo(upload_dir, stored)
        raise
    await notify(await _staff_of(category.oversight), "concern_new", subject=subject_of(case_id, category.name),
                 url=f"/concerns/cases/{case_id}")
    return Submitted(case_id, code)


async def find_by_code(typed: str) -> int | None:
    if not codes.looks_valid(typed):
        return None
    row = await Concern.select(Concern.id).where(Concern.followup_hash == codes.code_hash(typed)).first()
    return row["id"] if row else None


# ---------------------------------------------------------------- reading a case

async def _case_row(case_id: int) -> dict[str, Any] | None:
    return await Concern.select(
        *_CASE_COLUMNS, Concern.channel, Concern.language, Concern.address, Concern.lat, Concern.long,
        Concern.photo_name, Concern.photo_alt, Concern.photo_public, Concern.team, Concern.referred_to,
        Concern.duplicate_of, Concern.resolution_method, Concern.without_escalation,
        Concern.account.display_name.as_alias("reporter_name"),
    ).where(Concern.id == case_id).first()


def _role_for(row: dict[str, Any], viewer: Any, holds_code: bool = False) -> str | None:
    return reader_role(oversight=row["oversight"], sensitive=row["sensitive"], reporter_id=row["account"],
                       viewer=viewer, holds_code=holds_code)


async def get_case(case_id: int, viewer: Any = None, *, holds_code: bool = False,
                   now: dt.datetime | None = None) -> CaseDetail | None:
    """The case as this reader may see it, or None when they may not see it at all."""
    row = await _case_row(case_id)
    if row is None:
        return None
    role = _role_for(row, viewer, holds_code)
    if role is None:
        return None
    now = now or clock.now()
    category = await get_category(row["category_id"])
    assert category is not None
    event_rows = await ConcernEvent.select(
        ConcernEvent.id, ConcernEvent.kind, ConcernEvent.created_at, ConcernEvent.note, ConcernEvent.public,
        ConcernEvent.by_reporter, ConcernEvent.status_from, ConcernEvent.status_to,
        ConcernEvent.author.display_name.as_alias("author_name"),
    ).where(ConcernEvent.concern == case_id).order_by(ConcernEvent.created_at).order_by(ConcernEvent.id)
    events = []
    for e in event_rows:
        if not e["public"] and role not in (STAFF, REPORTER):
            continue
        # A dispute is public as a step ("the reporter says it is not resolved"); its reason is the
        # reporter's words to staff.
        note = e["note"] if e["kind"] != "dispute" or role in (STAFF, REPORTER) else ""
        events.append(EventView(id=e["id"], kind=e["kind"], created_at=e["created_at"], note=note,
                                public=e["public"], by_reporter=e["by_reporter"], status_from=e["status_from"],
                                status_to=e["status_to"],
                                author_name=(e["author_name"] or "") if role == STAFF else ""))
    notes: list[NoteView] = []
    if role == STAFF:
        notes = [NoteView(**n) for n in await ConcernNote.select(
            ConcernNote.id, ConcernNote.body, ConcernNote.author.display_name.as_alias("author_name"),
            ConcernNote.created_at).where(ConcernNote.concern == case_id).order_by(ConcernNote.id)]
    private = role in (STAFF, REPORTER)
    reporter_name = ""
    if (row["identity"] == "named" and role != COUNTS) or (row["identity"] == "private" and private):
        reporter_name = row["reporter_name"] or ""
    following = bool(viewer is not None and await ConcernFollow.exists().where(
        ConcernFollow.concern == case_id, ConcernFollow.account == viewer.id))
    photo_visible = private or (row["photo_public"] and role == PUBLIC)
    hidden = role == PUBLIC and await moderation.is_hidden("concern", case_id) is not None
    return CaseDetail(
        summary=_summary(row, role, now, hidden), role=role, category=category, events=events, notes=notes,
        reporter_name=reporter_name, identity=row["identity"] if private else "",
        channel=row["channel"], language=row["language"] if private else "",
        address=row["address"] if private else "", lat=row["lat"] if private else None,
        long=row["long"] if private else None,
        public_lat=row["public_lat"] if role != COUNTS else None,
        public_long=row["public_long"] if role != COUNTS else None,
        photo_name=row["photo_name"] if photo_visible else None,
        photo_alt=row["photo_alt"] if photo_visible else None, photo_public=row["photo_public"],
        description_public=row["description_public"], description_approved=row["description_approved"],
        team=row["team"], referred_to=row["referred_to"], duplicate_of=row["duplicate_of"],
        resolution_method=row["resolution_method"], without_escalation=row["without_escalation"],
        first_response_at=row["first_response_at"], closed_at=row["closed_at"],
        first_response_due=row["first_response_due"], resolution_due=row["resolution_due"],
        links=list(await case_links(case_id, viewer)) if role != COUNTS else [],
        following=following,
        is_reporter=role == REPORTER,
    )


async def photo_visible_to(case_id: int, name: str, viewer: Any) -> bool | None:
    """None: no such photo for this reader; True/False: visible, and whether it is public."""
    row = await _case_row(case_id)
    if row is None or row["photo_name"] != name:
        return None
    role = _role_for(row, viewer)
    if role in (STAFF, REPORTER):
        return bool(row["photo_public"] and not row["sensitive"] and not row["oversight"])
    if role == PUBLIC and row["photo_public"]:
        return True
    return None


# ---------------------------------------------------------------- the workflow

async def _staff_case(case_id: int, viewer: Any) -> dict[str, Any]:
    row = await _case_row(case_id)
    if row is None:
        raise NotFound()
    if _role_for(row, viewer) != STAFF:
        raise NotAllowed()
    return row


async def _tell_reporter(row: dict[str, Any], kind: str, actor: str, exclude: int | None = None) -> None:
    followers = [r["account"] for r in await ConcernFollow.select(ConcernFollow.account).where(
        ConcernFollow.concern == row["id"])]
    await notify(followers, kind, subject=subject_of(row["id"], row["category_name"]), actor=actor,
                 url=f"/concerns/{row['id']}", exclude=exclude)


async def change_status(case_id: int, viewer: Any, change: StatusChange, now: dt.datetime | None = None) -> None:
    """A step in the workflow, by whoever handles the case, with its public note."""
    now = now or clock.now()
    async with write_transaction():
        row = await _staff_case(case_id, viewer)
        problems = rules.check_change(row["status"], change.status, note=change.note,
                                      referred_to=change.referred_to, duplicate_of=change.duplicate_of,
                                      method=change.method, without_escalation=change.without_escalation)
        errors: dict[str, str] = {}
        for code in problems:
            errors.setdefault(_RULE_FIELDS.get(code, "status"), rule_message(code))
        if change.status == rules.DUPLICATE and change.duplicate_of and (
                change.duplicate_of == case_id
                or not await Concern.exists().where(Concern.id == change.duplicate_of)):
            errors["duplicate_of"] = _("There is no other concern with this number.")
        if errors:
            raise Refused(errors)
        closing = change.status in rules.CLOSED_STATUSES
        values: dict[Any, Any] = {
            Concern.status: change.status, Concern.updated_at: now,
            Concern.closed_at: now if closing else None,
            Concern.referred_to: change.referred_to if change.status == rules.REFERRED else "",
            Concern.duplicate_of: change.duplicate_of if change.status == rules.DUPLICATE else None,
            Concern.resolution_method: change.method if change.status == rules.RESOLVED else None,
            Concern.without_escalation: change.without_escalation if change.status == rules.RESOLVED else None,
        }
        if row["first_response_at"] is None and rules.counts_as_first_response(change.status):
            values[Concern.first_response_at] = now
        await Concern.update(values).where(Concern.id == case_id)
        await ConcernEvent.insert(ConcernEvent(concern=case_id, kind="status", status_from=row["status"],
                                               status_to=change.status, note=change.note.strip(), public=True,
                                               author=viewer.id, created_at=now))
    await _tell_reporter(row, "concern_status", _team_actor(row), exclude=viewer.id)


def _team_actor(row: dict[str, Any]) -> str:
    # Staff act for their team: reporters read the team's name, not a person's.
    return row["team"] or row["category_name"]


async def add_note(case_id: int, viewer: Any, body: str) -> None:
    await _staff_case(case_id, viewer)
    await ConcernNote.insert(ConcernNote(concern=case_id, author=viewer.id, body=body.strip()))


async def assign(case_id: int, viewer: Any, team: str, now: dt.datetime | None = None) -> None:
    now = now or clock.now()
    async with write_transaction():
        await _staff_case(case_id, viewer)
        await Concern.update({Concern.team: team.strip(), Concern.updated_at: now}).where(Concern.id == case_id)
        await ConcernEvent.insert(ConcernEvent(concern=case_id, kind="assigned", note=team.strip(), public=True,
                                               author=viewer.id, created_at=now))


async def ask(case_id: int, viewer: Any, question: str, now: dt.datetime | None = None) -> None:
    """A question to the reporter, read with their account or follow-up code; never public."""
    now = now or clock.now()
    async with write_transaction():
        row = await _staff_case(case_id, viewer)
        await ConcernEvent.insert(ConcernEvent(concern=case_id, kind="question", note=question.strip(),
                                               public=False, author=viewer.id, created_at=now))
        await Concern.update({Concern.updated_at: now}).where(Concern.id == case_id)
    await _tell_reporter(row, "concern_question", _team_actor(row), exclude=viewer.id)


async def publish(case_id: int, viewer: Any, *, description: bool, photo: bool) -> None:
    """Staff approve the description for publication (only if the reporter allowed it) and the photo."""
    row = await _staff_case(case_id, viewer)
    if row["sensitive"] or row["oversight"]:
        description = photo = False  # shown only as counts, whatever anyone ticks
    approve = description and row["description_public"]
    await Concern.update({
        Concern.description_approved: approve, Concern.approved_by: viewer.id if approve else None,
        Concern.photo_public: photo and row["photo_name"] is not None,
    }).where(Concern.id == case_id)


async def _reporter_case(case_id: int, viewer: Any, holds_code: bool) -> dict[str, Any]:
    """The case, for its reporter: `holds_code` is the caller's word that the request carried this
    case's follow-up code (checked with find_by_code); otherwise the viewer's account must be the
    reporter's."""
    row = await _case_row(case_id)
    if row is None:
        raise NotFound()
    if not (holds_code or (viewer is not None and row["account"] == viewer.id)):
        raise NotAllowed()
    return row


async def add_info(case_id: int, text: str, *, viewer: Any = None, holds_code: bool = False,
                   now: dt.datetime | None = None) -> None:
    """The reporter adds information or answers a question; staff read it, the public does not."""
    now = now or clock.now()
    async with write_transaction():
        await _reporter_case(case_id, viewer, holds_code)
        await ConcernEvent.insert(ConcernEvent(concern=case_id, kind="info", note=text.strip(), public=False,
                                               by_reporter=True, created_at=now))
        await Concern.update({Concern.updated_at: now}).where(Concern.id == case_id)


async def dispute(case_id: int, reason: str, *, viewer: Any = None, holds_code: bool = False,
                  now: dt.datetime | None = None) -> None:
    """The reporter says a closed case is not really resolved: it opens again ("in progress"), with
    their reason for those handling it, and the dispute is counted publicly."""
    now = now or clock.now()
    async with write_transaction():
        row = await _reporter_case(case_id, viewer, holds_code)
        if not rules.can_dispute(row["status"]):
            raise Refused({"reason": _("Only a closed concern can be disputed.")})
        await Concern.update({
            Concern.status: rules.IN_PROGRESS, Concern.closed_at: None, Concern.updated_at: now,
            Concern.disputes: Concern.disputes + 1, Concern.resolution_method: None,
            Concern.without_escalation: None,
        }).where(Concern.id == case_id)
        await ConcernEvent.insert(ConcernEvent(concern=case_id, kind="dispute", status_from=row["status"],
                                               status_to=rules.IN_PROGRESS, note=reason.strip(), public=True,
                                               by_reporter=True, created_at=now))
    await notify(await _staff_of(row["oversight"]), "concern_disputed",
                 subject=subject_of(case_id, row["category_name"]), url=f"/concerns/cases/{case_id}")


async def confirm(case_id: int, *, viewer: Any = None, holds_code: bool = False,
                  now: dt.datetime | None = None) -> None:
    """The reporter agrees the case is resolved."""
    async with write_transaction():
        row = await _reporter_case(case_id, viewer, holds_code)
        if not rules.can_dispute(row["status"]):
            raise Refused({"reason": _("Only a closed concern can be confirmed.")})
        await ConcernEvent.insert(ConcernEvent(concern=case_id, kind="confirmed", public=True, by_reporter=True,
                                               created_at=now or clock.now()))


async def follow(case_id: int, viewer: Any) -> None:
    row = await _case_row(case_id)
    if row is None or _role_for(row, viewer) is None:
        raise NotFound()
    if await ConcernFollow.exists().where(ConcernFollow.concern == case_id, ConcernFollow.account == viewer.id):
        return
    await ConcernFollow.insert(ConcernFollow(concern=case_id, account=viewer.id))


async def unfollow(case_id: int, viewer: Any) -> None:
    await ConcernFollow.delete().where(ConcernFollow.concern == case_id, ConcernFollow.account == viewer.id)


# ---------------------------------------------------------------- links to other domains

async def case_links(case_id: int, viewer: Any) -> list[links.Link]:
    pairs = [(r["kind"], r["target_id"]) for r in await ConcernLink.select(
        ConcernLink.kind, ConcernLink.target_id).where(ConcernLink.concern == case_id).order_by(ConcernLink.id)]
    found = await links.resolve(pairs, viewer)
    return [found[p] for p in pairs if p in found]


async def add_link(case_id: int, viewer: Any, kind: str, target_id: int) -> None:
    await _staff_case(case_id, viewer)
    if kind == "concern" or not links.known(kind) or await links.resolve_one(kind, target_id, viewer) is None:
        raise Refused({"target_id": _("Nothing of this kind has this number.")})
    if not await ConcernLink.exists().where(ConcernLink.concern == case_id, ConcernLink.kind == kind,
                                            ConcernLink.target_id == target_id):
        await ConcernLink.insert(ConcernLink(concern=case_id, kind=kind, target_id=target_id))


async def remove_link(case_id: int, viewer: Any, kind: str, target_id: int) -> None:
    await _staff_case(case_id, viewer)
    await ConcernLink.delete().where(ConcernLink.concern == case_id, ConcernLink.kind == kind,
                                     ConcernLink.target_id == target_id)


async def to_proposal(case_id: int, viewer: Any) -> int:
    """Start a draft proposal from a concern, pre-filled with its category, place and description,
    and link the two. The reporter may do it from their own case; council staff from a case whose
    description is public. The proposal is the viewer's draft: nothing is published until they submit."""
    from proposals import service as proposals
    from proposals.schemas import ProposalInput

    row = await _case_row(case_id)
    if row is None:
        raise NotFound()
    role = _role_for(row, viewer)
    if viewer is None or role is None:
        raise NotFound()
    public_text = description_shown(PUBLIC, allowed=row["description_public"], approved=row["description_approved"],
                                    sensitive=row["sensitive"], oversight=row["oversight"])
    if not (row["account"] == viewer.id or (viewer.role == "council" and public_text)):
        raise NotAllowed()
    cycles = await proposals.cycles_accepting_ideas()
    if not cycles:
        raise Refused({"form": _("No budget cycle is collecting ideas right now.")})
    place = row["public_place"] or row["neighborhood_name"]
    title = f"{row['category_name']}: {place}"[:120]
    summary = " ".join(row["description"].split())[:280]
    data = ProposalInput(title=title, summary=summary, description=row["description"], category="other",
                         estimated_cost=0, location=row["public_place"])
    proposal_id = await proposals.create_proposal(viewer.id, row["neighborhood_id"], cycles[0].id, data,
                                                  submit=False)
    await ConcernLink.insert(ConcernLink(concern=case_id, kind="proposal", target_id=proposal_id))
    return proposal_id


async def concerns_of_proposal(proposal_id: int) -> list[dict[str, Any]]:
    """The publicly visible concerns a proposal started from (for the proposal's timeline)."""
    rows = await ConcernLink.select(
        ConcernLink.concern.id.as_alias("id"), ConcernLink.created_at,
        ConcernLink.concern.category.name.as_alias("category_name"),
        ConcernLink.concern.category.sensitive.as_alias("sensitive"),
        ConcernLink.concern.category.oversight.as_alias("oversight"),
    ).where(ConcernLink.kind == "proposal", ConcernLink.target_id == proposal_id)
    return [r for r in rows if not r["sensitive"] and not r["oversight"]]


async def describe_for_links(ids: list[int], viewer: Any) -> dict[int, tuple[str, str]]:
    """Link kind "concern": only cases this reader may see (never sensitive or oversight cases for
    the public); the title is the number and category, never the reporter's words."""
    if not ids:
        return {}
    rows = await Concern.select(Concern.id, Concern.account, Concern.category.name.as_alias("category_name"),
                                Concern.category.sensitive.as_alias("sensitive"),
                                Concern.category.oversight.as_alias("oversight")).where(Concern.id.is_in(ids))
    return {r["id"]: (subject_of(r["id"], r["category_name"]), f"/concerns/{r['id']}") for r in rows
            if _role_for(r, viewer) is not None}


# ---------------------------------------------------------------- lists, counts and figures

async def public_cases(*, neighborhood_id: int | None = None, category: str | None = None,
                       status: str | None = None, page: int = 1,
                       now: dt.datetime | None = None) -> tuple[list[CaseSummary], bool]:
    """Cases anyone may see (not sensitive, not routed to oversight), newest first; and whether
    there are more."""
    now = now or clock.now()
    query = Concern.select(*_CASE_COLUMNS).where(Concern.category.sensitive.eq(False),
                                                 Concern.category.oversight.eq(False))
    if neighborhood_id is not None:
        query = query.where(Concern.neighborhood == neighborhood_id)
    if category:
        query = query.where(Concern.category.code == category)
    if status == "overdue":
        query = query.where(Concern.status.is_in(list(rules.OPEN_STATUSES)))
    elif status:
        query = query.where(Concern.status == status)
    rows = await query.order_by(Concern.received_at, ascending=False).order_by(Concern.id, ascending=False)
    hidden = await moderation.hidden_ids("concern")
    cases = [_summary(r, PUBLIC, now, r["id"] in hidden) for r in rows]
    if status == "overdue":
        cases = [c for c in cases if c.overdue]
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    return cases[start:start + PAGE_SIZE], len(cases) > start + PAGE_SIZE


async def staff_cases(viewer: Any, *, status: str | None = None, now: dt.datetime | None = None) -> list[CaseSummary]:
    """The cases this staff member handles (overdue first, then oldest), and for council staff the
    oversight body's cases as status and dates only."""
    now = now or clock.now()
    query = Concern.select(*_CASE_COLUMNS)
    if status == "open":
        query = query.where(Concern.status.is_in(list(rules.OPEN_STATUSES)))
    elif status:
        query = query.where(Concern.status == status)
    cases = []
    for row in await query.order_by(Concern.received_at).order_by(Concern.id):
        role = _role_for(row, viewer)
        if role in (STAFF, COUNTS):
            cases.append(_summary(row, role, now))
    cases.sort(key=lambda c: (c.oversight != (viewer.role == "oversight"), c.overdue is None))
    return cases


async def my_cases(viewer: Any, now: dt.datetime | None = None) -> list[CaseSummary]:
    now = now or clock.now()
    rows = await Concern.select(*_CASE_COLUMNS).where(Concern.account == viewer.id).order_by(
        Concern.received_at, ascending=False)
    return [_summary(r, REPORTER, now) for r in rows]


def _facts_query() -> Any:
    return Concern.select(
        Concern.category.code.as_alias("category"), Concern.neighborhood.name.as_alias("neighborhood"),
        Concern.status, Concern.received_at, Concern.first_response_at, Concern.closed_at, Concern.resolution_due,
        Concern.without_escalation, Concern.disputes)


_ALL_FACTS = Prepared(_facts_query)
_FACTS_SINCE = Prepared(lambda since: _facts_query().where(Concern.received_at >= since))


async def _facts(since: dt.datetime | None = None) -> list[figures.CaseFacts]:
    rows = await (_ALL_FACTS() if since is None else _FACTS_SINCE(since))
    return [figures.CaseFacts(**r) for r in rows]


async def breakdown() -> Breakdown:
    """Counts of every case, sensitive and oversight ones included, by status, category and
    neighborhood, and disputes by neighborhood: small groups suppressed."""
    from server.neighborhoods.service import active_neighborhoods

    facts = await _facts()
    cats = await categories(active_only=False)
    hoods = [h.name for h in await active_neighborhoods()]
    by_status: dict[str, int] = defaultdict(int)
    by_category: dict[str, int] = defaultdict(int)
    by_hood: dict[str, int] = defaultdict(int)
    disputes: dict[str, int] = defaultdict(int)
    for f in facts:
        by_status[f.status] += 1
        by_category[f.category] += 1
        by_hood[f.neighborhood] += 1
        disputes[f.neighborhood] += f.disputes
    hood_order = hoods + sorted(set(by_hood) - set(hoods))
    return Breakdown(
        total=small_groups.shown_total(len(facts)),
        by_status=list(small_groups.suppress(by_status, list(rules.STATUSES))),
        by_category=list(small_groups.suppress(by_category, [c.code for c in cats])),
        by_neighborhood=list(small_groups.suppress(by_hood, hood_order)),
        disputes_by_neighborhood=list(small_groups.suppress(disputes, hood_order)),
    )


def _open_cases() -> Any:
    return Concern.select(Concern.status, Concern.first_response_at, Concern.first_response_due,
                          Concern.resolution_due).where(Concern.status.is_in(list(rules.OPEN_STATUSES)))


# The home page asks on every request: SQL built once (server/prepared.py, issue 21).
_OPEN_CASES = Prepared(_open_cases)
_OPEN_CASES_IN = Prepared(lambda neighborhood_id: _open_cases().where(Concern.neighborhood == neighborhood_id))


async def open_counts(neighborhood_id: int | None = None, now: dt.datetime | None = None) -> dict[str, int | None]:
    """Open and overdue cases (all categories), in a neighborhood or everywhere; 1 to 4 is not shown."""
    now = now or clock.now()
    rows = await (_OPEN_CASES() if neighborhood_id is None else _OPEN_CASES_IN(neighborhood_id))
    late = sum(1 for r in rows if rules.overdue(r["status"], now, first_response_at=r["first_response_at"],
                                                first_response_due=r["first_response_due"],
                                                resolution_due=r["resolution_due"]))
    return {"open": small_groups.shown_total(len(rows)), "overdue": small_groups.shown_total(late),
            "neighborhood_id": neighborhood_id}


# The figures as computed from the rows they read (pure: concerns/figures.py reads no clock), for the
# dashboard and the concerns list on every request: medians and shares over every case were a tenth
# of the dashboard's CPU (issue 21). Keyed on every row read, so any change is computed afresh.
_FIGURES: dict[tuple[Any, ...], dict[str, figures.CategoryFigures]] = {}


async def category_figures(since: dt.datetime | None = None) -> list[tuple[CategoryView, figures.CategoryFigures]]:
    """Per-category public figures (see concerns/figures.py), for every category that has cases."""
    cats = await categories(active_only=False)
    order = tuple(c.code for c in cats)
    rows = await (_ALL_FACTS() if since is None else _FACTS_SINCE(since))
    key = (tuple(tuple(r.values()) for r in rows), order)
    if (computed := _FIGURES.get(key)) is None:
        if len(_FIGURES) >= 16:
            _FIGURES.clear()
        computed = _FIGURES[key] = {f.category: f for f in figures.by_category(
            [figures.CaseFacts(**r) for r in rows], list(order))}
    return [(c, computed[c.code]) for c in cats if c.code in computed and (
        computed[c.code].cases or computed[c.code].cases_fewer_than_5)]


async def notice_overdue(now: dt.datetime | None = None) -> int:
    """Background job: tell those handling a case once when it becomes overdue. Claimed by a
    conditional update, so several workers never send the same notice twice."""
    now = now or clock.now()
    rows = await Concern.select(Concern.id, Concern.status, Concern.first_response_at, Concern.first_response_due,
                                Concern.resolution_due, Concern.category.name.as_alias("category_name"),
                                Concern.category.oversight.as_alias("oversight")).where(
        Concern.overdue_noticed_at.is_null(), Concern.status.is_in(list(rules.OPEN_STATUSES)))
    sent = 0
    for r in rows:
        if rules.overdue(r["status"], now, first_response_at=r["first_response_at"],
                         first_response_due=r["first_response_due"], resolution_due=r["resolution_due"]) is None:
            continue
        claimed = await Concern.update({Concern.overdue_noticed_at: now}).where(
            Concern.id == r["id"], Concern.overdue_noticed_at.is_null()).returning(Concern.id)
        if claimed:
            await notify(await _staff_of(r["oversight"]), "concern_overdue",
                         subject=subject_of(r["id"], r["category_name"]), url=f"/concerns/cases/{r['id']}")
            sent += 1
    return sent


async def followed(account_id: int) -> list[tuple[int, str]]:
    rows = await ConcernFollow.select(ConcernFollow.concern.id.as_alias("id"),
                                      ConcernFollow.concern.category.name.as_alias("name")).where(
        ConcernFollow.account == account_id).order_by(ConcernFollow.id, ascending=False)
    return [(r["id"], subject_of(r["id"], r["name"])) for r in rows]
