"""A concern's public description as reportable content (proposals/moderation): staff approval is
the first gate, and anyone may still report a published description; a moderator can hide it. The
one answering for it is the reporter when known, else the staff member who approved it (an
anonymous reporter cannot be told, and must not be identified by asking)."""

from __future__ import annotations

from typing import Any

from concerns import service
from concerns.tables import Concern
from proposals.moderation import registry
from proposals.moderation.registry import ContentInfo
from server.navigation import N_

KIND = "concern"


async def _rows(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return await Concern.select(
        Concern.id, Concern.account, Concern.approved_by, Concern.description, Concern.description_public,
        Concern.description_approved, Concern.category.name.as_alias("category_name"),
        Concern.category.sensitive.as_alias("sensitive"), Concern.category.oversight.as_alias("oversight"),
    ).where(Concern.id.is_in(ids))


def _published(row: dict[str, Any]) -> bool:
    return service.description_shown(service.PUBLIC, allowed=row["description_public"],
                                     approved=row["description_approved"], sensitive=row["sensitive"],
                                     oversight=row["oversight"])


async def describe(ids: list[int]) -> dict[int, ContentInfo]:
    """Only published descriptions can be reported."""
    return {r["id"]: ContentInfo(author_id=r["account"] or r["approved_by"], url=f"/concerns/{r['id']}",
                                 title=service.subject_of(r["id"], r["category_name"]),
                                 excerpt=r["description"][:200])
            for r in await _rows(ids) if _published(r) and (r["account"] or r["approved_by"])}


async def audience(ids: list[int], viewer: Any) -> set[int]:
    return {r["id"] for r in await _rows(ids) if _published(r)}


KINDS = [registry.kind(KIND, describe, label=N_("concern"), audience=audience)]
