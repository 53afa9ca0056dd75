"""A proposal's timeline continues through the ballots it stood on, their published results (funded
or not, with the count's own explanation) and its delivery, each linking to its page."""

from __future__ import annotations

import msgspec

from ballots.counting.schemas import CountView
from ballots.results.tables import ResultPublication
from ballots.tables import BallotCandidate
from delivery.schemas import status_label
from delivery.tables import DeliveryItem
from proposals.schemas import TimelineEvent


async def ballot_result_and_delivery(proposal_id: int, currency: str) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    stood = await BallotCandidate.select(
        BallotCandidate.ballot.id.as_alias("id"), BallotCandidate.ballot.title.as_alias("title"),
        BallotCandidate.ballot.opens_at.as_alias("opens_at"), BallotCandidate.ballot.closes_at.as_alias("closes_at"),
    ).where(BallotCandidate.proposal == proposal_id)
    for b in stood:
        events.append(TimelineEvent(kind="on_ballot", at=b["opens_at"], actor="", title=b["title"],
                                    url=f"/ballots/{b['id']}", until=b["closes_at"]))
    if stood:
        published = await ResultPublication.select(
            ResultPublication.ballot, ResultPublication.version, ResultPublication.published_at,
            ResultPublication.result_json,
        ).where(ResultPublication.ballot.is_in([b["id"] for b in stood])).order_by(ResultPublication.version)
        latest = {r["ballot"]: r for r in published}  # the newest version of each ballot's result
        titles = {b["id"]: b["title"] for b in stood}
        for ballot_id, r in latest.items():
            count = msgspec.json.decode(r["result_json"], type=CountView)
            project = next((p for p in count.projects if p.proposal_id == proposal_id), None)
            if project is None:
                continue
            events.append(TimelineEvent(
                kind="funded" if project.selected else "not_funded", at=r["published_at"], actor="",
                title=titles[ballot_id], url=f"/ballots/{ballot_id}/results",
                note=project.explanation_text or count.explanation(project, currency)))
    for item in await DeliveryItem.select(DeliveryItem.id, DeliveryItem.status, DeliveryItem.created_at).where(
            DeliveryItem.proposal == proposal_id):
        events.append(TimelineEvent(kind="delivery", at=item["created_at"], actor="", url=f"/delivery/{item['id']}",
                                    note=status_label(item["status"])))
    return events


