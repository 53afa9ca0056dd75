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
