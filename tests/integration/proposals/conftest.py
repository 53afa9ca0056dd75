"""Fixtures of the proposals domain's integration tests, built by tests/factories/proposals.py."""

from __future__ import annotations

import pytest
from factories.proposals import make_cycle

from proposals import phases


@pytest.fixture
async def voting_cycle(db: object) -> int:
    """A budget cycle whose voting opened yesterday."""
    return await make_cycle(phases.VOTING, name="Voting cycle")
