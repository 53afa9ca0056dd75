"""What the delivery pages show, and the checks on what council staff submit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from delivery import rules
from server import forms, photos
from server.i18n import gettext as _
from server.i18n import lazy_gettext

STATUS_LABELS = {
    rules.PLANNED: lazy_gettext("Planned"),
    rules.IN_PROGRESS: lazy_gettext("In progress"),
    rules.COMPLETED: lazy_gettext("Completed"),
    rules.STALLED: lazy_gettext("Stalled"),
    rules.CANCELLED: lazy_gettext("Cancelled"),
}

MAX_UPDATE_LENGTH = 5000


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def rule_message(code: str) -> str:
    return {
        rules.NOT_ALLOWED: _("This status change is not allowed. A cancelled project cannot be reopened."),
        rules.NEEDS_EXPLANATION: _("A status change needs an update explaining it. Please write what happened."),
        rules.NEEDS_FULL_PROGRESS: _("A project can only be marked completed when progress is at 100%."),
        rules.NEEDS_REASON: _("Please explain the reason for cancelling in at least %(n)s characters.",
                              n=rules.MIN_REASON_LENGTH),
    }.get(code, code)


# The words for a photo's problems are the host's, shared by every domain that takes photos.
photo_message = photos.problem_message


class MilestoneView(msgspec.Struct, frozen=True):
    id: int
    name: str
    planned_date: dt.date
    actual_date: dt.date | None
    overdue: bool = False
    days_overdue: int = 0


class UpdateView(msgspec.Struct, frozen=True):
    id: int
    item_id: int
    body: str
    author_name: str
    created_at: dt.datetime
    status_from: str | None = None
    status_to: str | None = None
    setback: bool = False
    photo_name: str | None = None
    photo_alt: str | None = None

    @property
    def status_changed(self) -> bool:
        return self.status_to is not None and self.status_to != self.status_from


class ItemSummary(msgspec.Struct, frozen=True):
    id: int
    proposal_id: int
    ballot_id: int | None
    title: str
    summary: str
    neighborhood_id: int
    neighborhood_name: str
    status: str
    percent_complete: int
    allocated: int
    spent: int
    updated_at: dt.datetime
    overdue_count: int = 0


class ItemDetail(msgspec.Struct, frozen=True):
    item: ItemSummary
    milestones: list[MilestoneView]
    updates: list[UpdateView]
    following: bool
    followers: int

    @property
    def status_reason(self) -> UpdateView | None:
        """The update that moved the item into its current status (why it is stalled or cancelled)."""
        return next((u for u in self.updates if u.status_changed and u.status_to == self.item.status), None)


class OverdueMilestone(msgspec.Struct, frozen=True):
    item_id: int
    item_title: str
    neighborhood_name: str
    milestone: str
    planned_date: dt.date
    days_overdue: int


class OverdueSummary(msgspec.Struct, frozen=True):
    """For the council dashboard: overdue milestones, most overdue first."""

    items: int
    milestones: list[OverdueMilestone]


class StatusCounts(msgspec.Struct, frozen=True):
    neighborhood_id: int | None
    total: int
    on_track: int
    stalled: int
    completed: int
    cancelled: int
    overdue: int


class CycleDelivery(msgspec.Struct, frozen=True):
    """How delivery of one budget cycle's funded projects is going, for the read side."""

    allocated: int
    spent: int
    delivered: int  # allocated money of completed projects
    projects_funded: int
    projects_completed: int
    completed_on_time: int
    overdue_items: int
    allocated_by_neighborhood: list[tuple[str, int]]


class ProgressReport(msgspec.Struct, frozen=True):
    status: str
    percent_complete: int
    spent: int
    body: str
    setback: bool
    photo_alt: str


class PhotoUpload(msgspec.Struct, frozen=True):
    data: bytes
    alt: str


def parse_date(form: Mapping[str, str], name: str, errors: forms.Errors, *, required: bool = True) -> dt.date | None:
    raw = forms.clean_text(form.get(name))
    if not raw:
        if required:
            errors[name] = _("This field is required.")
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Please enter a date like 2026-05-31.")
        return None


def parse_progress(form: Mapping[str, str]) -> tuple[ProgressReport | None, forms.Errors]:
    errors: forms.Errors = {}
    status = forms.choice(form, "status", errors, rules.STATUSES)
    percent = forms.integer(form, "percent_complete", errors, minimum=0, maximum=100)
    spent = forms.integer(form, "spent", errors, minimum=0, maximum=10**12)
    body = forms.text(form, "body", errors, required=False, max_length=MAX_UPDATE_LENGTH)
    alt = forms.text(form, "photo_alt", errors, required=False, max_length=photos.MAX_ALT_LENGTH)
    if errors:
        return None, errors
    assert percent is not None and spent is not None
    return ProgressReport(status, percent, spent, body, forms.checkbox(form, "setback"), alt), errors


def parse_milestone(form: Mapping[str, str]) -> tuple[tuple[str, dt.date] | None, forms.Errors]:
    errors: forms.Errors = {}
    name = forms.text(form, "name", errors, max_length=200, min_length=3)
    planned = parse_date(form, "planned_date", errors)
    if errors or planned is None:
        return None, errors
    return (name, planned), errors
