"""Proposals and draft sections as link targets for other domains (server/links.py)."""

from __future__ import annotations

from typing import Any

from proposals import service
from proposals.drafts import service as drafts_service
from proposals.tables import Proposal
from server.links import LinkKind
from server.navigation import N_


async def _proposals(ids: list[int], viewer: Any) -> dict[int, tuple[str, str]]:
    readable = await service.readable_ids(ids, viewer)
    if not readable:
        return {}
    rows = await Proposal.select(Proposal.id, Proposal.title).where(Proposal.id.is_in(sorted(readable)))
    return {r["id"]: (r["title"], f"/proposals/{r['id']}") for r in rows}


async def _draft_sections(keys: list[int], viewer: Any) -> dict[int, tuple[str, str]]:
    # Published versions only (as on the public draft pages); the URL points at the section.
    found = await drafts_service.describe_sections(keys)
    return {key: (info.title, f"{info.url}#section-{key}") for key, info in found.items()}


LINK_KINDS = {
    "proposal": LinkKind(N_("Proposal"), _proposals),
    "draft_section": LinkKind(N_("Draft procedure section"), _draft_sections),
}
