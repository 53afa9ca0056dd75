"""Fixtures of the ballots domain's integration tests, built by tests/factories/ballots.py."""

from __future__ import annotations

import pytest
from factories.ballots import Setup, make_ballot


@pytest.fixture
async def ballot(db: object) -> Setup:
    """A Riverside ballot open now over four feasible proposals (council staff's account made too)."""
    return await make_ballot()
