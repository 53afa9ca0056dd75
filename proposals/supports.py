"""Who may support a proposal (no I/O): a support says "people who live there want this", so it
counts only from residents of the proposal's neighborhood (a city-wide proposal, with no
neighborhood: any resident), and never from the proposal's own authors."""

from __future__ import annotations

import enum
from collections.abc import Collection


class SupportRefusal(enum.Enum):
    OWN_PROPOSAL = "own_proposal"
    OTHER_NEIGHBORHOOD = "other_neighborhood"


def support_refusal(proposal_neighborhood_id: int | None, author_ids: Collection[int], supporter_id: int,
                    supporter_neighborhood_id: int) -> SupportRefusal | None:
    if supporter_id in author_ids:
        return SupportRefusal.OWN_PROPOSAL
    if proposal_neighborhood_id is not None and supporter_neighborhood_id != proposal_neighborhood_id:
        return SupportRefusal.OTHER_NEIGHBORHOOD
    return None
