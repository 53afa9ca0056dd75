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


def test_comment_typed_after_the_session_ended_survives_sign_in(page) -> None:
    """Item 4: an htmx post from a session that has ended used to paste a sign-in page into the
    thread and lose the comment. Now the window goes to sign in and comes back with the text."""
    from browser.helpers import demo_email

    from server.demo import DEMO_PASSWORD

    sign_in_request(page.context, "resident")
    page.goto("/proposals/1")
    text = "Signed out in another tab, but this comment about the lamps must not be lost."
    page.get_by_label("Add a comment").fill(text)
    page.context.clear_cookies(name="townsquare_session")  # the session ends elsewhere
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**/signin?next=/proposals/1")
    assert page.locator("main .thread").count() == 0
    page.get_by_label("Email").fill(demo_email("resident"))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/proposals/1")
    kept = page.get_by_role("region", name="You were signed out before this was sent")
    assert kept.is_visible()
    assert kept.get_by_role("textbox").input_value() == text
    kept.get_by_role("button", name="Send it now").click()
    page.wait_for_load_state()
    assert page.get_by_text(text).first.is_visible()


def test_ranking_step_is_confirmed_where_a_phone_user_is_looking(page) -> None:
    """Item 19: on a phone, each "Add to my ranking" moved the focus to the next project, the ranking
    was screens away and the confirmation went only to screen readers."""
    from browser.helpers import NARROW

    page.set_viewport_size(NARROW)
    sign_in_request(page.context, "council")
    page.goto("/ballots/1/vote")
    toast = page.locator("#ranking-status")
    assert not toast.is_visible()
    page.get_by_role("button", name="Add to my ranking").nth(2).click()
    toast.get_by_text("added at rank 1").wait_for()
    box = toast.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= NARROW["height"] + 1, box
    assert "1." in toast.inner_text()
    page.get_by_role("button", name="Add to my ranking").nth(2).click()
    toast.get_by_text("added at rank 2").wait_for()
    toast.get_by_role("link", name="See and change my ranking").click()
    assert page.locator("#ranking").bounding_box()["y"] < NARROW["height"]


def test_long_pages_fold_on_a_phone_with_jump_links(page) -> None:
    """Item 3: a draft (about 8,100 px) and a result (about 7,100 px) were very long on a phone."""
    from browser.helpers import NARROW

    page.set_viewport_size(NARROW)
    page.goto("/ballots/3/results")
    jumps = page.get_by_role("navigation", name="On this page")
    assert jumps.get_by_role("link").count() == 5
    assert page.locator("details.fold").evaluate("d => d.open") is False
    result_height = page.evaluate("() => document.documentElement.scrollHeight")
    jumps.get_by_role("link", name="Who voted").click()
    assert page.get_by_role("heading", name="Who voted").bounding_box()["y"] < NARROW["height"]
    page.goto("/drafts/1")
    assert page.locator("details.amendment-thread[open]").count() == 0
    assert page.get_by_role("link", name="Back to the list of sections").count() >= 2
    draft_height = page.evaluate("() => document.documentElement.scrollHeight")
    print(f"\nphone page heights: result {result_height}px, draft {draft_height}px")
    # A comment linked to (a notification, a redirect after posting) is shown even when folded away.
    comment = page.locator("details.amendment-thread .comment[id^=comment-]").first
    if comment.count():
        target = comment.get_attribute("id")
        page.goto(f"/drafts/1#{target}")
        assert page.locator(f"#{target}").is_visible()
