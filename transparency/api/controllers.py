"""The read-only open data API (/api/v1): everything public, paginated, described by the OpenAPI
schema at /api/schema. Controllers map domain services to the API's own structs, so a change in a
page's view model never silently changes the public contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from ballots import batch_service
from ballots import service as ballots_service
from ballots.results import service as results
from ballots.schemas import BallotView, PublicCodeEvent, TurnoutView
from delivery import service as delivery
from indicators import service as indicators
from indicators.surveys import service as surveys
from proposals import service as proposals
from proposals.drafts import service as drafts
from proposals.schemas import PublicProposal
from server.api_docs import docs_template
from server.replica import REPLICA_OK
from server.small_groups import machine_cell
from transparency.api.schemas import (
    AccessCodeEventOut,
    AmendmentOut,
    BallotOut,
    BallotPage,
    CandidateOut,
    CycleOut,
    CyclePage,
    DeliveryDetailOut,
    DeliveryItemOut,
    DeliveryPage,
    DraftCommentOut,
    DraftDetailOut,
    DraftOut,
    DraftPageOut,
    DraftSectionOut,
    DraftVersionOut,
    ExplanationOut,
    IndicatorDetailOut,
    IndicatorOut,
    IndicatorValueOut,
    MilestoneOut,
    PageInfo,
    ProposalDetailOut,
    ProposalOut,
    ProposalPage,
    ResultOut,
    ResultProjectOut,
    SeriesBreakOut,
    SurveyOptionOut,
    SurveyQuestionOut,
    SurveyResultsOut,
    TimelineEventOut,
    TurnoutGroupOut,
    TurnoutOut,
    UpdateOut,
)

T = TypeVar("T")
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=100_000, description="Page, from 1")]
PerPage = Annotated[int, QueryParameter(name="per_page", ge=1, le=200, description="Items per page")]
# Ids are database integers: bounding them keeps the schema honest and out-of-range ids out of queries.
Id = Annotated[int, PathParameter(ge=1, le=2_147_483_647)]


def _slice(items: Sequence[T], page: int, per_page: int) -> tuple[list[T], PageInfo]:
    start = (page - 1) * per_page
    chunk = list(items[start:start + per_page])
    return chunk, PageInfo(page, per_page, len(items), start + per_page < len(items))


def _cycle(c: object) -> CycleOut:
    return CycleOut(c.id, c.name, c.phase, c.ideas_open, c.deliberation_open, c.review_open,  # type: ignore[attr-defined]
                    c.voting_open, c.results_open, c.delivery_open, c.delivery_close)  # type: ignore[attr-defined]


def _proposal(p: PublicProposal) -> ProposalOut:
    return ProposalOut(
        id=p.id, cycle_id=p.cycle_id, neighborhood_id=p.neighborhood_id, neighborhood=p.neighborhood_name,
        title=p.title, summary=p.summary, category=p.category, status=p.status,
        estimated_cost=p.estimated_cost, final_cost=p.final_cost, ballot_eligible=p.ballot_eligible,
        supporters=p.support_count, author=p.author_name, submitted_at=p.submitted_at,
        url=f"/proposals/{p.id}",
    )


def _draft(d: object) -> DraftOut:
    return DraftOut(d.id, d.title, d.summary, d.period, d.comment_opens, d.comment_closes,  # type: ignore[attr-defined]
                    [DraftVersionOut(v.number, v.published_at, v.changelog) for v in d.versions],  # type: ignore[attr-defined]
                    dict(d.counts))  # type: ignore[attr-defined]


def _turnout(t: object) -> TurnoutOut:
    def group(g: object) -> TurnoutGroupOut:
        return TurnoutGroupOut(g.key, **machine_cell(g.count, g.fewer_than_five))  # type: ignore[attr-defined]

    return TurnoutOut(
        total=t.total,  # type: ignore[attr-defined]
        by_origin=[group(g) for g in t.by_origin],  # type: ignore[attr-defined]
        by_age=[group(g) for g in t.by_age],  # type: ignore[attr-defined]
        total_suppressed=t.total is None,  # type: ignore[attr-defined]
    )


def _item(i: object) -> DeliveryItemOut:
    return DeliveryItemOut(i.id, i.proposal_id, i.ballot_id, i.title, i.neighborhood_name, i.status,  # type: ignore[attr-defined]
                           i.percent_complete, i.allocated, i.spent, i.overdue_count, i.updated_at)  # type: ignore[attr-defined]


class OpenDataController(Controller):
    path = "/api/v1"
    tags = ["open data"]
    opt = REPLICA_OK  # public and read-only: may read from the read replica (server/replica.py)

    @get("/", include_in_schema=False)
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        """/api/v1 itself: the documentation, so the API's address leads somewhere readable."""
        return docs_template(request)

    @get("/cycles", summary="Budget cycles and their phases")
    async def cycles(self, page: PageNumber = 1, per_page: PerPage = 50) -> CyclePage:
        items, info = _slice([_cycle(c) for c in await proposals.list_cycles()], page, per_page)
        return CyclePage(items, info)

    @get("/cycles/{cycle_id:int}", summary="One budget cycle")
    async def cycle(self, cycle_id: Id) -> CycleOut:
        c = await proposals.get_cycle(cycle_id)
        if c is None:
            raise NotFoundException()
        return _cycle(c)

    @get("/proposals", summary="Submitted proposals (never drafts)")
    async def proposals(self, page: PageNumber = 1, per_page: PerPage = 50,
                        cycle: Annotated[int | None, QueryParameter(name="cycle", required=False)] = None,
                        status: Annotated[str | None, QueryParameter(name="status", required=False)] = None,
                        ) -> ProposalPage:
        rows, total = await proposals.public_proposals(cycle_id=cycle, status=status, limit=per_page,
                                                       offset=(page - 1) * per_page)
        return ProposalPage([_proposal(p) for p in rows], PageInfo(page, per_page, total, page * per_page < total))

    @get("/proposals/{proposal_id:int}", summary="One proposal with its public review timeline")
    async def proposal(self, proposal_id: Id) -> ProposalDetailOut:
        row = await proposals.public_proposal(proposal_id)
        if row is None:
            raise NotFoundException()
        detail = await proposals.get_proposal(proposal_id, None)
        timeline = [TimelineEventOut(e.kind, e.at, e.actor, e.reason, e.final_cost, e.ballot_eligible, e.merged_into_id)
                    for e in await proposals.timeline(proposal_id)]
        return ProposalDetailOut(_proposal(row), row.description, row.location,
                                 [p.display_name for p in detail.co_authors] if detail else [], timeline)

    async def _ballots(self, ballot_ids: list[int], published: set[int]) -> list[BallotOut]:
        turnouts = await ballots_service.turnouts(ballot_ids)
        events = await batch_service.public_records(ballot_ids)
        return [self._ballot(b, turnouts[b.id], published, events[b.id])
                for b in await ballots_service.get_ballots(ballot_ids)]

    @staticmethod
    def _ballot(b: BallotView, turnout: TurnoutView, published: set[int],
                events: list[PublicCodeEvent]) -> BallotOut:
        return BallotOut(
            id=b.id, cycle_id=b.cycle_id, title=b.title, explanation=b.explanation,
            neighborhood_id=b.neighborhood_id, neighborhood=b.neighborhood_name, budget=b.budget,
            min_ranks=b.min_ranks, max_ranks=b.max_ranks, age_min=b.age_min, age_max=b.age_max,
            opens_at=b.opens_at, closes_at=b.closes_at, rule=b.rule, state=b.state,
            candidates=[CandidateOut(c.proposal_id, c.title, c.cost) for c in b.candidates],
            turnout=_turnout(turnout),
            results_url=f"/api/v1/ballots/{b.id}/results" if b.id in published else None,
            access_code_events=[AccessCodeEventOut(e.kind, e.at, e.batch_number, e.batch_name, e.quantity,
                                                   e.partner_name, e.reason) for e in events],
        )

    @get("/ballots", summary="Ballots: public settings, candidates and live turnout")
    async def ballots(self, page: PageNumber = 1, per_page: PerPage = 50) -> BallotPage:
        views, info = _slice(await ballots_service.list_ballots(), page, per_page)
        published = set(await results.ballots_with_results())
        return BallotPage(await self._ballots([v.id for v in views], published), info)

    @get("/ballots/{ballot_id:int}", summary="One ballot")
    async def ballot(self, ballot_id: Id) -> BallotOut:
        found = await self._ballots([ballot_id], set(await results.ballots_with_results()))
        if not found:
            raise NotFoundException()
        return found[0]

    @get("/ballots/{ballot_id:int}/results", summary="The published result of a ballot, with explanations")
    async def result(self, ballot_id: Id,
                     version: Annotated[int | None, QueryParameter(name="version", required=False, ge=1)] = None,
                     ) -> ResultOut:
        p = await results.get_publication(ballot_id, version)
        if p is None:
            raise NotFoundException()
        c = p.count
        return ResultOut(
            ballot_id=ballot_id, version=p.version, published_at=p.published_at, statement=p.statement,
            correction_reason=p.correction_reason, rule=c.rule, tie_break=c.tie_break,
            ballot_set_hash=c.ballot_set_hash, ballots_counted=c.ballots_counted, budget=c.budget, spent=c.spent,
            selected=[f.proposal_id for f in c.funded],
            projects=[ResultProjectOut(x.proposal_id, x.title, x.cost, x.points, x.selected, x.chosen_rank,
                                       ExplanationOut(x.explanation_code, x.explanation_params, x.explanation_text))
                      for x in c.projects],
            ballots_file_url=f"/ballots/{ballot_id}/results/ballots.pb?version={p.version}",
            versions=[v.version for v in await results.publications(ballot_id)],
        )

    @get("/delivery", summary="Delivery items of funded projects")
    async def delivery_items(self, page: PageNumber = 1, per_page: PerPage = 50) -> DeliveryPage:
        items, info = _slice(await delivery.list_items(), page, per_page)
        return DeliveryPage([_item(i) for i in items], info)

    @get("/delivery/{item_id:int}", summary="One delivery item with milestones and updates")
    async def delivery_item(self, item_id: Id) -> DeliveryDetailOut:
        d = await delivery.get_item(item_id)
        if d is None:
            raise NotFoundException()
        return DeliveryDetailOut(
            item=_item(d.item),
            milestones=[MilestoneOut(m.name, m.planned_date, m.actual_date, m.overdue) for m in d.milestones],
            updates=[UpdateOut(u.id, u.created_at, u.author_name, u.body, u.status_from, u.status_to, u.setback,
                               f"/delivery/photos/{u.photo_name}" if u.photo_name else None, u.photo_alt)
                     for u in d.updates],
        )

    @get("/drafts", summary="Draft procedures put up for public comment")
    async def drafts(self, page: PageNumber = 1, per_page: PerPage = 50) -> DraftPageOut:
        items, info = _slice([_draft(d) for d in await drafts.list_drafts()], page, per_page)
        return DraftPageOut(items, info)

    @get("/drafts/{draft_id:int}", summary="A draft procedure: current text, amendments and every comment")
    async def draft(self, draft_id: Id) -> DraftDetailOut:
        published = {d.id: d for d in await drafts.list_drafts()}
        if draft_id not in published:
            raise NotFoundException()
        info = published[draft_id]
        sections: list[DraftSectionOut] = []
        if info.current is not None:
            version = await drafts.version_page(draft_id, info.current.number)
            sections = [DraftSectionOut(s.key, s.position, s.heading, s.body) for s in version.sections]
        data = await drafts.export(draft_id)
        return DraftDetailOut(
            draft=_draft(info), current_version=info.current.number if info.current else None, sections=sections,
            amendments=[AmendmentOut(a["id"], a["section"], a["author"], a["status"], a["text"], a["reason"],
                                     a["decision_reason"], a["supporters"], a["base_version"], a["applied_version"])
                        for a in data["amendments"] if not a["hidden"]],
            comments=[DraftCommentOut(
                id=c["id"], on=c["on"], section=c["section"], amendment_id=c["amendment_id"], parent_id=c["parent_id"],
                author=c["author"], stance=c["stance"], official=c["official"], votes=c["votes"],
                created_at=c["created_at"], edited=c["edited"],
                body="" if (c["deleted"] or c["hidden"]) else c["body"], removed=c["deleted"] or c["hidden"],
            ) for c in data["comments"]],
        )

    @get("/indicators", summary="Safety indicators, with their latest value and whether a target was missed")
    async def indicators(self) -> list[IndicatorOut]:
        return [_indicator(d) for d in await indicators.details()]

    @get("/indicators/{slug:str}", summary="One indicator with every value (small groups suppressed)")
    async def indicator(self, slug: Annotated[str, PathParameter(max_length=60)]) -> IndicatorDetailOut:
        try:
            d = await indicators.get_indicator(slug)
        except indicators.NotFound as exc:
            raise NotFoundException() from exc
        i = d.indicator
        return IndicatorDetailOut(
            indicator=_indicator(d), description=i.description, source_notes=i.source_notes,
            method_notes=i.method_notes, breaks=[SeriesBreakOut(b.period, b.note) for b in d.breaks],
            values=[IndicatorValueOut(v.period, v.neighborhood_id, v.neighborhood, v.breakdown, v.value,
                                      v.value is None, v.fewer_than_5, v.flag) for v in d.values])

    @get("/surveys/{survey_id:int}/results", summary="A closed survey's results (small groups suppressed)")
    async def survey_results(self, survey_id: Id) -> SurveyResultsOut:
        r = await surveys.results(survey_id)
        if r is None:
            raise NotFoundException()
        return SurveyResultsOut(r.survey.id, r.survey.title, r.survey.closes_at, r.respondents, [
            SurveyQuestionOut(q.question.id, q.question.kind, q.question.text, q.answered, q.mean, [
                SurveyOptionOut(o.label, o.count, o.share.share if o.share else None,
                                o.share.low if o.share else None, o.share.high if o.share else None,
                                o.count is None, o.fewer_than_5) for o in q.options], q.texts)
            for q in r.questions])


def _indicator(d: Any) -> IndicatorOut:
    i = d.indicator
    a = indicators.assess(d)
    return IndicatorOut(i.slug, i.name, i.unit, i.lower_is_better, i.target, i.target_date, i.source,
                        a.latest.period if a.latest else None, a.latest.value if a.latest else None, a.worsening,
                        a.target_status, f"/indicators/{i.slug}/data.csv")
