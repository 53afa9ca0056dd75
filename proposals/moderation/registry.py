"""Kinds of content that can be reported, registered by the domains that own them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


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


_KINDS: dict[str, ContentKind] = {}


def register_content_kind(name: str, describe: Describe, *, label: str, audience: Audience | None = None) -> None:
    _KINDS[name] = ContentKind(name, describe, label, audience)


def content_kind(name: str) -> ContentKind | None:
    return _KINDS.get(name)


def kind_names() -> list[str]:
    return sorted(_KINDS)
