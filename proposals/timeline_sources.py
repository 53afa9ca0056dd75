"""Later chapters of a proposal's public timeline, told by the domains that own them: the ballot it
stood on, the published result, delivery. Proposals do not know those domains; each registers a
source, which returns events for one proposal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from proposals.schemas import TimelineEvent

# (proposal id, the site's currency) -> events for the timeline.
TimelineSource = Callable[[int, str], Awaitable[list[TimelineEvent]]]

SOURCES: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    SOURCES.append(source)
    return source


async def later_events(proposal_id: int, currency: str) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for source in SOURCES:
        events.extend(await source(proposal_id, currency))
    return events
