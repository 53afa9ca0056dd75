"""Comments on proposals use the shared thread component: this says when a proposal's thread is
open and where it lives (the kind is declared in proposals/domain.py)."""

from __future__ import annotations

from proposals.tables import Proposal
from proposals.threads import registry
from proposals.threads.registry import TargetInfo
from server import clock
from server.current_user import Viewer
from server.follows import Followed
from server.i18n import fmt_date
from server.i18n import gettext as _

KIND = "proposal"


async def describe(ids: list[int]) -> dict[int, TargetInfo]:
    rows = await Proposal.select(Proposal.id, Proposal.title, Proposal.status,
                                 Proposal.cycle.delivery_close.as_alias("cycle_close")).where(Proposal.id.is_in(ids))
    today = clock.today()
    out: dict[int, TargetInfo] = {}
    for r in rows:
        is_open, reason = True, ""
        if r["status"] == "draft":
            # Drafts are seen only by their authors; discussion starts when the proposal is submitted.
            is_open, reason = False, _("Comments open when the proposal is submitted.")
        elif r["status"] == "merged":
            is_open, reason = False, _("This proposal was merged into another one: please comment there.")
        elif r["cycle_close"] < today:
            is_open, reason = False, _("The budget cycle ended on %(date)s, so comments are closed.",
                                       date=fmt_date(r["cycle_close"]))
        out[r["id"]] = TargetInfo(url=f"/proposals/{r['id']}", title=r["title"], is_open=is_open,
                                  closed_reason=reason)
    return out


async def audience(ids: list[int], viewer: Viewer | None) -> set[int]:
    """A proposal's thread is read by those who may read the proposal (proposals.service.proposal_access)."""
    from proposals.service import readable_ids  # the service imports this module

    return await readable_ids(ids, viewer)


async def followers(proposal_id: int) -> list[int]:
    """Everyone following the proposal; its author and co-authors follow it from the start."""
    from proposals.tables import Follow

    return [r["account"] for r in await Follow.select(Follow.account).where(Follow.proposal == proposal_id)]


KINDS = [registry.kind(KIND, describe, audience=audience, followers=followers)]  # declared in proposals/domain.py


async def followed_proposals(account_id: int) -> list[Followed]:
    """Declared in proposals/domain.py as a follow source (/account/following)."""
    from proposals.tables import Follow

    rows = await Follow.select(Follow.proposal.id.as_alias("id"), Follow.proposal.title.as_alias("title")).where(
        (Follow.account == account_id) & (Follow.proposal.status != "draft")).order_by(Follow.id, ascending=False)
    # A followed proposal hidden since is listed only to those the visibility rule still lets read it.
    from proposals.service import readable_ids

    readable = await readable_ids([r["id"] for r in rows], account_id)
    return [Followed(_("Proposal"), r["title"], f"/proposals/{r['id']}") for r in rows if r["id"] in readable]
