"""What residents and council staff see where issue 20 found them stuck or confused, in Chromium."""

from __future__ import annotations

import pytest
from browser.helpers import sign_in_request

pytestmark = pytest.mark.browser


def test_error_summary_names_every_field_with_a_problem(page) -> None:
    """Item 8: "This field is required." alone does not say which field; a short password that
    also does not match reported only the length."""
    sign_in_request(page.context, "resident")
    page.goto("/account")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat new password", exact=True).fill("shorter")
    page.get_by_role("button", name="Change password").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    items = summary.get_by_role("listitem").all_inner_texts()
    assert "New password: Please use at least 10 characters." in items
    assert "Repeat new password: The two passwords do not match." in items
    summary.get_by_role("link", name="New password: Please use at least 10 characters.").click()
    assert page.evaluate("() => document.activeElement.id") == "new_password"


def test_refused_amendment_decision_shows_its_error_where_the_form_was(page_nojs) -> None:
    """Item 7: without JavaScript, declining without a reason used to reload the whole long page
    at the top, the error far below, at an address that answered 405 when reloaded."""
    page = page_nojs
    sign_in_request(page.context, "council")
    page.goto("/drafts/1")
    tool = page.locator("details.council-tool", has_text="Decide on this amendment").first
    tool.locator("summary").click()
    tool.get_by_label("Decline", exact=True).check()
    tool.get_by_role("button", name="Publish decision").click()
    page.wait_for_load_state()
    assert "/drafts/1#amendment-" in page.url
    error = page.locator(".amendment .field-error[role=alert]")
    assert error.count() == 1 and error.is_visible()
    top = error.bounding_box()["y"]
    assert 0 <= top <= page.viewport_size["height"], f"the error is {top}px down, off screen"
    assert page.reload().status == 200
