"""Kinds of content that can be reported, declared in the manifests of the domains that own them:

    Domain(..., kinds=[moderation.registry.kind("comment", describe, label=N_("comment"))])"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from server.domains import Kind, registry

COMPONENT = "moderation"


@dataclass(frozen=True)
class ContentInfo:
    author_id: int
    url: str
    title: str
    excerpt: str = ""


Describe = Callable[[list[int]], Awaitable[dict[int, ContentInfo]]]


@dataclass(frozen=True)
class ContentKind:
    name: str
    describe: Describe
    label: str  # English, translated when shown


def kind(name: str, describe: Describe, *, label: str) -> Kind:
    """A manifest entry: `describe(ids)` returns a ContentInfo for each id that exists."""
    return Kind(COMPONENT, name, ContentKind(name, describe, label))


def content_kind(name: str) -> ContentKind | None:
    return registry().kinds_of(COMPONENT).get(name)


def kind_names() -> list[str]:
    return sorted(registry().kinds_of(COMPONENT))
