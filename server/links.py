"""Links between items of different domains (an agenda item about a proposal, a concern linked to a
delivery item, a commitment that answers a concern), without the domains importing each other.

A domain that owns linkable items declares a `LinkKind` in its manifest as
`Kind("link", name, LinkKind(...))`; any domain stores a link as the pair (kind name, id) and asks
`resolve` for what a reader may see of it. The owner's `describe` applies its own visibility rule
(a hidden proposal, an unpublished draft or a sensitive concern is simply left out), so a link can
never show more than the linked item's own page would. A link whose target is gone or not visible
is dropped from pages, never shown as a dead or revealing title."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import msgspec

# describe(ids, viewer) -> {id: (title, url)} for the ids this viewer may see; viewer is the
# signed-in Viewer or None (the public).
Describe = Callable[[list[int], Any], Awaitable[dict[int, tuple[str, str]]]]


@dataclass(frozen=True)
class LinkKind:
    label: str  # marked with N_; translated when shown ("Proposal", "Draft section")
    describe: Describe


class Link(msgspec.Struct, frozen=True):
    kind: str
    id: int
    kind_label: str  # translated
    title: str
    url: str


def kinds() -> dict[str, LinkKind]:
    from server.domains import registry

    return registry().kinds_of("link")


def known(kind: str) -> bool:
    return kind in kinds()


async def resolve(pairs: Iterable[tuple[str, int]], viewer: Any = None) -> dict[tuple[str, int], Link]:
    """What the viewer may see of each (kind, id): one describe call per kind, unknown kinds and
    invisible or missing targets left out."""
    from server.i18n import gettext as _

    wanted: dict[str, set[int]] = {}
    for kind, id_ in pairs:
        wanted.setdefault(kind, set()).add(int(id_))
    declared = kinds()
    out: dict[tuple[str, int], Link] = {}
    for kind, ids in wanted.items():
        spec = declared.get(kind)
        if spec is None:
            continue
        for id_, (title, url) in (await spec.describe(sorted(ids), viewer)).items():
            out[(kind, id_)] = Link(kind, id_, _(spec.label), title, url)
    return out


async def resolve_one(kind: str, id_: int, viewer: Any = None) -> Link | None:
    return (await resolve([(kind, id_)], viewer)).get((kind, id_))
