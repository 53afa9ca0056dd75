"""Kinds of content that can be reported, registered by the domains that own them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


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


_KINDS: dict[str, ContentKind] = {}


def register_content_kind(name: str, describe: Describe, *, label: str) -> None:
    _KINDS[name] = ContentKind(name, describe, label)


def content_kind(name: str) -> ContentKind | None:
    return _KINDS.get(name)


def kind_names() -> list[str]:
    return sorted(_KINDS)
