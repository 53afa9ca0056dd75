"""Issue 18's walk, with JavaScript on and off: a co-chair publishes minutes, a recommendation becomes a
commitment, its date is revised with a reason, and a follower sees it on their notifications page."""

from __future__ import annotations

import pytest
from browser import steps
from browser import steps_assemblies as assemblies
from browser.steps import Walk

pytestmark = [pytest.mark.browser, pytest.mark.walk]


@pytest.fixture(params=["js", "nojs"])
def walk(request: pytest.FixtureRequest, shots) -> Walk:
    javascript = request.param == "js"
    page = request.getfixturevalue("page" if javascript else "page_nojs")
    return Walk(page, shots, javascript=javascript)


def test_minutes_to_commitment_to_revised_date(walk: Walk) -> None:
    steps.sign_up_resident(walk, neighborhood="Riverside")
    assemblies.follow_board(walk)
    steps.switch_to(walk, "resident")  # Amira Haddad, the board's co-chair in the demo
    assemblies.co_chair_records_meeting_and_publishes_minutes(walk)
    steps.switch_to(walk, "council")
    assemblies.council_makes_recommendation_a_commitment(walk)
    steps.switch_to(walk, "walker")
    assemblies.follow_commitment(walk)
    steps.switch_to(walk, "council")
    assemblies.council_revises_the_date(walk)
    steps.switch_to(walk, "walker")
    assemblies.follower_sees_it_in_notifications(walk)
