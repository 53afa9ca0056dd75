"""Ballot structs for pages and services, and the council's ballot settings form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from ballots.eligibility import DEFAULT_VOTERS, VOTER_LABELS, VOTERS, allowed_voters
from server import clock, forms
from server.i18n import gettext as _
from server.i18n import lazy_gettext
from server.verification import paths

ORIGINS = ("online", "code", "paper")
ORIGIN_LABELS = {
    "online": lazy_gettext("Online with an account"),
    "code": lazy_gettext("With an access code"),
    "paper": lazy_gettext("Paper ballot"),
}
# The counting rule's key (what ballots/tally understands), its name, and what it does in plain words.
RULES = {
    "mes": (
        lazy_gettext("Method of Equal Shares"),
        lazy_gettext(
            "The budget is split equally among all voters. A project is funded when the people who "
            "ranked it can pay for it together from their shares, starting with the projects that are "
            "cheapest per supporter. This way every group of voters gets a fair part of the budget, not "
            "only the largest group. Any money left at the end goes to the most popular projects that still fit."
        ),
    ),
    "greedy": (
        lazy_gettext("Most points first"),
        lazy_gettext(
            "Each ranking gives points: your first choice gets the most, your last the fewest. Projects "
            "are funded in order of total points, skipping any that no longer fit in the budget."
        ),
    ),
    "ear": (
        lazy_gettext("Expanding approvals"),
        lazy_gettext(
            "Your first choice counts first; if projects still cannot be funded, your next choices are "
            "added step by step. A project is funded once enough voters who rank it highly can share its "
            "cost, so groups of voters get projects in proportion to their size."
        ),
    ),
}
DEFAULT_RULE = "mes"
MAX_BUDGET = 1_000_000_000
MAX_RANKS = 20


class CandidateView(msgspec.Struct, frozen=True):
    proposal_id: int
    title: str
    summary: str
    cost: int
    neighborhood_name: str = ""


class BallotView(msgspec.Struct, frozen=True):
    id: int
    title: str
    explanation: str
    cycle_id: int
    cycle_name: str
    neighborhood_id: int | None
    neighborhood_name: str | None
    budget: int
    max_ranks: int
    min_ranks: int
    age_min: int | None
    age_max: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime
    rule: str
    state: str  # upcoming, open, closed
    candidates: list[CandidateView] = []
    decided_after: int | None = None
    voters: str = DEFAULT_VOTERS  # ballots/eligibility.py VOTERS
    cycle_paths: str = paths.DEFAULT  # the ways of verification the budget cycle enables

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def city_wide(self) -> bool:
        return self.neighborhood_id is None

    @property
    def has_age_window(self) -> bool:
        return self.age_min is not None or self.age_max is not None

    @property
    def voters_label(self) -> str:
        """Who may vote, by how they show it, in the reader's language."""
        return _(VOTER_LABELS.get(self.voters, VOTER_LABELS[DEFAULT_VOTERS]))

    @property
    def accepts_codes(self) -> bool:
        return VOTERS.get(self.voters, VOTERS[DEFAULT_VOTERS])[1] and paths.CODES in paths.decode(self.cycle_paths)

    @property
    def accepts_accounts(self) -> bool:
        return VOTERS.get(self.voters, VOTERS[DEFAULT_VOTERS])[0] is not None

    @property
    def needs_verified(self) -> bool:
        return VOTERS.get(self.voters, VOTERS[DEFAULT_VOTERS])[0] == "verified"

    @property
    def rule_name(self) -> str:
        return str(RULES[self.rule][0]) if self.rule in RULES else self.rule

    @property
    def rule_explanation(self) -> str:
        return str(RULES[self.rule][1]) if self.rule in RULES else ""

    def candidate(self, proposal_id: int) -> CandidateView | None:
        return next((c for c in self.candidates if c.proposal_id == proposal_id), None)


class BallotSettings(msgspec.Struct, frozen=True):
    cycle_id: int
    neighborhood_id: int | None
    title: str
    explanation: str
    budget: int
    max_ranks: int
    min_ranks: int
    age_min: int | None
    age_max: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime
    rule: str
    candidate_ids: list[int]
    # The ballot of the same cycle decided before this one (see Ballot.decided_after), if any.
    decided_after: int | None = None
    voters: str = DEFAULT_VOTERS


class ChangeView(msgspec.Struct, frozen=True):
    changed_at: dt.datetime
    changed_by: str
    field: str
    old_value: str
    new_value: str


class ReceiptView(msgspec.Struct, frozen=True):
    ballot_id: int
    ballot_title: str
    ranking: list[CandidateView]
    origin: str  # "" once voting has closed: counted ballots keep no origin
    cast_on: dt.date | None  # None once voting has closed: counted ballots keep no day
    superseded: bool
    can_replace: bool
    fingerprint: str = ""  # as it appears in the published .pb file


class TurnoutGroup(msgspec.Struct, frozen=True):
    key: str
    label: str
    count: int | None
    fewer_than_five: bool


class TurnoutView(msgspec.Struct, frozen=True):
    total: int | None  # None: fewer than five
    by_origin: list[TurnoutGroup]
    by_age: list[TurnoutGroup]


class PaperSheetView(msgspec.Struct, frozen=True):
    id: int
    sheet_ref: str
    status: str
    first_by: str
    second_by: str | None
    first_ranking: list[int]
    second_ranking: list[int] | None


def parse_datetime(form: Mapping[str, str], name: str, errors: forms.Errors) -> dt.datetime | None:
    """A `datetime-local` field, read on the city's clock (the label names the zone), as a UTC moment."""
    raw = forms.clean_text(form.get(name))
    if not raw:
        errors[name] = _("This field is required.")
        return None
    try:
        return clock.from_local(dt.datetime.fromisoformat(raw))
    except clock.NonexistentLocalTime:
        errors[name] = _("Clocks in %(zone)s skip this time when summer time starts. Please choose another time.",
                         zone=clock.zone_name())
    except ValueError:
        errors[name] = _("Please enter a date and time like 2026-05-01 09:00.")
    return None


def parse_settings(
    form: Mapping[str, list[str]],
    cycle_ids: set[int],
    neighborhood_ids: set[int],
    eligible_ids: set[int],
    ballot_ids: set[int] | None = None,
    cycle_paths: Mapping[int, frozenset[str]] | None = None,
) -> tuple[BallotSettings | None, forms.Errors]:
    """Check the ballot settings form. `eligible_ids`: proposals the council may put on this ballot
    (feasible, ballot-eligible, in the chosen cycle and fund); `ballot_ids`: the ballots this one
    may be decided after (the service checks the cycle and shared projects)."""
    single = {key: values[-1] if values else "" for key, values in form.items()}
    errors: forms.Errors = {}
    title = forms.text(single, "title", errors, max_length=120, min_length=3)
    explanation = forms.text(single, "explanation", errors, max_length=2000, required=False)
    cycle_id = forms.integer(single, "cycle_id", errors)
    if cycle_id is not None and cycle_id not in cycle_ids:
        errors["cycle_id"] = _("Please choose a budget cycle from the list.")
    fund = forms.clean_text(single.get("fund"))
    neighborhood_id: int | None = None
    if fund == "city":
        neighborhood_id = None
    elif fund.isdigit() and int(fund) in neighborhood_ids:
        neighborhood_id = int(fund)
    else:
        errors["fund"] = _("Please choose a neighborhood fund or the city-wide fund.")
    budget = forms.integer(single, "budget", errors, minimum=1, maximum=MAX_BUDGET)
    max_ranks = forms.integer(single, "max_ranks", errors, minimum=1, maximum=MAX_RANKS)
    min_ranks = forms.integer(single, "min_ranks", errors, minimum=1, maximum=MAX_RANKS)
    if max_ranks is not None and min_ranks is not None and min_ranks > max_ranks and "min_ranks" not in errors:
        errors["min_ranks"] = _("The minimum cannot be larger than the maximum number of ranks.")
    age_min = forms.integer(single, "age_min", errors, required=False, minimum=0, maximum=120)
    age_max = forms.integer(single, "age_max", errors, required=False, minimum=0, maximum=120)
    if age_min is not None and age_max is not None and age_min > age_max and "age_max" not in errors:
        errors["age_max"] = _("The oldest age cannot be lower than the youngest age.")
    opens_at = parse_datetime(single, "opens_at", errors)
    closes_at = parse_datetime(single, "closes_at", errors)
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("Voting must close after it opens.")
    rule = forms.choice(single, "rule", errors, RULES)
    candidate_ids: list[int] = []
    for raw in form.get("candidates", []):
        if raw.isdigit() and int(raw) in eligible_ids and int(raw) not in candidate_ids:
            candidate_ids.append(int(raw))
        else:
            errors["candidates"] = _("Please choose projects from the list of feasible projects.")
    if (not candidate_ids and "candidates" not in errors) or (len(candidate_ids) < 2 and "candidates" not in errors):
        errors["candidates"] = _("Please choose at least two projects for the ballot.")
    if max_ranks is not None and candidate_ids and max_ranks > len(candidate_ids) and "max_ranks" not in errors:
        errors["max_ranks"] = _("Voters cannot rank more projects than the ballot has (%(n)s).", n=len(candidate_ids))
    decided_after = forms.integer(single, "decided_after", errors, required=False)
    if decided_after is not None and decided_after not in (ballot_ids or set()):
        errors["decided_after"] = _("Please choose a ballot from the list, or none.")
    voters = single.get("voters") or DEFAULT_VOTERS
    if voters not in VOTERS:
        errors["voters"] = _("Please choose who may vote from the list.")
    elif cycle_paths is not None and cycle_id in cycle_paths and voters not in allowed_voters(cycle_paths[cycle_id]):
        errors["voters"] = _("The budget cycle does not enable this way of verification. Choose another, or "
                             "enable it on the cycle's page.")
    if errors:
        return None, errors
    assert cycle_id is not None and budget is not None and max_ranks is not None and min_ranks is not None
    assert opens_at is not None and closes_at is not None
    return (
        BallotSettings(cycle_id, neighborhood_id, title, explanation, budget, max_ranks, min_ranks, age_min, age_max,
                       opens_at, closes_at, rule, candidate_ids, decided_after, voters),
        errors,
    )


class BatchSpec(msgspec.Struct, frozen=True):
    """A batch of access codes council asks for (ballots/batches.py has its rules)."""

    name: str
    quantity: int
    age_min: int | None = None
    age_max: int | None = None
    partner_id: int | None = None


class BatchView(msgspec.Struct, frozen=True):
    """A batch as council and its partner see it: counts only, never who voted or how."""

    id: int
    ballot_id: int
    ballot_title: str
    ballot_state: str
    number: int
    name: str
    quantity: int
    used: int
    age_min: int | None
    age_max: int | None
    partner_id: int | None
    partner_name: str
    status: str  # requested, issued, voided, refused (ballots/batches.py)
    after_opening: bool
    requested_by_id: int | None
    requested_by: str
    requested_at: dt.datetime
    confirmed_by: str
    issued_at: dt.datetime | None
    voided_by: str
    voided_at: dt.datetime | None
    void_reason: str
    fits: bool  # its age window lies inside the ballot's (else its codes cannot vote)

    @property
    def has_window(self) -> bool:
        return self.age_min is not None or self.age_max is not None


class PublicCodeEvent(msgspec.Struct, frozen=True):
    """What the public record of a ballot's access codes says: codes issued after voting opened
    (with both council members' confirmation), and batches voided."""

    kind: str  # issued_after_opening, voided
    at: dt.datetime
    batch_number: int
    batch_name: str
    quantity: int
    partner_name: str
    reason: str = ""

