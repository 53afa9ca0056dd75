"""The walk over the foundation, as people would do it, with JavaScript on and with it off."""

from __future__ import annotations

import pytest
from browser import steps
from browser.steps import Walk

pytestmark = [pytest.mark.browser, pytest.mark.walk]


@pytest.fixture(params=["js", "nojs"])
def walk(request: pytest.FixtureRequest, shots) -> Walk:
    javascript = request.param == "js"
    page = request.getfixturevalue("page" if javascript else "page_nojs")
    return Walk(page, shots, javascript=javascript)


def test_resident_signs_up_reads_in_three_languages_and_signs_out(walk: Walk) -> None:
    steps.sign_up_resident(walk, neighborhood="Hillcrest")
    steps.see_home_for_neighborhood(walk)
    steps.change_language(walk, "es")
    steps.change_language(walk, "ar")
    steps.change_language(walk, "en")
    steps.check_notifications(walk)
    steps.sign_out(walk)


def test_council_manages_neighborhoods_and_reads_notifications(walk: Walk) -> None:
    steps.sign_in_as(walk, "council")
    created = steps.create_neighborhood(walk)
    steps.rename_neighborhood(walk, created)
    steps.check_notifications(walk)
    steps.sign_out(walk)


def test_the_whole_budget_cycle(walk: Walk) -> None:
    """Issue 8: from an idea to a funded project being delivered, each person doing their part."""
    steps.sign_in_as(walk, "council")
    steps.create_walk_cycle(walk)
    steps.switch_to(walk, "anonymous")
    steps.sign_up_resident(walk, neighborhood="Riverside")
    steps.submit_proposal(walk)
    steps.submit_proposal(walk, "Walk handrail by the ferry", fact="second_title")
    steps.switch_to(walk, "council")
    steps.open_review_early(walk)
    steps.review_proposal(walk)
    steps.review_proposal(walk, walk.facts["second_title"], final_cost=26_000)
    steps.open_voting_now(walk)
    steps.create_ballot(walk)
    steps.generate_youth_codes(walk)
    steps.switch_to(walk, "walker")
    steps.vote_signed_in(walk)
    steps.comment_and_amend_draft(walk)
    steps.switch_to(walk, "anonymous")
    steps.vote_with_code_by_keyboard(walk)
    steps.switch_to(walk, "council")
    steps.count_and_publish(walk)
    steps.switch_to(walk, "walker")
    steps.see_funded_outcome(walk)
    steps.follow_delivery_item(walk)
