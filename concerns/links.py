"""Concerns as link targets (server/links.py) and as a chapter of the proposals they started."""

from __future__ import annotations

from concerns import service
from proposals.schemas import TimelineEvent
from server.follows import Followed
from server.i18n import gettext as _
from server.links import LinkKind
from server.navigation import N_

LINK_KINDS = {"concern": LinkKind(N_("Concern"), service.describe_for_links)}


async def proposal_started_from(proposal_id: int, currency: str) -> list[TimelineEvent]:
    """A proposal's timeline names the public concern it was started from."""
    return [TimelineEvent(kind="from_concern", at=r["created_at"], actor="", title=service.subject_of(
        r["id"], r["category_name"]), url=f"/concerns/{r['id']}") for r in await service.concerns_of_proposal(
        proposal_id)]


async def followed_concerns(account_id: int) -> list[Followed]:
    return [Followed(_("Concern"), title, f"/concerns/{case_id}") for case_id, title in await service.followed(
        account_id)]
