"""Meetings and commitments as link targets for other domains (server/links.py): a concern answered
by a commitment, a proposal discussed at an assembly. Both are public, so every existing one may be
shown."""

from __future__ import annotations

from typing import Any

from assemblies.tables import Commitment, Meeting
from server.links import LinkKind
from server.navigation import N_


async def _meetings(ids: list[int], viewer: Any) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = await Meeting.select(Meeting.id, Meeting.title).where(Meeting.id.is_in(ids))
    return {r["id"]: (r["title"], f"/meetings/{r['id']}") for r in rows}


async def _commitments(ids: list[int], viewer: Any) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = await Commitment.select(Commitment.id, Commitment.title).where(Commitment.id.is_in(ids))
    return {r["id"]: (r["title"], f"/commitments/{r['id']}") for r in rows}


async def _bodies(ids: list[int], viewer: Any) -> dict[int, tuple[str, str]]:
    from assemblies.tables import Body

    if not ids:
        return {}
    rows = await Body.select(Body.id, Body.name).where(Body.id.is_in(ids))
    return {r["id"]: (r["name"], f"/boards/{r['id']}") for r in rows}


LINK_KINDS = {
    "meeting": LinkKind(N_("Meeting"), _meetings),
    "board": LinkKind(N_("Advisory board or task force"), _bodies),
    "commitment": LinkKind(N_("Commitment"), _commitments),
}
