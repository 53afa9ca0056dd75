"""What a person follows, across domains: each domain that lets people follow something declares a
source listing one account's follows in its manifest (`follow_sources`), and /account/following
shows them together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec


class Followed(msgspec.Struct, frozen=True):
    kind: str  # translated, e.g. "Proposal", "Funded project"
    title: str
    url: str


FollowSource = Callable[[int], Awaitable[list[Followed]]]

async def followed_by(account_id: int) -> list[Followed]:
    from server.domains import registry

    found: list[Followed] = []
    for source in registry().follow_sources:
        found.extend(await source(account_id))
    return found
