"""What a person follows, across domains: each domain that lets people follow something registers a
source listing one account's follows, and /account/following shows them together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec


class Followed(msgspec.Struct, frozen=True):
    kind: str  # translated, e.g. "Proposal", "Funded project"
    title: str
    url: str


FollowSource = Callable[[int], Awaitable[list[Followed]]]

SOURCES: list[FollowSource] = []


def register_follow_source(source: FollowSource) -> FollowSource:
    SOURCES.append(source)
    return source


async def followed_by(account_id: int) -> list[Followed]:
    found: list[Followed] = []
    for source in SOURCES:
        found.extend(await source(account_id))
    return found
