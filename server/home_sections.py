"""The home page says what is happening now in the reader's neighborhood. Each domain contributes
sections (ideas being collected, a ballot open, results published) in their manifest, without the host
knowing the details: a section provider returns a template and its context, or None when it has nothing to say."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable

import msgspec

from server.current_user import Viewer
from server.domains import registry
from server.neighborhoods.schemas import NeighborhoodView


class HomeSection(msgspec.Struct, frozen=True):
    template: str
    context: dict[str, object]
    order: int = 50
    # Hashable, and holding everything the section shows but the language (its context's values, as
    # frozen structs and tuples): its HTML is then rendered once per key and language
    # (server/fragments.py). None: rendered on every request.
    key: Hashable | None = None


# A provider gets the neighborhood the page is about (the reader's own, or the one picked; None: the
# whole city) as the page already read it, so no section looks it up again (issue 21).
SectionProvider = Callable[[Viewer | None, NeighborhoodView | None], Awaitable[HomeSection | None]]


async def collect_sections(viewer: Viewer | None, neighborhood: NeighborhoodView | None) -> list[HomeSection]:
    sections = [s for p in registry().home_sections if (s := await p(viewer, neighborhood)) is not None]
    return sorted(sections, key=lambda s: s.order)
