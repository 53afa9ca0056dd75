"""The assemblies rules with no I/O: who runs a body's meetings, commitment status changes and
revisions, overdue flags, kept-on-time against the first promised date, and agenda numbering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assemblies import rules

TODAY = dt.date(2027, 3, 15)


@dataclass(frozen=True)
class Member:
    account_id: int | None
    role: str
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass(frozen=True)
class Item:
    id: int
    parent_id: int | None
    position: int


def test_only_current_chairs_and_co_chairs_with_an_account_run_meetings() -> None:
    start = TODAY - dt.timedelta(days=30)
    members = [Member(1, rules.CO_CHAIR, start), Member(2, rules.MEMBER, start),
               Member(3, rules.CO_CHAIR, start, end_date=TODAY - dt.timedelta(days=1)),
               Member(4, rules.CHAIR, TODAY + dt.timedelta(days=1)), Member(None, rules.CO_CHAIR, start),
               Member(5, rules.CHAIR, start, end_date=TODAY)]
    assert rules.runs_meetings(members, 1, TODAY)
    assert not rules.runs_meetings(members, 2, TODAY)  # a member, not a chair
    assert not rules.runs_meetings(members, 3, TODAY)  # term ended yesterday
    assert not rules.runs_meetings(members, 4, TODAY)  # term starts tomorrow
    assert rules.runs_meetings(members, 5, TODAY)  # the last day of a term still counts
    assert not rules.runs_meetings(members, 99, TODAY)


def test_status_changes_need_an_explanation_and_dropping_needs_a_reason() -> None:
    assert rules.check_status_change(rules.OPEN, rules.OPEN, "") == []
    assert rules.check_status_change(rules.OPEN, rules.IN_PROGRESS, "") == [rules.NEEDS_REASON]
    assert rules.check_status_change(rules.OPEN, rules.IN_PROGRESS, "Contractor started.") == []
    assert rules.check_status_change(rules.OPEN, rules.DROPPED, "No money.") == [rules.NEEDS_REASON]
    assert rules.check_status_change(rules.OPEN, rules.DROPPED, "x" * rules.MIN_REASON_LENGTH) == []
    assert rules.check_status_change(rules.DROPPED, rules.OPEN, "Back on after all, say.") == [rules.NOT_ALLOWED]
    assert rules.check_status_change(rules.DONE, rules.IN_PROGRESS, "A defect was found.") == []
    assert rules.allowed_next(rules.DROPPED) == [rules.DROPPED]
    assert rules.allowed_next(rules.OPEN) == list(rules.COMMITMENT_STATUSES)


def test_a_revision_needs_a_new_date_and_a_reason_and_closed_commitments_keep_their_dates() -> None:
    later = TODAY + dt.timedelta(days=10)
    reason = "The contractor went out of business."
    assert rules.check_revision(rules.OPEN, TODAY, later, reason) == []
    assert rules.check_revision(rules.IN_PROGRESS, TODAY, TODAY, reason) == [rules.SAME_DATE]
    assert rules.check_revision(rules.OPEN, TODAY, later, "late") == [rules.NEEDS_REASON]
    assert rules.check_revision(rules.DONE, TODAY, later, reason) == [rules.CLOSED]
    assert rules.check_revision(rules.DROPPED, TODAY, later, reason) == [rules.CLOSED]


def test_overdue_is_past_the_current_date_and_not_finished() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    assert rules.is_overdue(rules.OPEN, yesterday, TODAY)
    assert rules.is_overdue(rules.IN_PROGRESS, yesterday, TODAY)
    assert not rules.is_overdue(rules.OPEN, TODAY, TODAY)  # due today is not late yet
    assert not rules.is_overdue(rules.DONE, yesterday, TODAY)
    assert not rules.is_overdue(rules.DROPPED, yesterday, TODAY)
    assert rules.days_overdue(TODAY - dt.timedelta(days=4), TODAY) == 4


def test_kept_on_time_is_judged_against_the_first_promised_date() -> None:
    promised = TODAY - dt.timedelta(days=10)
    assert rules.outcome(rules.DONE, promised, promised, TODAY) == rules.KEPT_ON_TIME
    # Done after the promise, even if the date was revised to make room: late.
    assert rules.outcome(rules.DONE, promised, promised + dt.timedelta(days=1), TODAY) == rules.KEPT_LATE
    assert rules.outcome(rules.OPEN, promised, None, TODAY) == rules.LATE
    assert rules.outcome(rules.IN_PROGRESS, TODAY, None, TODAY) == rules.PENDING
    assert rules.outcome(rules.DROPPED, promised, None, TODAY) == rules.DROPPED_OUTCOME


def test_agenda_items_are_numbered_in_order_with_their_sub_items() -> None:
    items = [Item(5, None, 2), Item(3, None, 1), Item(7, 5, 2), Item(6, 5, 1), Item(8, 6, 1), Item(9, 42, 3)]
    order = [(i.id, number, depth) for i, number, depth in rules.agenda_order(items)]
    # Item 9's parent is gone: it is shown at the top level, not lost.
    assert order == [(3, "1", 0), (5, "2", 0), (6, "2.1", 1), (8, "2.1.1", 2), (7, "2.2", 1), (9, "3", 0)]


def test_meeting_checks() -> None:
    start = dt.datetime(2027, 3, 20, 18, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=2)
    assert rules.check_meeting(start, end, "in_person", "Hall", "") == []
    assert rules.check_meeting(end, start, "online", "", "https://x") == [rules.ENDS_BEFORE_START]
    assert rules.check_meeting(start, end, "hybrid", "", "") == [rules.NEEDS_ADDRESS, rules.NEEDS_LINK]
    assert rules.check_cancel(rules.SCHEDULED, "short") == [rules.NEEDS_REASON]
    assert rules.check_cancel(rules.CANCELLED, "x" * 30) == [rules.ALREADY_CANCELLED]
    assert rules.check_minutes(rules.SCHEDULED, start, start - dt.timedelta(minutes=1)) == [rules.NOT_STARTED]
    assert rules.check_minutes(rules.SCHEDULED, start, start) == []
    assert rules.ocd_status(rules.CANCELLED, end, start) == "cancelled"
    assert rules.ocd_status(rules.SCHEDULED, end, start) == "confirmed"
    assert rules.ocd_status(rules.SCHEDULED, end, end + dt.timedelta(seconds=1)) == "passed"
    assert rules.seats_left(None, 500) is None
    assert rules.seats_left(10, 12) == 0
