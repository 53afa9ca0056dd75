"""What residents and council staff see where issue 20 found them stuck or confused, in Chromium."""

from __future__ import annotations

import time

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
    page.locator("details.fold", has=tool).first.locator(":scope > summary").click()  # the suggestions, folded
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


# Item 3, measured at 360 px on the demo with Chromium, anonymous / signed-in resident, before -> after:
#   draft /drafts/1    en 8,117 / 11,835 -> 4,779 / 5,266   es 8,152 / 12,229 -> 4,815 / 5,275
#                      ar 7,928 / 11,461 -> 4,613 / 4,915
#   result /ballots/3  en 7,858 / 7,881 -> 4,982 / 5,006    es 8,885 / 8,908 -> 5,206 / 5,230
#   /results           ar 7,650 / 7,673 -> 4,946 / 4,969
# What is left is the content itself (each section's text and council response, the funded projects).
# The bound is eight phone screens (8 x 740 px): every page measured before folding was over it, and
# after folding the longest is 5,275 px, so demo text can grow by a tenth without failing here while
# unfolding any of the long parts again (each 600 px or more) fails.
PHONE_PAGE_BOUND = 8 * 740
# And whatever the demo says, folding must keep at most this share of the fully opened page.
FOLDED_SHARE = 0.7


def _heights(page) -> tuple[int, int]:
    """The page's height as it comes, and with every <details> opened."""
    folded = page.evaluate("() => document.documentElement.scrollHeight")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return folded, page.evaluate("() => document.documentElement.scrollHeight")


@pytest.mark.parametrize("role", ["anonymous", "resident"])
@pytest.mark.parametrize("locale", ["en", "es", "ar"])
def test_long_pages_fold_on_a_phone_with_jump_links(page, live_url: str, role: str, locale: str) -> None:
    """Item 3: a draft (about 8,100 px) and a result (about 7,100 px) were very long on a phone."""
    from browser.helpers import NARROW, horizontal_overflow

    page.set_viewport_size(NARROW)
    page.context.add_cookies([{"name": "lang", "value": locale, "url": live_url}])
    if role != "anonymous":
        sign_in_request(page.context, role)
    heights = {}
    for path in ("/ballots/3/results", "/drafts/1"):
        page.goto(path)
        assert not horizontal_overflow(page), f"{path} scrolls sideways at 360 px"
        folded, unfolded = _heights(page)
        heights[path] = (folded, unfolded)
        assert folded <= PHONE_PAGE_BOUND, f"{path} is {folded}px tall at 360 px ({locale}, {role})"
        assert folded <= FOLDED_SHARE * unfolded, f"{path}: {folded}px folded of {unfolded}px opened"
    print(f"\nphone page heights ({locale}, {role}), folded/opened: {heights}")
    # The result's jump list reaches every part; the sections stay outside <details>.
    page.goto("/ballots/3/results")
    jumps = page.locator("nav.page-jumps")
    assert jumps.get_by_role("link").count() == 5
    jumps.locator("a[href='#turnout-title']").click()
    assert -1 <= page.locator("#turnout-title").bounding_box()["y"] < NARROW["height"]  # scrolled to, sub-pixel
    # Each folded part says what it holds and how many.
    page.goto("/drafts/1")
    summaries = page.locator("details.fold > summary").all_inner_texts()
    assert any(any(ch.isdigit() for ch in text) for text in summaries), summaries
    assert page.locator("details.fold[open]").count() == 0


def test_a_link_into_a_folded_part_opens_it(page, page_nojs) -> None:
    """Item 3: #comment-N and #amendment-N inside folded parts (notifications, the redirect after
    posting) still show what they point at, with JavaScript (unfold.js) and without it."""
    from browser.helpers import NARROW

    page.set_viewport_size(NARROW)
    page.goto("/drafts/1")
    amendment = page.locator("details.fold .amendment[id^=amendment-]").first.get_attribute("id")
    comment = page.locator("details.thread-fold .comment[id^=comment-]").first.get_attribute("id")
    for target in (amendment, comment):
        page.goto("/drafts/1")
        assert not page.locator(f"#{target}").is_visible()
        page.evaluate(f"() => {{ location.hash = '#{target}'; }}")  # a link followed on the same page
        page.locator(f"#{target}").wait_for(state="visible")
        page.goto(f"/drafts/1#{target}")  # and arriving from elsewhere
        assert page.locator(f"#{target}").is_visible()
        assert -1 <= page.locator(f"#{target}").bounding_box()["y"] < NARROW["height"]
        # unfold.js itself, for browsers that do not open <details> on their own: fold everything
        # again and tell the page the address changed; only the script can open it now.
        page.evaluate("() => document.querySelectorAll('details[open]').forEach(d => { d.open = false; })")
        assert not page.locator(f"#{target}").is_visible()
        page.evaluate("() => window.dispatchEvent(new HashChangeEvent('hashchange'))")
        assert page.locator(f"#{target}").is_visible()
    # Without JavaScript: a resident posts a comment in a folded discussion and lands on it.
    sign_in_request(page_nojs.context, "resident")
    page_nojs.goto("/drafts/1")
    fold = page_nojs.locator("details.thread-fold", has=page_nojs.get_by_label("I have concerns")).first
    fold.locator(":scope > summary").click()
    fold.get_by_label("I have concerns").check()
    fold.get_by_label("Add a comment").fill("Folded but found: who answers complaints at night?")
    fold.get_by_role("button", name="Post comment").click()
    page_nojs.wait_for_load_state()
    assert "/drafts/1#comment-" in page_nojs.url
    target = page_nojs.url.rsplit("#", 1)[1]
    assert page_nojs.locator(f"#{target}").is_visible()


@pytest.mark.parametrize("locale", ["en", "es", "ar"])
def test_ballot_closing_after_the_voting_phase_is_refused_next_to_the_field(page_nojs, live_url: str,
                                                                             locale: str) -> None:
    """Item 12: a ballot open after its cycle says voting has ended is refused, in the council's
    language, next to the closing time, on a phone, with everything typed still there."""
    from browser.helpers import NARROW, horizontal_overflow

    page = page_nojs
    page.set_viewport_size(NARROW)
    page.context.add_cookies([{"name": "lang", "value": locale, "url": live_url}])
    sign_in_request(page.context, "council")
    page.goto("/council/ballots/new?cycle_id=1&fund=1")  # the demo cycle that is voting now, Riverside
    now = time.time()
    closes = time.strftime("%Y-%m-%dT20:00", time.gmtime(now + 90 * 86400))  # months after voting ends
    page.locator("#title").fill("Late Riverside fund")
    page.locator("#budget").fill("50000")
    for box in page.locator("input[name=candidates]").all()[:2]:
        box.check()
    page.locator("#max_ranks").fill("2")
    page.locator("#opens_at").fill(time.strftime("%Y-%m-%dT%H:00", time.gmtime(now + 3600)))
    page.locator("#closes_at").fill(closes)
    page.locator("form", has=page.locator("#title")).locator("button[type=submit]").click()  # Create ballot
    page.wait_for_load_state()
    error = page.locator("#closes_at-error")
    assert error.is_visible() and page.locator("#opens_at-error").count() == 0
    expected = {"en": "must close by the end of", "es": "debe cerrar a más tardar", "ar": "يجب أن تُغلق"}[locale]
    assert expected in error.inner_text()
    isolated = error.locator("bdi").all_inner_texts()  # the cycle's name and dates, kept apart from Arabic
    assert f"{time.gmtime(now).tm_year} Safety Fund" in isolated and len(isolated) == 4, isolated  # the demo's
    box, field = error.bounding_box(), page.locator("#closes_at").bounding_box()
    assert 0 <= field["y"] - (box["y"] + box["height"]) < 40, "the reason is not next to the field"
    assert page.locator("#closes_at").input_value() == closes
    assert page.locator("#title").input_value() == "Late Riverside fund"
    assert not horizontal_overflow(page)
