"""What the open data API returns: msgspec structs, so the OpenAPI schema Litestar serves is exact.
Only public information: display names but never emails, counts but never who voted."""

from __future__ import annotations

import datetime as dt

import msgspec


class PageInfo(msgspec.Struct, frozen=True):
    page: int
    per_page: int
    total: int
    has_more: bool


class CycleOut(msgspec.Struct, frozen=True):
    id: int
    name: str
    phase: str
    ideas_open: dt.date
    deliberation_open: dt.date
    review_open: dt.date
    voting_open: dt.date
    results_open: dt.date
    delivery_open: dt.date
    delivery_close: dt.date


class CyclePage(msgspec.Struct, frozen=True):
    items: list[CycleOut]
    page: PageInfo


class ProposalOut(msgspec.Struct, frozen=True):
    id: int
    cycle_id: int
    neighborhood_id: int
    neighborhood: str
    title: str
    summary: str
    category: str
    status: str
    estimated_cost: int
    final_cost: int | None
    ballot_eligible: bool
    supporters: int
    author: str
    submitted_at: dt.datetime | None
    url: str


class ProposalPage(msgspec.Struct, frozen=True):
    items: list[ProposalOut]
    page: PageInfo


class TimelineEventOut(msgspec.Struct, frozen=True):
    kind: str
    at: dt.datetime
    actor: str
    reason: str = ""
    final_cost: int | None = None
    ballot_eligible: bool = False
    merged_into_id: int | None = None


class ProposalDetailOut(msgspec.Struct, frozen=True):
    proposal: ProposalOut
    description_markdown: str
    location: str
    co_authors: list[str]
    timeline: list[TimelineEventOut]


class CandidateOut(msgspec.Struct, frozen=True):
    proposal_id: int
    title: str
    cost: int


class TurnoutGroupOut(msgspec.Struct, frozen=True):
    """A turnout group. A group with 1 to 4 voters, or hidden so that the total cannot give such a
    group away, has `count` null and `suppressed` true (never 0); `fewer_than_5` says whether the
    group itself has fewer than 5 voters. The same three fields appear in results.json and
    turnout.csv."""

    key: str
    count: int | None
    suppressed: bool = False
    fewer_than_5: bool = False


class TurnoutOut(msgspec.Struct, frozen=True):
    """`total` is null (and `total_suppressed` true) while 1 to 4 ballots count; then every group is
    suppressed too."""

    total: int | None
    by_origin: list[TurnoutGroupOut]
    by_age: list[TurnoutGroupOut]
    total_suppressed: bool = False


class BallotOut(msgspec.Struct, frozen=True):
    id: int
    cycle_id: int
    title: str
    explanation: str
    neighborhood_id: int | None
    neighborhood: str | None
    budget: int
    min_ranks: int
    max_ranks: int
    age_min: int | None
    age_max: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime
    rule: str
    state: str
    candidates: list[CandidateOut]
    turnout: TurnoutOut
    results_url: str | None


class BallotPage(msgspec.Struct, frozen=True):
    items: list[BallotOut]
    page: PageInfo


class ExplanationOut(msgspec.Struct, frozen=True):
    code: str
    params: dict[str, object]
    text: str


class ResultProjectOut(msgspec.Struct, frozen=True):
    proposal_id: int
    title: str
    cost: int
    points: int
    selected: bool
    chosen_rank: int | None
    explanation: ExplanationOut


class ResultOut(msgspec.Struct, frozen=True):
    ballot_id: int
    version: int
    published_at: dt.datetime
    statement: str
    correction_reason: str
    rule: str
    tie_break: str
    ballot_set_hash: str
    ballots_counted: int
    budget: int
    spent: int
    selected: list[int]
    projects: list[ResultProjectOut]
    ballots_file_url: str
    versions: list[int]


class MilestoneOut(msgspec.Struct, frozen=True):
    name: str
    planned_date: dt.date
    actual_date: dt.date | None
    overdue: bool


class UpdateOut(msgspec.Struct, frozen=True):
    id: int
    created_at: dt.datetime
    author: str
    body_markdown: str
    status_from: str | None
    status_to: str | None
    setback: bool
    photo_url: str | None
    photo_alt: str | None


class DeliveryItemOut(msgspec.Struct, frozen=True):
    id: int
    proposal_id: int
    ballot_id: int | None
    title: str
    neighborhood: str
    status: str
    percent_complete: int
    allocated: int
    spent: int
    overdue_milestones: int
    updated_at: dt.datetime


class DeliveryPage(msgspec.Struct, frozen=True):
    items: list[DeliveryItemOut]
    page: PageInfo


class DeliveryDetailOut(msgspec.Struct, frozen=True):
    item: DeliveryItemOut
    milestones: list[MilestoneOut]
    updates: list[UpdateOut]


class DraftVersionOut(msgspec.Struct, frozen=True):
    number: int
    published_at: dt.datetime | None
    changelog: str


class DraftOut(msgspec.Struct, frozen=True):
    id: int
    title: str
    summary: str
    period: str
    comment_opens: dt.date | None
    comment_closes: dt.date | None
    versions: list[DraftVersionOut]
    amendments: dict[str, int]


class DraftPageOut(msgspec.Struct, frozen=True):
    items: list[DraftOut]
    page: PageInfo


class DraftSectionOut(msgspec.Struct, frozen=True):
    key: int
    position: int
    heading: str
    body_markdown: str


class DraftCommentOut(msgspec.Struct, frozen=True):
    id: int
    on: str  # section | amendment
    section: str
    amendment_id: int | None
    parent_id: int | None
    author: str
    stance: str  # supports, concerns, neutral, or empty on replies
    official: bool
    votes: int
    created_at: str
    edited: bool
    # Empty when the author deleted the comment or a moderator hid it.
    body: str
    removed: bool


class AmendmentOut(msgspec.Struct, frozen=True):
    id: int
    section: str
    author: str
    status: str
    text: str
    reason: str
    decision_reason: str
    supporters: int
    base_version: int | None
    applied_version: int | None


class DraftDetailOut(msgspec.Struct, frozen=True):
    draft: DraftOut
    current_version: int | None
    sections: list[DraftSectionOut]
    amendments: list[AmendmentOut]
    comments: list[DraftCommentOut]


class IndicatorOut(msgspec.Struct, frozen=True):
    slug: str
    name: str
    unit: str
    lower_is_better: bool
    target: float | None
    target_date: dt.date | None
    source: str  # "" imported (Open SDG CSV), else the declared source it is computed from
    latest_period: str | None
    latest_value: float | None
    worsening: bool  # compared with a year earlier, never across a series break
    target_status: str  # met, missed, not_yet, none
    csv_url: str


class IndicatorValueOut(msgspec.Struct, frozen=True):
    period: str
    neighborhood_id: int | None
    neighborhood: str
    breakdown: dict[str, str]
    value: float | None  # null: about fewer than 5 people, or hidden to protect such a value
    suppressed: bool
    fewer_than_5: bool
    flag: str  # "", provisional, estimated, revised


class SeriesBreakOut(msgspec.Struct, frozen=True):
    period: str
    note: str


class IndicatorDetailOut(msgspec.Struct, frozen=True):
    indicator: IndicatorOut
    description: str
    source_notes: str
    method_notes: str
    breaks: list[SeriesBreakOut]
    values: list[IndicatorValueOut]


class SurveyOptionOut(msgspec.Struct, frozen=True):
    label: str
    count: int | None
    share: float | None
    wilson_low: float | None
    wilson_high: float | None
    suppressed: bool
    fewer_than_5: bool


class SurveyQuestionOut(msgspec.Struct, frozen=True):
    id: int
    kind: str
    text: str
    answered: int | None
    mean: float | None
    options: list[SurveyOptionOut]
    texts: list[str]


class SurveyResultsOut(msgspec.Struct, frozen=True):
    id: int
    title: str
    closes_at: dt.datetime
    respondents: int | None
    questions: list[SurveyQuestionOut]
