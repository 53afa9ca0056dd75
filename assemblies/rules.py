"""Rules of meetings, bodies and commitments, with no I/O: who may run a body's meetings, which
commitment status changes are allowed and what each needs, when a commitment is overdue and whether
it was kept on time. Problems come back as codes; schemas.py turns them into readers' words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

# Meetings
MEETING_KINDS = ("assembly", "listening_session", "town_hall", "board_meeting", "task_force_meeting")
MODES = ("in_person", "online", "hybrid")
SCHEDULED, CANCELLED, HELD = "scheduled", "cancelled", "held"
MEETING_STATUSES = (SCHEDULED, CANCELLED, HELD)

# Bodies and memberships (roles after Popolo's free-text `role`, limited to what the council uses)
BODY_KINDS = ("board", "task_force")
CHAIR, CO_CHAIR, MEMBER, SECRETARY, STAFF_LIAISON = "chair", "co_chair", "member", "secretary", "staff_liaison"
MEMBER_ROLES = (CHAIR, CO_CHAIR, MEMBER, SECRETARY, STAFF_LIAISON)
RUNS_MEETINGS = frozenset({CHAIR, CO_CHAIR})

# Commitments
OPEN, IN_PROGRESS, DONE, DROPPED = "open", "in_progress", "done", "dropped"
COMMITMENT_STATUSES = (OPEN, IN_PROGRESS, DONE, DROPPED)
# Dropped is final: a dropped promise does not quietly come back; a new decision makes a new commitment.
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS, DONE, DROPPED}),
    IN_PROGRESS: frozenset({OPEN, DONE, DROPPED}),
    DONE: frozenset({IN_PROGRESS}),
    DROPPED: frozenset(),
}

# Problem codes
NOT_ALLOWED = "not_allowed"
NEEDS_REASON = "needs_reason"
SAME_DATE = "same_date"
CLOSED = "closed"
ENDS_BEFORE_START = "ends_before_start"
NEEDS_ADDRESS = "needs_address"
NEEDS_LINK = "needs_link"
ALREADY_CANCELLED = "already_cancelled"
NOT_STARTED = "not_started"

# A reason must say something: "late" alone does not tell residents why.
MIN_REASON_LENGTH = 20


class MembershipLike(Protocol):
    @property
    def account_id(self) -> int | None: ...

    @property
    def role(self) -> str: ...

    @property
    def start_date(self) -> dt.date: ...

    @property
    def end_date(self) -> dt.date | None: ...


def is_current(start: dt.date, end: dt.date | None, today: dt.date) -> bool:
    """A term is current from its start date through its end date (inclusive)."""
    return start <= today and (end is None or today <= end)


def runs_meetings(memberships: Iterable[MembershipLike], account_id: int, today: dt.date) -> bool:
    """A chair or co-chair in a current term schedules the body's meetings and publishes its minutes."""
    return any(m.account_id == account_id and m.role in RUNS_MEETINGS and is_current(m.start_date, m.end_date, today)
               for m in memberships)


def check_meeting(starts: dt.datetime, ends: dt.datetime, mode: str, address: str, online_url: str) -> list[str]:
    problems = []
    if ends <= starts:
        problems.append(ENDS_BEFORE_START)
    if mode in ("in_person", "hybrid") and not address.strip():
        problems.append(NEEDS_ADDRESS)
    if mode in ("online", "hybrid") and not online_url.strip():
        problems.append(NEEDS_LINK)
    return problems


def check_cancel(status: str, reason: str) -> list[str]:
    if status == CANCELLED:
        return [ALREADY_CANCELLED]
    if len(reason.strip()) < MIN_REASON_LENGTH:
        return [NEEDS_REASON]
    return []


def check_minutes(status: str, starts: dt.datetime, now: dt.datetime) -> list[str]:
    """Minutes are for a meeting that has started and was not cancelled."""
    if status == CANCELLED:
        return [ALREADY_CANCELLED]
    if starts > now:
        return [NOT_STARTED]
    return []


def ocd_status(status: str, ends: dt.datetime, now: dt.datetime) -> str:
    """Open Civic Data's event status: cancelled, confirmed (still to come) or passed."""
    if status == CANCELLED:
        return "cancelled"
    if status == HELD or ends < now:
        return "passed"
    return "confirmed"


def ical_status(status: str) -> str:
    return "CANCELLED" if status == CANCELLED else "CONFIRMED"


def seats_left(capacity: int | None, registered: int) -> int | None:
    """None: no limit."""
    return None if capacity is None else max(0, capacity - registered)


def check_status_change(current: str, new: str, reason: str) -> list[str]:
    """Problems with moving a commitment from `current` to `new` with this explanation. Every change
    needs an explanation; dropping needs a real reason."""
    if new == current:
        return []
    if new not in TRANSITIONS.get(current, frozenset()):
        return [NOT_ALLOWED]
    reason = reason.strip()
    if new == DROPPED and len(reason) < MIN_REASON_LENGTH:
        return [NEEDS_REASON]
    if not reason:
        return [NEEDS_REASON]
    return []


def check_revision(status: str, current: dt.date, new: dt.date, reason: str) -> list[str]:
    """A new date needs a reason; a finished or dropped commitment keeps its dates."""
    if status in (DONE, DROPPED):
        return [CLOSED]
    problems = []
    if new == current:
        problems.append(SAME_DATE)
    if len(reason.strip()) < MIN_REASON_LENGTH:
        problems.append(NEEDS_REASON)
    return problems


def allowed_next(current: str) -> list[str]:
    return [s for s in COMMITMENT_STATUSES if s == current or s in TRANSITIONS.get(current, frozenset())]


def is_overdue(status: str, due: dt.date, today: dt.date) -> bool:
    """Past its current date and neither done nor dropped."""
    return status in (OPEN, IN_PROGRESS) and due < today


def days_overdue(due: dt.date, today: dt.date) -> int:
    return max(0, (today - due).days)


# How the register counts a commitment (the transparency dashboard's figures).
KEPT_ON_TIME, KEPT_LATE, LATE, DROPPED_OUTCOME, PENDING = "kept_on_time", "kept_late", "late", "dropped", "pending"


def outcome(status: str, promised: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    """Against the first promised date, not a revised one: a promise kept only after moving its date
    was not kept on time. Late: done after the promised date, or still open past it."""
    if status == DROPPED:
        return DROPPED_OUTCOME
    if status == DONE:
        return KEPT_ON_TIME if done_on is not None and done_on <= promised else KEPT_LATE
    return LATE if promised < today else PENDING


class AgendaRow(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def parent_id(self) -> int | None: ...

    @property
    def position(self) -> int: ...


def agenda_order(items: Iterable[AgendaRow]) -> list[tuple[AgendaRow, str, int]]:
    """Agenda items in reading order with their numbers ("2", "2.1") and depth (0 at the top). An item
    whose parent is missing is shown at the top level rather than lost."""
    items = list(items)
    ids = {i.id for i in items}
    children: dict[int | None, list[AgendaRow]] = {}
    for item in items:
        parent = item.parent_id if item.parent_id in ids else None
        children.setdefault(parent, []).append(item)
    for group in children.values():
        group.sort(key=lambda i: (i.position, i.id))
    out: list[tuple[AgendaRow, str, int]] = []

    def walk(parent: int | None, prefix: str, depth: int) -> None:
        for n, item in enumerate(children.get(parent, []), start=1):
            number = f"{prefix}{n}"
            out.append((item, number, depth))
            walk(item.id, f"{number}.", depth + 1)

    walk(None, "", 0)
    return out


def total_minutes(durations: Iterable[int | None]) -> int:
    return sum(d for d in durations if d)
