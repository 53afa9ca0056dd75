"""What the concern pages show, and the checks on what people submit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from concerns import rules
from server import forms, photos
from server.i18n import gettext as _
from server.i18n import lazy_gettext

STATUS_LABELS = {
    rules.RECEIVED: lazy_gettext("Received"),
    rules.ACKNOWLEDGED: lazy_gettext("Acknowledged"),
    rules.IN_PROGRESS: lazy_gettext("In progress"),
    rules.RESOLVED: lazy_gettext("Resolved"),
    rules.REFERRED: lazy_gettext("Referred to another service"),
    rules.NOT_ACTIONABLE: lazy_gettext("Not actionable"),
    rules.DUPLICATE: lazy_gettext("Duplicate of another concern"),
}
IDENTITY_LABELS = {
    "named": lazy_gettext("Signed in, with my name shown"),
    "private": lazy_gettext("Signed in, with my name hidden from the public"),
    "anonymous": lazy_gettext("Anonymous: no account, no email, a follow-up code instead"),
}
CHANNEL_LABELS = {
    "web": lazy_gettext("Website"),
    "phone": lazy_gettext("Phone"),
    "paper": lazy_gettext("Paper form"),
    "in_person": lazy_gettext("In person"),
    "outreach": lazy_gettext("Outreach"),
    "partner": lazy_gettext("Community partner"),
    "open311": lazy_gettext("Partner app (Open311)"),
}
METHOD_LABELS = {
    "mediation": lazy_gettext("Mediation"),
    "service_referral": lazy_gettext("Referral to a service"),
    "repair": lazy_gettext("Repair"),
    "patrol": lazy_gettext("Patrol"),
    "enforcement": lazy_gettext("Enforcement"),
}

MAX_DESCRIPTION = 5000
MAX_NOTE = 3000
MAX_ADDRESS = 200


def label(labels: Mapping[str, object], key: str | None) -> str:
    return str(labels.get(key or "", key or ""))


def status_label(status: str) -> str:
    return label(STATUS_LABELS, status)


def rule_message(code: str) -> str:
    return {
        rules.NOT_ALLOWED: _("This step is not possible from the case's current status."),
        rules.NEEDS_NOTE: _("Please write a public note saying in plain words what happened."),
        rules.NEEDS_REASON: _("Please explain why it is not actionable in at least %(n)s characters.",
                              n=rules.MIN_REASON_LENGTH),
        rules.NEEDS_REFERRAL: _("Please say which service the concern was referred to."),
        rules.NEEDS_DUPLICATE: _("Please give the number of the concern this one duplicates."),
        rules.NEEDS_METHOD: _("Please choose how it was resolved."),
        rules.NEEDS_ESCALATION: _("Please say whether it was resolved without escalation."),
        rules.ENFORCEMENT_ESCALATES: _("Enforcement counts as escalation."),
    }.get(code, code)


# The words for a photo's problems are the host's, shared by every domain that takes photos.
photo_message = photos.problem_message


class CategoryView(msgspec.Struct, frozen=True):
    id: int
    code: str
    name: str
    description: str
    team: str
    first_response_days: int
    resolution_days: int
    sensitive: bool
    oversight: bool
    active: bool


class EventView(msgspec.Struct, frozen=True):
    id: int
    kind: str
    created_at: dt.datetime
    note: str
    public: bool
    by_reporter: bool
    status_from: str | None = None
    status_to: str | None = None
    author_name: str = ""


class NoteView(msgspec.Struct, frozen=True):
    id: int
    body: str
    author_name: str
    created_at: dt.datetime


class CaseSummary(msgspec.Struct, frozen=True):
    """A case as a list shows it to this reader: `description` and the place are empty when the
    reader may not see them."""

    id: int
    category_code: str
    category_name: str
    neighborhood_id: int
    neighborhood_name: str
    status: str
    received_at: dt.datetime
    updated_at: dt.datetime
    place: str
    description: str
    overdue: str | None
    disputes: int
    sensitive: bool
    oversight: bool


class CaseDetail(msgspec.Struct, frozen=True):
    """A case with everything this reader may see. `role`: "public", "reporter", "staff" (council or
    oversight handling it) or "counts" (council on an oversight case: status, dates and public notes)."""

    summary: CaseSummary
    role: str
    category: CategoryView
    events: list[EventView]
    notes: list[NoteView]
    reporter_name: str  # empty unless shown to this reader
    identity: str
    channel: str
    language: str
    address: str
    lat: float | None
    long: float | None
    public_lat: float | None
    public_long: float | None
    photo_name: str | None
    photo_alt: str | None
    photo_public: bool
    description_public: bool
    description_approved: bool
    team: str
    referred_to: str
    duplicate_of: int | None
    resolution_method: str | None
    without_escalation: bool | None
    first_response_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    links: list[object]
    following: bool = False
    is_reporter: bool = False

    @property
    def may_dispute(self) -> bool:
        return self.is_reporter and rules.can_dispute(self.summary.status)


class ConcernInput(msgspec.Struct, frozen=True):
    category_id: int
    neighborhood_id: int
    description: str
    identity: str
    description_public: bool
    language: str
    address: str = ""
    lat: float | None = None
    long: float | None = None
    photo_alt: str = ""


class StatusChange(msgspec.Struct, frozen=True):
    status: str
    note: str
    referred_to: str = ""
    duplicate_of: int | None = None
    method: str | None = None
    without_escalation: bool | None = None


class CategoryInput(msgspec.Struct, frozen=True):
    code: str
    name: str
    description: str
    team: str
    first_response_days: int
    resolution_days: int
    sensitive: bool
    oversight: bool
    active: bool = True


class Submitted(msgspec.Struct, frozen=True):
    id: int
    code: str | None  # the follow-up code, for an anonymous report only; never stored


class Breakdown(msgspec.Struct, frozen=True):
    """Public counts with small groups suppressed (server/small_groups.Cell lists)."""

    total: int | None
    by_status: list[object]
    by_category: list[object]
    by_neighborhood: list[object]
    disputes_by_neighborhood: list[object]


def _float(form: Mapping[str, str], name: str, errors: forms.Errors, low: float, high: float) -> float | None:
    raw = forms.clean_text(form.get(name))
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        errors[name] = _("Please enter a number like 40.4168.")
        return None
    if not low <= value <= high:
        errors[name] = _("Please enter a number between %(low)s and %(high)s.", low=low, high=high)
        return None
    return value


def parse_concern(form: Mapping[str, str], *, category_ids: set[int], neighborhood_ids: set[int],
                  identities: tuple[str, ...], languages: tuple[str, ...]) -> tuple[ConcernInput | None,
                                                                                    forms.Errors]:
    errors: forms.Errors = {}
    category = forms.integer(form, "category_id", errors, minimum=1, maximum=2**31)
    if category is not None and category not in category_ids:
        errors["category_id"] = _("Please choose a category from the list.")
    hood = forms.integer(form, "neighborhood_id", errors, minimum=1, maximum=2**31)
    if hood is not None and hood not in neighborhood_ids:
        errors["neighborhood_id"] = _("Please choose a neighborhood from the list.")
    description = forms.text(form, "description", errors, max_length=MAX_DESCRIPTION, min_length=10)
    identity = forms.choice(form, "identity", errors, identities)
    language = form.get("language", "") if form.get("language", "") in languages else languages[0]
    address = forms.text(form, "address", errors, required=False, max_length=MAX_ADDRESS)
    lat = _float(form, "lat", errors, -90, 90)
    long = _float(form, "long", errors, -180, 180)
    if (lat is None) != (long is None) and "lat" not in errors and "long" not in errors:
        errors["lat" if lat is None else "long"] = _("A point needs both latitude and longitude.")
    alt = forms.text(form, "photo_alt", errors, required=False, max_length=photos.MAX_ALT_LENGTH)
    if errors:
        return None, errors
    assert category is not None and hood is not None
    return ConcernInput(category, hood, description, identity, forms.checkbox(form, "description_public"),
                        language, address, lat, long, alt), errors


def parse_status(form: Mapping[str, str]) -> tuple[StatusChange | None, forms.Errors]:
    errors: forms.Errors = {}
    status = forms.choice(form, "status", errors, rules.STATUSES)
    note = forms.text(form, "note", errors, required=False, max_length=MAX_NOTE)
    referred_to = forms.text(form, "referred_to", errors, required=False, max_length=120)
    duplicate_of = forms.integer(form, "duplicate_of", errors, required=False, minimum=1, maximum=2**31)
    method = form.get("method") or None
    if method is not None and method not in rules.METHODS:
        errors["method"] = _("Please choose how it was resolved.")
    escalation = form.get("without_escalation", "")
    without = {"yes": True, "no": False}.get(escalation)
    if errors:
        return None, errors
    return StatusChange(status, note, referred_to, duplicate_of, method, without), errors


def parse_category(form: Mapping[str, str]) -> tuple[CategoryInput | None, forms.Errors]:
    errors: forms.Errors = {}
    code = forms.text(form, "code", errors, max_length=40, min_length=2)
    if code and not all(ch.isalnum() or ch in "-_" for ch in code):
        errors["code"] = _("Please use only letters, digits, dashes and underscores.")
    name = forms.text(form, "name", errors, max_length=120, min_length=3)
    description = forms.text(form, "description", errors, required=False, max_length=2000)
    team = forms.text(form, "team", errors, max_length=120, min_length=2)
    first = forms.integer(form, "first_response_days", errors, minimum=0, maximum=365)
    resolution = forms.integer(form, "resolution_days", errors, minimum=1, maximum=3650)
    if first is not None and resolution is not None and first > resolution:
        errors["first_response_days"] = _("The first response cannot be due after the resolution.")
    if errors:
        return None, errors
    assert first is not None and resolution is not None
    return CategoryInput(code, name, description, team, first, resolution, forms.checkbox(form, "sensitive"),
                         forms.checkbox(form, "oversight"), forms.checkbox(form, "active")), errors
