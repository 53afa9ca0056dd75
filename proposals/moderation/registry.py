"""Kinds of content that can be reported, declared in the manifests of the domains that own them:

    Domain(..., kinds=[moderation.registry.kind("comment", describe, label=N_("comment"))])"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from server.domains import Kind, registry

COMPONENT = "moderation"


@dataclass(frozen=True)
class ContentInfo:
    author_id: int
    url: str
    title: str
    excerpt: str = ""


Describe = Callable[[list[int]], Awaitable[dict[int, ContentInfo]]]
# `audience(ids, viewer)`: the ids this viewer may read (the owning domain's visibility rule);
# `viewer` is a server.current_user.Viewer or None. None: every existing item is public.
Audience = Callable[[list[int], Any], Awaitable[set[int]]]


@dataclass(frozen=True)
class ContentKind:
    name: str
    describe: Describe
    label: str  # English, translated when shown
    audience: Audience | None = None


def kind(name: str, describe: Describe, *, label: str, audience: Audience | None = None) -> Kind:
    """A manifest entry: `describe(ids)` returns a ContentInfo for each id that exists."""
    return Kind(COMPONENT, name, ContentKind(name, describe, label, audience))


def content_kind(name: str) -> ContentKind | None:
    return registry().kinds_of(COMPONENT).get(name)


def kind_names() -> list[str]:
    return sorted(registry().kinds_of(COMPONENT))
