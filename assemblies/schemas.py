"""What the assemblies pages show, and the checks on what people submit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from assemblies import rules
from server import clock, forms
from server.i18n import gettext as _
from server.i18n import lazy_gettext

MEETING_KIND_LABELS = {
    "assembly": lazy_gettext("Neighborhood assembly"),
    "listening_session": lazy_gettext("Listening session"),
    "town_hall": lazy_gettext("Town hall"),
    "board_meeting": lazy_gettext("Board meeting"),
    "task_force_meeting": lazy_gettext("Task force meeting"),
}
MODE_LABELS = {
    "in_person": lazy_gettext("In person"),
    "online": lazy_gettext("Online"),
    "hybrid": lazy_gettext("In person and online"),
}
MEETING_STATUS_LABELS = {
    rules.SCHEDULED: lazy_gettext("Scheduled"),
    rules.CANCELLED: lazy_gettext("Cancelled"),
    rules.HELD: lazy_gettext("Held"),
}
BODY_KIND_LABELS = {"board": lazy_gettext("Advisory board"), "task_force": lazy_gettext("Task force")}
ROLE_LABELS = {
    rules.CHAIR: lazy_gettext("Chair"),
    rules.CO_CHAIR: lazy_gettext("Co-chair"),
    rules.MEMBER: lazy_gettext("Member"),
    rules.SECRETARY: lazy_gettext("Secretary"),
    rules.STAFF_LIAISON: lazy_gettext("Staff liaison"),
}
COMMITMENT_STATUS_LABELS = {
    rules.OPEN: lazy_gettext("Open"),
    rules.IN_PROGRESS: lazy_gettext("In progress"),
    rules.DONE: lazy_gettext("Done"),
    rules.DROPPED: lazy_gettext("Dropped"),
}

# How the register counts a commitment against its first promised date (the dashboard's figures).
OUTCOME_LABELS = {
    rules.KEPT_ON_TIME: lazy_gettext("Kept on time"),
    rules.KEPT_LATE: lazy_gettext("Kept late"),
    rules.LATE: lazy_gettext("Late: still open after the promised date"),
    rules.DROPPED_OUTCOME: lazy_gettext("Dropped"),
    rules.PENDING: lazy_gettext("Not yet due"),
}


def label(labels: Mapping[str, object], key: str | None) -> str:
    return str(labels.get(key or "", key or ""))


def rule_message(code: str) -> str:
    return {
        rules.NOT_ALLOWED: _("This status change is not allowed. A dropped commitment cannot be reopened."),
        rules.NEEDS_REASON: _("Please explain the reason in at least %(n)s characters.", n=rules.MIN_REASON_LENGTH),
        rules.SAME_DATE: _("This is already the commitment's date. Please choose the new date."),
        rules.CLOSED: _("A commitment that is done or dropped keeps its dates."),
        rules.ENDS_BEFORE_START: _("The end must be after the start."),
        rules.NEEDS_ADDRESS: _("A meeting in person needs an address."),
        rules.NEEDS_LINK: _("An online meeting needs a link to join."),
        rules.ALREADY_CANCELLED: _("This meeting was cancelled."),
        rules.NOT_STARTED: _("Minutes can be published once the meeting has started."),
    }.get(code, code)


# ---------------------------------------------------------------- views

class BodyRef(msgspec.Struct, frozen=True):
    id: int
    name: str


class Area(msgspec.Struct, frozen=True):
    """A neighborhood a meeting is for."""

    id: int
    name: str


class AgendaView(msgspec.Struct, frozen=True):
    id: int
    parent_id: int | None
    position: int
    title: str
    notes: str
    duration_minutes: int | None
    link_kind: str | None
    link_id: int | None
    number: str = ""
    depth: int = 0


class MeetingBrief(msgspec.Struct, frozen=True):
    """A meeting as the home page lists it."""

    id: int
    title: str
    starts_at: dt.datetime
    status: str


class MeetingSummary(msgspec.Struct, frozen=True):
    id: int
    title: str
    kind: str
    neighborhoods: list[Area]  # none: city-wide
    body_id: int | None
    body_name: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: str
    address: str
    status: str
    has_minutes: bool
    languages: str
    interpretation: str
    childcare: bool


class MeetingView(msgspec.Struct, frozen=True):
    id: int
    title: str
    kind: str
    description: str
    neighborhoods: list[Area]  # none: city-wide
    body_id: int | None
    body_name: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: str
    address: str
    accessibility: str
    online_url: str
    languages: str
    interpretation: str
    childcare: bool
    capacity: int | None
    registration: bool
    status: str
    cancel_reason: str
    sequence: int
    attendance: int | None
    summary: str
    decisions: str
    recommendations: str
    recording_url: str
    minutes_published_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def has_minutes(self) -> bool:
        return self.minutes_published_at is not None


class MeetingDetail(msgspec.Struct, frozen=True):
    meeting: MeetingView
    agenda: list[AgendaView]
    registered: int
    is_registered: bool
    following: bool
    followers: int
    may_manage: bool
    commitments: list[CommitmentSummary]

    @property
    def seats_left(self) -> int | None:
        return rules.seats_left(self.meeting.capacity, self.registered)


class MemberView(msgspec.Struct, frozen=True):
    id: int
    account_id: int | None
    person_name: str
    role: str
    label: str
    start_date: dt.date
    end_date: dt.date | None
    current: bool = True


class BodyView(msgspec.Struct, frozen=True):
    id: int
    name: str
    kind: str
    purpose: str
    neighborhood_id: int | None
    neighborhood_name: str | None
    start_date: dt.date
    end_date: dt.date | None


class BodyDetail(msgspec.Struct, frozen=True):
    body: BodyView
    members: list[MemberView]
    meetings: list[MeetingSummary]
    commitments: list[CommitmentSummary]
    may_run_meetings: bool


class CommitmentSummary(msgspec.Struct, frozen=True):
    id: int
    title: str
    owner: str
    status: str
    promised_date: dt.date
    due_date: dt.date
    source_kind: str | None
    source_id: int | None
    neighborhood_id: int | None
    neighborhood_name: str | None
    done_on: dt.date | None
    overdue: bool = False
    days_overdue: int = 0
    revisions: int = 0

    @property
    def revised(self) -> bool:
        return self.due_date != self.promised_date


class CommitmentPage(msgspec.Struct, frozen=True):
    items: list[CommitmentSummary]
    total: int  # every commitment the filters keep, on all pages
    page: int
    first: int  # position of the page's first and last items in the register, from 1 (0 when empty)
    last: int
    has_more: bool


class EventView(msgspec.Struct, frozen=True):
    id: int
    kind: str
    body: str
    status_from: str | None
    status_to: str | None
    date_from: dt.date | None
    date_to: dt.date | None
    author_name: str
    created_at: dt.datetime


class CommitmentDetail(msgspec.Struct, frozen=True):
    commitment: CommitmentSummary
    description: str
    status_reason: str
    events: list[EventView]
    following: bool
    followers: int


class CommitmentCounts(msgspec.Struct, frozen=True):
    """For the transparency dashboard, against each commitment's first promised date."""

    total: int
    kept_on_time: int
    kept_late: int
    late: int  # still open past the promised date
    dropped: int
    pending: int
    overdue: int  # still open past the current (possibly revised) date


# ---------------------------------------------------------------- submitted forms

class MeetingInput(msgspec.Struct, frozen=True):
    title: str
    kind: str
    description: str
    neighborhood_ids: list[int]  # none: city-wide
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: str
    address: str
    accessibility: str
    online_url: str
    languages: str
    interpretation: str
    childcare: bool
    registration: bool
    capacity: int | None


class MinutesInput(msgspec.Struct, frozen=True):
    attendance: int
    summary: str
    decisions: str
    recommendations: str
    recording_url: str


class CommitmentInput(msgspec.Struct, frozen=True):
    title: str
    description: str
    owner: str
    promised_date: dt.date
    neighborhood_id: int | None
    source_kind: str | None
    source_id: int | None


class MemberInput(msgspec.Struct, frozen=True):
    person_name: str
    account_email: str
    role: str
    label: str
    start_date: dt.date
    end_date: dt.date | None


class BodyInput(msgspec.Struct, frozen=True):
    name: str
    kind: str
    purpose: str
    neighborhood_id: int | None
    start_date: dt.date
    end_date: dt.date | None


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


def parse_local_datetime(form: Mapping[str, str], name: str, errors: forms.Errors) -> dt.datetime | None:
    """A `datetime-local` value typed on the city's clock, as a UTC moment."""
    raw = forms.clean_text(form.get(name))
    if not raw:
        errors[name] = _("This field is required.")
        return None
    try:
        local = dt.datetime.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Please enter a date and time like 2026-05-31 18:30.")
        return None
    try:
        return clock.from_local(local.replace(tzinfo=None, second=0, microsecond=0))
    except clock.NonexistentLocalTime:
        errors[name] = _("The clocks skip this time when summer time starts. Please choose another time.")
        return None


def _url(form: Mapping[str, str], name: str, errors: forms.Errors) -> str:
    value = forms.text(form, name, errors, required=False, max_length=500)
    if value and not value.lower().startswith(("https://", "http://")) and name not in errors:
        errors[name] = _("Please enter a web address starting with https://")
    return value


def _neighborhood(form: Mapping[str, str], errors: forms.Errors, choices: set[int]) -> int | None:
    raw = forms.clean_text(form.get("neighborhood_id"))
    if not raw:
        return None  # city-wide
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value not in choices:
        errors["neighborhood_id"] = _("Please choose one of the options.")
        return None
    return value


def _neighborhood_list(form: Mapping[str, str], errors: forms.Errors, choices: set[int]) -> list[int]:
    """The checked neighborhoods ("neighborhood_ids", comma-separated by the controller); none is city-wide."""
    found: list[int] = []
    for raw in forms.clean_text(form.get("neighborhood_ids")).split(","):
        if not raw.strip():
            continue
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value not in choices:
            errors["neighborhood_ids"] = _("Please choose one of the options.")
            return []
        if value not in found:
            found.append(value)
    return sorted(found)


def parse_meeting(form: Mapping[str, str], neighborhoods: set[int]) -> tuple[MeetingInput | None, forms.Errors]:
    errors: forms.Errors = {}
    title = forms.text(form, "title", errors, max_length=200, min_length=3)
    kind = forms.choice(form, "kind", errors, rules.MEETING_KINDS)
    description = forms.text(form, "description", errors, required=False, max_length=10000)
    hood = _neighborhood_list(form, errors, neighborhoods)
    starts = parse_local_datetime(form, "starts_at", errors)
    ends = parse_local_datetime(form, "ends_at", errors)
    mode = forms.choice(form, "mode", errors, rules.MODES)
    address = forms.text(form, "address", errors, required=False, max_length=300)
    accessibility = forms.text(form, "accessibility", errors, required=False, max_length=2000)
    online_url = _url(form, "online_url", errors)
    languages = forms.text(form, "languages", errors, required=False, max_length=200)
    interpretation = forms.text(form, "interpretation", errors, required=False, max_length=300)
    registration = forms.checkbox(form, "registration")
    capacity = forms.integer(form, "capacity", errors, required=False, minimum=1, maximum=100000)
    if starts and ends and mode in rules.MODES:
        for code in rules.check_meeting(starts, ends, mode, address, online_url):
            field = {rules.ENDS_BEFORE_START: "ends_at", rules.NEEDS_ADDRESS: "address",
                     rules.NEEDS_LINK: "online_url"}[code]
            errors.setdefault(field, rule_message(code))
    if errors or starts is None or ends is None:
        return None, errors
    return MeetingInput(title, kind, description, hood, starts, ends, mode, address, accessibility, online_url,
                        languages, interpretation, forms.checkbox(form, "childcare"), registration, capacity), errors


def parse_minutes(form: Mapping[str, str]) -> tuple[MinutesInput | None, forms.Errors]:
    errors: forms.Errors = {}
    attendance = forms.integer(form, "attendance", errors, minimum=0, maximum=1000000)
    summary = forms.text(form, "summary", errors, max_length=20000, min_length=10)
    decisions = forms.text(form, "decisions", errors, required=False, max_length=20000)
    recommendations = forms.text(form, "recommendations", errors, required=False, max_length=20000)
    recording = _url(form, "recording_url", errors)
    if errors or attendance is None:
        return None, errors
    return MinutesInput(attendance, summary, decisions, recommendations, recording), errors


def parse_agenda_item(form: Mapping[str, str]) -> tuple[dict[str, object] | None, forms.Errors]:
    errors: forms.Errors = {}
    title = forms.text(form, "item_title", errors, max_length=300, min_length=2)
    notes = forms.text(form, "notes", errors, required=False, max_length=5000)
    duration = forms.integer(form, "duration_minutes", errors, required=False, minimum=1, maximum=600)
    parent = forms.integer(form, "parent_id", errors, required=False, minimum=1)
    if errors:
        return None, errors
    return {"title": title, "notes": notes, "duration_minutes": duration, "parent_id": parent}, errors


def parse_link(form: Mapping[str, str], kinds: set[str], errors: forms.Errors) -> tuple[str, int] | None:
    """The optional link of an agenda item or commitment: a kind and an item's number, or the item's
    address pasted whole ("https://town.example/proposals/12" or "/delivery/4#update-2")."""
    kind = forms.clean_text(form.get("link_kind"))
    raw = forms.clean_text(form.get("link_ref"))
    if not kind and not raw:
        return None
    if kind not in kinds:
        errors["link_kind"] = _("Please choose what kind of item this links to.")
        return None
    number = _number_in(raw)
    if number is None:
        errors["link_ref"] = _("Please enter the item's number, or paste its address.")
        return None
    return kind, number


def _number_in(raw: str) -> int | None:
    """The item number from a number or an address: the last run of digits in the path."""
    import re

    path = raw.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    match = re.search(r"(\d+)$", path)
    if match is None:
        return None
    value = int(match.group(1))
    return value if 0 < value < 2**31 else None


def parse_commitment(form: Mapping[str, str], neighborhoods: set[int],
                     kinds: set[str]) -> tuple[CommitmentInput | None, forms.Errors]:
    errors: forms.Errors = {}
    title = forms.text(form, "title", errors, max_length=300, min_length=5)
    description = forms.text(form, "description", errors, required=False, max_length=10000)
    owner = forms.text(form, "owner", errors, max_length=200, min_length=2)
    promised = parse_date(form, "promised_date", errors)
    hood = _neighborhood(form, errors, neighborhoods)
    link = parse_link(form, kinds, errors)
    if errors or promised is None:
        return None, errors
    return CommitmentInput(title, description, owner, promised, hood, link[0] if link else None,
                           link[1] if link else None), errors


def parse_body(form: Mapping[str, str], neighborhoods: set[int]) -> tuple[BodyInput | None, forms.Errors]:
    errors: forms.Errors = {}
    name = forms.text(form, "name", errors, max_length=200, min_length=3)
    kind = forms.choice(form, "kind", errors, rules.BODY_KINDS)
    purpose = forms.text(form, "purpose", errors, max_length=5000, min_length=10)
    hood = _neighborhood(form, errors, neighborhoods)
    start = parse_date(form, "start_date", errors)
    end = parse_date(form, "end_date", errors, required=False)
    if start and end and end < start:
        errors["end_date"] = _("The end must be after the start.")
    if errors or start is None:
        return None, errors
    return BodyInput(name, kind, purpose, hood, start, end), errors


def parse_member(form: Mapping[str, str]) -> tuple[MemberInput | None, forms.Errors]:
    errors: forms.Errors = {}
    person = forms.text(form, "person_name", errors, required=False, max_length=200)
    email = forms.email(form, "account_email", errors, required=False)
    if not person and not email and "account_email" not in errors:
        errors["person_name"] = _("Please give the person's name, or the email of their account.")
    role = forms.choice(form, "role", errors, rules.MEMBER_ROLES)
    label_ = forms.text(form, "label", errors, required=False, max_length=200)
    start = parse_date(form, "term_start", errors)
    end = parse_date(form, "term_end", errors, required=False)
    if start and end and end < start:
        errors["term_end"] = _("The end must be after the start.")
    if errors or start is None:
        return None, errors
    return MemberInput(person, email, role, label_, start, end), errors
