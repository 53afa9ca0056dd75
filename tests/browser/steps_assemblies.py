"""Walk steps for assemblies, boards and the commitment register (issue 18), in the shape of
tests/browser/steps.py: each takes a Walk, acts like a person, checks what they would see and ends
with walk.done() (screenshot, and the axe audit when JavaScript is on). They work with JavaScript on
and off: every action is a plain form."""

from __future__ import annotations

import datetime as dt
import re

from browser.steps import Walk, unique

DEMO_BOARD = "Riverside Community Safety Board"  # assemblies/demo.py: Amira ("resident") co-chairs it


def follow_board(walk: Walk, board: str = DEMO_BOARD) -> None:
    """A resident follows the board, to be told when it publishes minutes."""
    page = walk.page
    page.goto("/boards")
    walk.done("boards")
    page.get_by_role("link", name=board).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Follow this board").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Following: stop following").wait_for()
    walk.done("board followed")


def co_chair_records_meeting_and_publishes_minutes(walk: Walk, board: str = DEMO_BOARD) -> None:
    """The board's resident co-chair schedules the meeting the board held two days ago, then
    publishes its minutes with a recommendation."""
    page = walk.page
    title = unique("Board meeting on lighting")
    recommendation = unique("Light the footbridge")
    page.goto("/boards")
    page.get_by_role("link", name=board).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=re.compile(r"^Schedule a meeting of")).click()
    page.wait_for_load_state()
    day = dt.date.today() - dt.timedelta(days=2)  # in the past on any city's clock
    page.fill("#title", title)
    page.locator("#kind").select_option("board_meeting")
    page.fill("#starts_at", f"{day.isoformat()}T18:00")
    page.fill("#ends_at", f"{day.isoformat()}T20:00")
    page.locator("#mode").select_option("in_person")
    page.fill("#address", "Riverside Library, meeting room 2")
    page.fill("#interpretation", "Arabic")
    walk.shots.take(page, "meeting form filled")
    page.get_by_role("button", name="Schedule", exact=True).click()
    page.wait_for_url(re.compile(r"/meetings/\d+/manage$"))
    walk.done("meeting scheduled by a co-chair")
    page.fill("#attendance", "27")
    page.fill("#summary", "Twenty-seven residents came to talk about lighting by the river.")
    page.fill("#recommendations", f"1. {recommendation}.")
    page.get_by_role("button", name="Publish the minutes").click()
    page.wait_for_url(re.compile(r"/meetings/\d+#minutes$"))
    assert page.locator("#minutes").count() == 1
    assert page.get_by_text(recommendation).count() == 1, "the recommendation is not in the published minutes"
    walk.facts.update(meeting_title=title, meeting_url=page.url.split("#")[0], recommendation=recommendation)
    walk.done("minutes published by a co-chair")


def council_makes_recommendation_a_commitment(walk: Walk) -> None:
    page = walk.page
    page.goto(walk.facts["meeting_url"])
    page.get_by_role("link", name="Record a commitment from this meeting").click()
    page.wait_for_load_state()
    assert page.get_by_text(walk.facts["meeting_title"]).count() >= 1, "the form does not name the meeting"
    promised = dt.date.today() + dt.timedelta(days=30)
    page.fill("#title", walk.facts["recommendation"])
    page.fill("#owner", "Street Lighting Team")
    page.fill("#promised_date", promised.isoformat())
    page.get_by_role("button", name="Publish the commitment").click()
    page.wait_for_url(re.compile(r"/commitments/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == walk.facts["recommendation"]
    assert page.get_by_role("link", name=walk.facts["meeting_title"]).count() == 1, "no link back to the meeting"
    walk.facts.update(commitment_url=page.url, promised=promised)
    walk.done("recommendation recorded as a commitment")


def follow_commitment(walk: Walk) -> None:
    page = walk.page
    page.goto(walk.facts["commitment_url"])
    page.get_by_role("button", name="Follow this commitment").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Following: stop following").wait_for()
    walk.done("commitment followed")


def council_revises_the_date(walk: Walk) -> None:
    page = walk.page
    reason = unique("The footbridge lamps are back-ordered until spring")
    page.goto(walk.facts["commitment_url"])
    page.get_by_role("link", name="Report progress or revise the date").click()
    page.wait_for_load_state()
    page.fill("#due_date", (walk.facts["promised"] + dt.timedelta(days=45)).isoformat())
    page.fill("#reason", "Later")  # too short: refused, with what was typed kept
    page.get_by_role("button", name="Publish the new date").click()
    page.wait_for_load_state()
    assert page.get_by_text("Please explain the reason in at least 20 characters.").count() >= 1
    assert page.locator("#reason").input_value() == "Later"
    walk.done("revision refused without a reason")
    page.fill("#reason", reason)
    page.get_by_role("button", name="Publish the new date").click()
    page.wait_for_url(re.compile(r"/commitments/\d+$"))
    assert page.get_by_text(reason).count() == 1 and page.get_by_text(re.compile("Date moved from")).count() == 1
    walk.done("commitment date revised")


def follower_sees_it_in_notifications(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert main.get_by_text(re.compile(rf"moved the date of the commitment “{re.escape(walk.facts['recommendation'])}”")
                            ).count() == 1, "the follower was not told of the new date"
    assert main.get_by_text(f"Minutes of “{walk.facts['meeting_title']}” were published").count() == 1
    walk.done("follower's notifications")
