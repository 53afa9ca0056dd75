"""Proposal and cycle structs, and the checks that turn submitted forms into them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from proposals import phases
from proposals.categories import CATEGORIES
from server import forms
from server.i18n import gettext as _
from server.verification import paths

TITLE_MAX = 120
SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
LOCATION_MAX = 200
REASON_MAX = 2_000
COST_MAX = 100_000_000
MAX_CO_AUTHORS = 3
SORTS = ("newest", "supported", "cost")
REVIEW_DECISIONS = ("feasible", "not_feasible", "merged")


# ---- input -----------------------------------------------------------------------------------

class ProposalInput(msgspec.Struct, frozen=True):
    title: str
    summary: str
    description: str
    category: str
    estimated_cost: int
    location: str = ""
    co_author_emails: tuple[str, ...] = ()


class ReviewInput(msgspec.Struct, frozen=True):
    decision: str
    reason: str = ""
    final_cost: int | None = None
    ballot_eligible: bool = False
    merge_into: int | None = None


class CycleInput(msgspec.Struct, frozen=True):
    name: str
    ideas_open: dt.date
    deliberation_open: dt.date
    review_open: dt.date
    voting_open: dt.date
    results_open: dt.date
    delivery_open: dt.date
    delivery_close: dt.date
    verification_paths: str = paths.DEFAULT


class ProposalFilters(msgspec.Struct, frozen=True):
    q: str = ""
    neighborhood: int | None = None
    category: str = ""
    status: str = ""
    cycle: int | None = None
    sort: str = "newest"
    page: int = 1


def parse_co_authors(raw: str, errors: forms.Errors) -> tuple[str, ...]:
    emails = []
    for part in raw.replace(";", ",").replace("\n", ",").split(","):
        email = part.strip().lower()
        if email and email not in emails:
            emails.append(email)
    bad = [e for e in emails if not forms.EMAIL_RE.match(e)]
    if bad:
        errors["co_authors"] = _("These do not look like email addresses: %(emails)s", emails=", ".join(bad))
    elif len(emails) > MAX_CO_AUTHORS:
        errors["co_authors"] = _("A proposal can have at most %(n)s co-authors.", n=MAX_CO_AUTHORS)
    return tuple(emails)


def parse_proposal(form: Mapping[str, str], *, draft: bool = False) -> tuple[ProposalInput | None, forms.Errors]:
    """A submitted proposal needs every field; a draft only its title (the rest can come later, and
    what was typed is checked against the limits all the same)."""
    errors: forms.Errors = {}
    complete = not draft
    title = forms.text(form, "title", errors, max_length=TITLE_MAX, min_length=5)
    summary = forms.text(form, "summary", errors, max_length=SUMMARY_MAX, min_length=10 if complete else 0,
                         required=complete)
    if "\n" in summary and "summary" not in errors:
        errors["summary"] = _("Please keep the summary to one line.")
    description = forms.text(form, "description", errors, max_length=DESCRIPTION_MAX,
                             min_length=20 if complete else 0, required=complete)
    category = forms.choice(form, "category", errors, CATEGORIES, required=complete)
    cost = forms.integer(form, "estimated_cost", errors, minimum=1, maximum=COST_MAX, required=complete)
    location = forms.text(form, "location", errors, required=False, max_length=LOCATION_MAX)
    co_authors = parse_co_authors(form.get("co_authors", ""), errors)
    if errors:
        return None, errors
    return ProposalInput(title, summary, description, category, cost or 0, location, co_authors), errors


def is_complete(data: ProposalInput) -> bool:
    """Everything a proposal needs before residents and council see it (a draft may lack the rest)."""
    return bool(data.title and data.summary and data.description and data.category and data.estimated_cost > 0)


def parse_review(form: Mapping[str, str]) -> tuple[ReviewInput | None, forms.Errors]:
    errors: forms.Errors = {}
    decision = forms.choice(form, "decision", errors, REVIEW_DECISIONS)
    reason = forms.text(form, "reason", errors, required=decision == "not_feasible", max_length=REASON_MAX)
    if decision == "not_feasible" and errors.get("reason") == _("This field is required."):
        errors["reason"] = _("Please give residents a public reason why this proposal is not feasible.")
    # 0 is a real answer: some ideas cost nothing but a decision (a changed patrol route, say).
    final_cost = forms.integer(form, "final_cost", errors, required=decision == "feasible", minimum=0,
                               maximum=COST_MAX)
    eligible = forms.checkbox(form, "ballot_eligible")
    merge_into = forms.integer(form, "merge_into", errors, required=decision == "merged", minimum=1)
    if decision == "merged" and errors.get("merge_into") == _("This field is required."):
        errors["merge_into"] = _("Please choose the proposal this one duplicates.")
    if errors:
        return None, errors
    return ReviewInput(decision, reason, final_cost if decision == "feasible" else None,
                       eligible and decision == "feasible", merge_into if decision == "merged" else None), errors


def _date(form: Mapping[str, str], name: str, errors: forms.Errors) -> dt.date | None:
    raw = forms.clean_text(form.get(name))
    if not raw:
        errors[name] = _("This field is required.")
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Please enter a date like 2026-03-31.")
        return None


def parse_cycle(form: Mapping[str, str]) -> tuple[CycleInput | None, forms.Errors]:
    errors: forms.Errors = {}
    name = forms.text(form, "name", errors, max_length=120, min_length=3)
    dates = {field: _date(form, field, errors) for field in phases.DATE_FIELDS}
    labels = date_labels()
    for field, code in phases.date_order_errors(dates).items():
        previous = code.split(":", 1)[1]
        errors[field] = _("This date must come after “%(previous)s”.", previous=labels[previous])
    chosen = paths.encode(p for p in paths.PATHS if form.get(f"path_{p}") == "yes")
    if errors:
        return None, errors
    return CycleInput(name=name, **dates, verification_paths=chosen), errors  # type: ignore[arg-type]


def date_labels() -> dict[str, str]:
    return {
        "ideas_open": _("Idea collection opens"),
        "deliberation_open": _("Deliberation opens"),
        "review_open": _("Council review opens"),
        "voting_open": _("Voting opens"),
        "results_open": _("Results published"),
        "delivery_open": _("Delivery starts"),
        "delivery_close": _("Delivery ends (last day)"),
    }


# ---- views -----------------------------------------------------------------------------------

class CycleView(msgspec.Struct, frozen=True):
    id: int
    name: str
    ideas_open: dt.date
    deliberation_open: dt.date
    review_open: dt.date
    voting_open: dt.date
    results_open: dt.date
    delivery_open: dt.date
    delivery_close: dt.date
    phase: str
    phase_ends: dt.date | None
    next_phase: str | None
    steps: tuple[phases.Step, ...]  # a tuple, so that a view is hashable (server/fragments.py keys on it)
    verification_paths: str = paths.DEFAULT

    @property
    def paths(self) -> frozenset[str]:
        """The ways of verification this cycle's ballots may accept (server/verification/paths.py)."""
        return paths.decode(self.verification_paths)

    @property
    def dates(self) -> phases.CycleDates:
        return phases.CycleDates.from_mapping(self)


class ProposalSummary(msgspec.Struct, frozen=True):
    id: int
    title: str
    summary: str
    category: str
    status: str
    estimated_cost: int
    final_cost: int | None
    ballot_eligible: bool
    support_count: int
    neighborhood_id: int
    neighborhood_name: str
    cycle_id: int
    cycle_name: str
    author_name: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None


class ProposalPage(msgspec.Struct, frozen=True):
    items: list[ProposalSummary]
    page: int
    has_more: bool


class Person(msgspec.Struct, frozen=True):
    id: int
    display_name: str
    email: str = ""


class TimelineEvent(msgspec.Struct, frozen=True):
    kind: str  # created, submitted, edited, feasible, not_feasible, merged
    at: dt.datetime
    actor: str
    reason: str = ""
    final_cost: int | None = None
    ballot_eligible: bool = False
    merged_into_id: int | None = None
    merged_into_title: str = ""
    # Events told by other domains (proposals/timeline_sources.py): on_ballot, funded, not_funded, delivery,
    # on_agenda and commitment (assemblies).
    title: str = ""
    url: str = ""
    note: str = ""
    until: dt.datetime | None = None


class ProposalDetail(msgspec.Struct, frozen=True):
    id: int
    title: str
    summary: str
    description: str
    category: str
    location: str
    status: str
    estimated_cost: int
    final_cost: int | None
    ballot_eligible: bool
    support_count: int
    neighborhood_id: int
    neighborhood_name: str
    cycle: CycleView
    author: Person
    co_authors: list[Person]
    merged_into_id: int | None
    merged_into_title: str
    merged_from: list[tuple[int, str]]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    updated_at: dt.datetime
    # False when a moderator hid it and the reader may see only that it is hidden: the text fields
    # above are then empty (proposals.service.proposal_access).
    readable: bool = True

    def is_editor(self, account_id: int | None) -> bool:
        return account_id is not None and (
            account_id == self.author.id or any(p.id == account_id for p in self.co_authors)
        )


class RevisionView(msgspec.Struct, frozen=True):
    number: int
    kind: str
    editor: str
    created_at: dt.datetime
    # field label key -> word diff pieces (only fields that changed; everything on the first one)
    changes: list[tuple[str, list[object]]]


class SupportState(msgspec.Struct, frozen=True):
    proposal_id: int
    count: int
    supported: bool
    changed: bool = True


class PublicProposal(msgspec.Struct, frozen=True):
    """A proposal as anyone may see it (the open data API): never a draft."""

    id: int
    cycle_id: int
    neighborhood_id: int
    neighborhood_name: str
    title: str
    summary: str
    category: str
    status: str
    estimated_cost: int
    final_cost: int | None
    ballot_eligible: bool
    support_count: int
    author_name: str
    submitted_at: dt.datetime | None
    description: str = ""
    location: str = ""


class BallotCandidate(msgspec.Struct, frozen=True):
    """A feasible, ballot-eligible proposal as the ballots domain needs it. `cost` is what the ballot
    would fund: the final cost review set, else the estimate."""

    id: int
    title: str
    summary: str
    category: str
    final_cost: int | None
    cost: int
    support_count: int
    neighborhood_id: int
    neighborhood_name: str
    cycle_id: int
