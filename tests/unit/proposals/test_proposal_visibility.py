"""proposals.service.proposal_access: the one rule for who sees what of a proposal."""

from __future__ import annotations

import pytest

from proposals.service import FULL, PLACEHOLDER, proposal_access

PUBLIC = ("submitted", "feasible", "not_feasible", "merged", "withdrawn")


@pytest.mark.parametrize("status", ("draft", *PUBLIC))
@pytest.mark.parametrize("hidden", (False, True))
def test_authors_and_co_authors_always_see_their_own(status: str, hidden: bool) -> None:
    assert proposal_access(status, hidden=hidden, is_editor=True, is_moderator=False) == FULL


@pytest.mark.parametrize("hidden", (False, True))
@pytest.mark.parametrize("moderator", (False, True))
def test_a_draft_is_nobody_elses_business(hidden: bool, moderator: bool) -> None:
    assert proposal_access("draft", hidden=hidden, is_editor=False, is_moderator=moderator) is None


@pytest.mark.parametrize("status", PUBLIC)
def test_hidden_proposals_are_read_by_moderators_and_a_placeholder_for_others(status: str) -> None:
    assert proposal_access(status, hidden=True, is_editor=False, is_moderator=True) == FULL
    assert proposal_access(status, hidden=True, is_editor=False, is_moderator=False) == PLACEHOLDER


@pytest.mark.parametrize("status", PUBLIC)
def test_every_other_status_is_public_withdrawn_included(status: str) -> None:
    assert proposal_access(status, hidden=False, is_editor=False, is_moderator=False) == FULL
