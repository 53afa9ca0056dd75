"""Case workflow rules with no I/O: the states and the steps between them, what each step needs,
due dates from a category's targets, what "overdue" means, and what the reporter may do after a case
closes. Problems come back as codes; schemas.py words them."""

from __future__ import annotations

import datetime as dt

RECEIVED, ACKNOWLEDGED, IN_PROGRESS = "received", "acknowledged", "in_progress"
RESOLVED, REFERRED, NOT_ACTIONABLE, DUPLICATE = "resolved", "referred", "not_actionable", "duplicate"
STATUSES = (RECEIVED, ACKNOWLEDGED, IN_PROGRESS, RESOLVED, REFERRED, NOT_ACTIONABLE, DUPLICATE)
OPEN_STATUSES = frozenset({RECEIVED, ACKNOWLEDGED, IN_PROGRESS})
CLOSED_STATUSES = frozenset({RESOLVED, REFERRED, NOT_ACTIONABLE, DUPLICATE})

# Any open case may close in any of the four ways; a closed case reopens only to "in progress" (a
# dispute by the reporter, or staff correcting themselves), so its history keeps the closing step.
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({ACKNOWLEDGED, IN_PROGRESS, *CLOSED_STATUSES}),
    ACKNOWLEDGED: frozenset({IN_PROGRESS, *CLOSED_STATUSES}),
    IN_PROGRESS: frozenset({ACKNOWLEDGED, *CLOSED_STATUSES}),
    **{closed: frozenset({IN_PROGRESS}) for closed in CLOSED_STATUSES},
}

IDENTITIES = ("named", "private", "anonymous")
CHANNELS = ("web", "phone", "paper", "in_person", "outreach", "partner", "open311")
STAFF_CHANNELS = ("phone", "paper", "in_person", "outreach")
METHODS = ("mediation", "service_referral", "repair", "patrol", "enforcement")
# Enforcement is escalation by definition; the others may or may not have needed it.
ESCALATING_METHODS = frozenset({"enforcement"})

# Problem codes.
NOT_ALLOWED = "not_allowed"
NEEDS_NOTE = "needs_note"
NEEDS_REASON = "needs_reason"
NEEDS_REFERRAL = "needs_referral"
NEEDS_DUPLICATE = "needs_duplicate"
NEEDS_METHOD = "needs_method"
NEEDS_ESCALATION = "needs_escalation"
ENFORCEMENT_ESCALATES = "enforcement_escalates"

# "Not actionable" is a decision about someone's concern: it must say why in more than a word.
MIN_REASON_LENGTH = 20


def check_change(current: str, new: str, *, note: str, referred_to: str = "", duplicate_of: int | None = None,
                 method: str | None = None, without_escalation: bool | None = None) -> list[str]:
    """Problems with moving a case from `current` to `new`. Every step is explained to the public in
    plain words (`note`), and each closing needs what the public figures are made of."""
    if new == current or new not in TRANSITIONS.get(current, frozenset()):
        return [NOT_ALLOWED]
    problems: list[str] = []
    note = note.strip()
    if not note:
        problems.append(NEEDS_NOTE)
    if new == NOT_ACTIONABLE and note and len(note) < MIN_REASON_LENGTH:
        problems.append(NEEDS_REASON)
    if new == REFERRED and not referred_to.strip():
        problems.append(NEEDS_REFERRAL)
    if new == DUPLICATE and not duplicate_of:
        problems.append(NEEDS_DUPLICATE)
    if new == RESOLVED:
        if method not in METHODS:
            problems.append(NEEDS_METHOD)
        if without_escalation is None:
            problems.append(NEEDS_ESCALATION)
        elif without_escalation and method in ESCALATING_METHODS:
            problems.append(ENFORCEMENT_ESCALATES)
    return problems


def allowed_next(current: str) -> list[str]:
    return [s for s in STATUSES if s in TRANSITIONS.get(current, frozenset())]


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def open311_status(status: str) -> str:
    """GeoReport v2 knows only "open" and "closed"; status_notes carries the rest."""
    return "open" if status in OPEN_STATUSES else "closed"


def counts_as_first_response(new: str) -> bool:
    """Any step out of "received" answers the reporter: acknowledging, starting work or closing."""
    return new != RECEIVED


def due_dates(received_at: dt.datetime, first_response_days: int, resolution_days: int) -> tuple[dt.datetime,
                                                                                                  dt.datetime]:
    """(first response due, resolution due): calendar days from receipt, as the category promises."""
    return (received_at + dt.timedelta(days=first_response_days), received_at + dt.timedelta(days=resolution_days))


def overdue(status: str, now: dt.datetime, *, first_response_at: dt.datetime | None,
            first_response_due: dt.datetime, resolution_due: dt.datetime) -> str | None:
    """"first_response" when nobody has answered in time, "resolution" when an open case has passed
    its resolution date, None otherwise. A closed case is never overdue (its figures say whether it
    closed in time)."""
    if status not in OPEN_STATUSES:
        return None
    if first_response_at is None and now > first_response_due:
        return "first_response"
    if now > resolution_due:
        return "resolution"
    return None


def can_dispute(status: str) -> bool:
    """The reporter has the last word on a closed case: resolved, referred, not actionable or
    duplicate can all be disputed (a duplicate that was not one, a referral that went nowhere)."""
    return status in CLOSED_STATUSES


def within(start: dt.datetime, end: dt.datetime | None, due: dt.datetime) -> bool:
    return end is not None and end <= due and end >= start


def days_between(start: dt.datetime, end: dt.datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 86400)
