"""The walk over the foundation, as people would do it, with JavaScript on and with it off."""

from __future__ import annotations

import pytest
from browser import steps
from browser.steps import Walk

pytestmark = pytest.mark.browser


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
