"""Kinds of thread targets, declared in the manifest of the domain that owns the target:

    Domain(..., kinds=[threads.registry.kind("proposal", describe)])"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from server.domains import Kind, registry

COMPONENT = "thread"


@dataclass(frozen=True)
class TargetInfo:
    """What the thread needs to know about its target, supplied by the owning domain."""

    url: str  # the page showing the thread, without a fragment (no-JS posts come back to url#comment-N)
    title: str  # for notifications: "replied to your comment on “TITLE”"
    is_open: bool = True  # may people post now?
    closed_reason: str = ""  # translated, e.g. "The comment period closed on 3 March 2027."


Describe = Callable[[list[int]], Awaitable[dict[int, TargetInfo]]]
# `audience(ids, viewer)`: the ids whose thread this viewer may read (the owning domain's
# visibility rule); `viewer` is a server.current_user.Viewer or None. Missing ids are "not found".
Audience = Callable[[list[int], Any], Awaitable[set[int]]]
Followers = Callable[[int], Awaitable[list[int]]]


@dataclass(frozen=True)
class ThreadKind:
    name: str
    describe: Describe
    stances: bool = False  # top-level comments carry a stance (supports / has concerns / neutral)
    audience: Audience | None = None  # None: every existing target is public
    # Who hears of every new comment (a proposal's followers, its authors among them); None: nobody.
    followers: Followers | None = None


def kind(name: str, describe: Describe, *, stances: bool = False, audience: Audience | None = None,
         followers: Followers | None = None) -> Kind:
    """A manifest entry. `describe(ids)` returns a TargetInfo for each id that exists (one query for
    all ids, please: a page may load 20 threads at once). Ids missing from the result are treated
    as not found."""
    return Kind(COMPONENT, name, ThreadKind(name, describe, stances, audience, followers))


def thread_kind(name: str) -> ThreadKind | None:
    return registry().kinds_of(COMPONENT).get(name)
