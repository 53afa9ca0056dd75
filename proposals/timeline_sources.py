"""Later chapters of a proposal's public timeline, told by the domains that own them: the ballot it
stood on, the published result, delivery. Proposals do not know those domains; each declares a
source in its manifest (`kinds=[timeline_sources.kind(...)]`), which returns events for one proposal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from proposals.schemas import TimelineEvent
from server.domains import Kind, registry

# (proposal id, the site's currency) -> events for the timeline.
TimelineSource = Callable[[int, str], Awaitable[list[TimelineEvent]]]

COMPONENT = "timeline_source"


def kind(name: str, source: TimelineSource) -> Kind:
    return Kind(COMPONENT, name, source)


async def later_events(proposal_id: int, currency: str) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for source in registry().kinds_of(COMPONENT).values():
        events.extend(await source(proposal_id, currency))
    return events
