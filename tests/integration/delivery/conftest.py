"""Fixtures of the delivery domain's integration tests, built by tests/factories/delivery.py."""

from __future__ import annotations

import pytest
from factories.delivery import make_item
from support import make_account

from server.current_user import Viewer


@pytest.fixture
async def item(db: object) -> int:
    """A planned delivery item of a feasible proposal, 10,000 allocated."""
    return await make_item(allocated=10_000)


@pytest.fixture
async def staff(db: object) -> Viewer:
    return await make_account("council")
