"""Helpers for draft procedure tests: a published draft built through the service."""

from __future__ import annotations

import datetime as dt

from proposals.drafts import service
from server import clock


async def published_draft(council_id: int, sections: list[tuple[str, str]], *, title: str = "Handling complaints",
                          opens: dt.date | None = None, closes: dt.date | None = None) -> tuple[int, list[int]]:
    """A draft with `sections` published as version 1; returns (draft id, section keys)."""
    today = clock.today()
    draft_id = await service.create_draft(council_id, title, "How complaints are answered.")
    keys = [await service.add_section(council_id, draft_id, heading, body) for heading, body in sections]
    await service.publish_version(council_id, draft_id, "", opens or today - dt.timedelta(days=1),
                                  closes or today + dt.timedelta(days=14))
    return draft_id, keys
