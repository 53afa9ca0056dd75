"""Comments on proposals use the shared thread component: this says when a proposal's thread is
open and where it lives (the kind is declared in proposals/domain.py)."""

from __future__ import annotations

from proposals.tables import Proposal
from proposals.threads import registry
from proposals.threads.registry import TargetInfo
from server import clock
from server.current_user import Viewer
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


KINDS = [registry.kind(KIND, describe, audience=audience)]  # declared in proposals/domain.py
