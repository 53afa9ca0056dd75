"""The walk through Townsquare as people use it, one small step function per thing a person does.

Each step takes a `Walk` (the page, whether JavaScript is on, screenshots, and `facts` that earlier
steps left for later ones), acts like a person, checks what that person would see, takes a screenshot
and, when `walk.audit` is on, runs axe-core on the result. Tests compose steps into journeys:

    walk = Walk(page, shots, javascript=True)
    sign_up_resident(walk, neighborhood="Riverside")
    see_home_for_neighborhood(walk, "Riverside")

To grow the walk for a new domain, add functions here in the same shape (e.g. `submit_proposal(walk,
title=...)`, `cast_ballot(walk, ...)`) and call them from tests/browser/test_walk.py. Steps must work
with JavaScript on and off (`walk.javascript`); use the keyboard where the step is about keyboard use."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from browser.helpers import (
    Screenshots,
    assert_accessible,
    brand_side,
    demo_name,
    html_attrs,
    sign_in_ui,
)

_unique = itertools.count(1)


def unique(prefix: str) -> str:
    """A value no other step or test run in this session has used (the live server's data persists)."""
    return f"{prefix} {int(time.time() * 1000) % 10_000_000}-{next(_unique)}"


@dataclass
class Walk:
    page: Any
    shots: Screenshots
    javascript: bool = True
    # Run axe-core after each step. axe needs the page's event loop, so it cannot run where JavaScript
    # is off; the server sends the same HTML either way, so the JavaScript walk audits for both.
    audit: bool | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.audit is None:
            self.audit = self.javascript

    def done(self, label: str) -> None:
        """End of a step: screenshot, then the accessibility audit of what the person now sees."""
        self.shots.take(self.page, label)
        if self.audit:
            assert_accessible(self.page, f"{label} ({self.page.url})")


# ---------------------------------------------------------------- keyboard

def focused_description(page: Any) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e ? `${e.tagName.toLowerCase()}#${e.id}"
        "[name=${e.getAttribute('name')}] ${(e.textContent || '').trim().slice(0, 40)}` : 'nothing'; }"
    )


def tab_to(page: Any, selector: str, max_presses: int = 60) -> None:
    """Press Tab until `selector` has the focus: proves it is reachable in the tab order."""
    target = page.locator(selector).first
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached with {max_presses} Tab presses "
                         f"(focus ended on {focused_description(page)})")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


# ---------------------------------------------------------------- accounts

def sign_up_resident(walk: Walk, neighborhood: str = "Riverside", birth_year: int = 1992) -> None:
    """A new resident creates an account using only the keyboard: Tab, typing and Enter."""
    page = walk.page
    name = unique("Resident")
    email = f"walker{next(_unique)}-{int(time.time() * 1000)}@example.org"
    password = "a long walk password"
    page.goto("/")
    walk.done("home signed out")
    tab_to(page, "main a[href='/signup']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/signup$"))
    page.keyboard.press("Tab")  # a fresh page: start the tab order from the top again
    type_into(page, "#display_name", name)
    type_into(page, "#email", email)
    type_into(page, "#password", password)
    type_into(page, "#password_confirm", password)
    tab_to(page, "#neighborhood_id")
    page.keyboard.type(neighborhood)  # a focused select picks the option that starts with what is typed
    chosen = page.locator("#neighborhood_id option:checked").inner_text()
    assert chosen == neighborhood, f"typing {neighborhood!r} on the neighborhood list chose {chosen!r}"
    type_into(page, "#birth_year", str(birth_year))
    walk.shots.take(page, "sign-up form filled")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text(f"Welcome, {name}!").count() == 1, "no welcome message after sign-up"
    walk.facts.update(name=name, email=email, password=password, neighborhood=neighborhood)
    walk.done("signed up")


def see_home_for_neighborhood(walk: Walk, neighborhood: str | None = None) -> None:
    page = walk.page
    neighborhood = neighborhood or walk.facts["neighborhood"]
    page.goto("/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert neighborhood in heading, f"home page heading {heading!r} does not name {neighborhood}"
    if "name" in walk.facts:
        assert page.locator(".account-nav").get_by_text(walk.facts["name"]).count() == 1
    walk.done(f"home for {neighborhood}")


def sign_out(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.locator(".account-nav a[href='/signin']").count() == 1, "still signed in after signing out"
    walk.done("signed out")


def sign_in_as(walk: Walk, role: str) -> None:
    """Sign in as a demo account ("resident", "moderator", "council" or a server/demo.py ACCOUNTS key)."""
    sign_in_ui(walk.page, role)
    assert walk.page.locator(".account-nav").get_by_text(demo_name(role)).count() == 1
    walk.done(f"signed in as {role}")


# ---------------------------------------------------------------- language

LANGUAGE_CHECKS = {
    # locale: (text the home page shows in it, direction)
    "en": ("How it works", "ltr"),
    "es": ("Cómo funciona", "ltr"),
    "ar": ("كيف تعمل المنصة", "rtl"),
}


def change_language(walk: Walk, locale: str) -> None:
    """Switch language with the footer form; the page comes back in that language and direction,
    and in right-to-left languages the header mirrors (the brand moves to the right edge)."""
    page = walk.page
    page.locator("#locale-select").select_option(locale)
    page.locator(".language-form button[type=submit]").click()
    page.wait_for_load_state()
    text, direction = LANGUAGE_CHECKS[locale]
    attrs = html_attrs(page)
    assert attrs == {"lang": locale, "dir": direction}, f"after choosing {locale}: <html {attrs}>"
    if urlparse(page.url).path == "/":
        assert page.get_by_text(text).count() >= 1, f"the home page in {locale} does not say {text!r}"
    expected_side = "right" if direction == "rtl" else "left"
    assert brand_side(page) == expected_side, f"in {locale} the brand should sit at the {expected_side} edge"
    walk.done(f"language {locale}")


# ---------------------------------------------------------------- council: neighborhoods

def create_neighborhood(walk: Walk, name: str | None = None) -> str:
    page = walk.page
    name = name or unique("Northfield")
    page.goto("/council/neighborhoods/")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Add neighborhood").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Neighborhood “{name}” created.").count() == 1, "no confirmation after creating"
    assert page.get_by_role("rowheader", name=name, exact=True).count() == 1, f"{name} is not in the table"
    walk.facts["created_neighborhood"] = name
    walk.done("neighborhood created")
    return name


def rename_neighborhood(walk: Walk, old: str | None = None, new: str | None = None) -> str:
    page = walk.page
    old = old or walk.facts["created_neighborhood"]
    new = new or unique("Northfield Heights")
    page.goto("/council/neighborhoods/")
    field_ = page.get_by_label(f"New name for {old}", exact=True)
    field_.fill(new)
    field_.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text(f"Neighborhood renamed to “{new}”.").count() == 1, "no confirmation after renaming"
    assert page.get_by_role("rowheader", name=new, exact=True).count() == 1
    assert page.get_by_role("rowheader", name=old, exact=True).count() == 0
    walk.facts["created_neighborhood"] = new
    walk.done("neighborhood renamed")
    return new


# ---------------------------------------------------------------- notifications

def check_notifications(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Notifications"
    walk.done("notifications")


# ---------------------------------------------------------------- the whole budget cycle (issue 8)

IDEAS_CYCLE = "Spring 2027"  # the demo cycle collecting ideas now
YOUTH_BALLOT = "City youth fund"  # the demo's open youth ballot (ages 12 to 22)


def sign_in_with(walk: Walk, email: str, password: str, label: str) -> None:
    """Sign in with an account made during the walk (sign_in_as is for the demo accounts)."""
    page = walk.page
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Sign out").count() == 1, f"sign-in as {email} failed: {page.url}"
    walk.done(f"signed in as {label}")


def switch_to(walk: Walk, role: str) -> None:
    """Sign out whoever is signed in, then sign in as a demo role (or the walk's own resident)."""
    page = walk.page
    page.goto("/")
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
    if role == "walker":
        sign_in_with(walk, walk.facts["email"], walk.facts["password"], "the walk's resident")
    elif role != "anonymous":
        sign_in_as(walk, role)


def select_containing(select: Any, text: str) -> None:
    """Choose the option of a <select> whose label contains `text` (labels carry phases, funds…)."""
    for option in select.locator("option").all():
        if text in option.inner_text():
            select.select_option(value=option.get_attribute("value"))
            return
    raise AssertionError(f"no option containing {text!r}")


def _id_from_url(url: str, prefix: str) -> int:
    match = re.search(rf"{prefix}/(\d+)", urlparse(url).path)
    assert match, f"expected a {prefix}/<id> address, got {url}"
    return int(match.group(1))


def submit_proposal(walk: Walk, title: str = "Walk lights on the ferry steps", fact: str = "proposal_title") -> int:
    """The signed-in resident proposes a project in the cycle collecting ideas (the walk's own cycle
    when create_walk_cycle made one, else the demo's); its title is kept in `walk.facts[fact]`."""
    page = walk.page
    title = unique(title)
    page.goto("/proposals/new")
    assert page.get_by_role("heading", level=1).count() == 1
    cycle = page.locator("select#cycle")
    if cycle.count():  # more than one cycle collecting ideas: choose the walk's
        select_containing(cycle, walk.facts.get("cycle_name", IDEAS_CYCLE))
    page.get_by_label("Title").fill(title)
    page.get_by_label("One-line summary").fill("Solar lights along the ferry steps, where people slip at night.")
    page.get_by_label("Description").fill("People walk down the **ferry steps** after late shifts.\n\n"
                                          "- six solar lamps\n- a handrail repair")
    page.get_by_label("Category").select_option(index=1)
    page.get_by_label("Estimated cost").fill("18000")
    page.get_by_label("Location").fill("Ferry steps, Riverside")
    walk.shots.take(page, "proposal form filled")
    page.get_by_role("button", name="Submit proposal").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your proposal was submitted.").count() == 1, f"no confirmation: {page.url}"
    assert page.get_by_role("heading", level=1).inner_text() == title
    proposal_id = _id_from_url(page.url, "/proposals")
    walk.facts[fact] = title
    walk.facts.setdefault("proposal_id", proposal_id)
    walk.done("proposal submitted")
    return proposal_id


def _fill_dates(walk: Walk, offsets: tuple[int, ...]) -> None:
    """Fill the cycle form's seven phase dates, each `offsets[i]` days from today (UTC, the walk
    server's clock)."""
    names = ("ideas_open", "deliberation_open", "review_open", "voting_open", "results_open", "delivery_open",
             "delivery_close")
    for name, days in zip(names, offsets, strict=True):
        walk.page.locator(f"input#{name}").fill(time.strftime("%Y-%m-%d", time.gmtime(time.time() + days * 86400)))


def create_walk_cycle(walk: Walk) -> None:
    """Council staff start a budget cycle of the walk's own, collecting ideas since yesterday: the walk
    takes it through review into voting (a ballot must fit its cycle's voting phase) without moving
    the demo's cycles."""
    page = walk.page
    page.goto("/council/cycles")
    name = unique("Walk cycle")
    page.get_by_label("Name").fill(name)
    _fill_dates(walk, (-1, 1, 2, 3, 4, 5, 60))
    page.get_by_role("button", name="Create cycle").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Cycle “{name}” created.").count() == 1, f"cycle not created: {page.url}"
    walk.facts.update(cycle_name=name, cycle_edit_url=f"/council/cycles/{_id_from_url(page.url, '/cycles')}/edit")
    walk.done("walk cycle created")


def open_review_early(walk: Walk) -> None:
    """Council staff move deliberation (when review may start) to today, so the new proposals can be
    reviewed."""
    page = walk.page
    page.goto(walk.facts["cycle_edit_url"])
    page.get_by_label("Deliberation opens").fill(time.strftime("%Y-%m-%d", time.gmtime()))
    page.get_by_role("button", name="Save dates").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dates saved.", exact=False).count() == 1, f"dates not saved: {page.url}"
    walk.done("cycle dates moved")


def open_voting_now(walk: Walk) -> None:
    """Council staff move the walk's cycle into its voting phase today (until tomorrow), so that the
    ballot they set up next fits it."""
    page = walk.page
    page.goto(walk.facts["cycle_edit_url"])
    _fill_dates(walk, (-3, -2, -1, 0, 1, 2, 60))
    page.get_by_role("button", name="Save dates").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dates saved.", exact=False).count() == 1, f"dates not saved: {page.url}"
    walk.done("voting phase opened")


def review_proposal(walk: Walk, title: str | None = None, final_cost: int = 20_000) -> None:
    """Council staff find the proposal in the review queue and record it feasible, for the ballot."""
    page = walk.page
    title = title or walk.facts["proposal_title"]
    page.goto("/council/review")
    walk.done("review queue")
    page.get_by_role("link", name=title, exact=True).click()
    page.wait_for_load_state()
    page.get_by_label("Feasible", exact=True).check()
    page.get_by_label("Final cost estimate").fill(str(final_cost))
    page.get_by_label("Eligible for the ballot").check()
    page.get_by_label("Public reason").fill("Checked with public works: the lamps fit the steps.")
    walk.shots.take(page, "review form filled")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert page.get_by_text("Decision recorded.", exact=False).count() == 1, f"no decision recorded: {page.url}"
    walk.done("proposal reviewed")


def _utc_minute(offset_seconds: int) -> tuple[str, float]:
    """A datetime-local value (UTC, whole minutes) and its epoch seconds: the walk's server runs on UTC."""
    moment = (int(time.time() + offset_seconds) // 60) * 60
    return time.strftime("%Y-%m-%dT%H:%M", time.gmtime(moment)), float(moment)


def create_ballot(walk: Walk, neighborhood: str = "Riverside", minutes_open: int = 2) -> int:
    """Council staff set up a ballot with the reviewed proposal, open now and closing in a few minutes."""
    page = walk.page
    page.goto("/council/ballots/new")
    select_containing(page.get_by_label("Budget cycle"), walk.facts["cycle_name"])
    select_containing(page.get_by_label("Fund"), neighborhood)
    page.get_by_role("button", name="Show feasible projects").click()
    page.wait_for_load_state()
    title = unique("Walk ballot")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Budget (whole currency units)").fill("50000")
    # A ballot needs two projects at least: the walk's two.
    for fact in ("proposal_title", "second_title"):
        page.get_by_label(re.compile(re.escape(walk.facts[fact]))).check()
    page.get_by_label("Most projects a voter may rank (K)").fill("2")
    opens, _ = _utc_minute(-60)
    closes, closes_epoch = _utc_minute(60 * (minutes_open + 1))
    page.get_by_label("Voting opens (UTC time)").fill(opens)
    page.get_by_label("Voting closes (UTC time)").fill(closes)
    walk.shots.take(page, "ballot form filled")
    page.get_by_role("button", name="Create ballot").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Ballot “{title}” created.").count() == 1, (
        f"ballot not created: {page.url} {page.locator('.field-error, .error-summary').all_inner_texts()}")
    ballot_id = _id_from_url(page.url, "/council/ballots")
    walk.facts.update(ballot_id=ballot_id, ballot_title=title, closes_epoch=closes_epoch)
    walk.done("ballot created")
    return ballot_id


def vote_signed_in(walk: Walk) -> None:
    """The resident ranks the walk's proposal on the walk's ballot and casts it."""
    page = walk.page
    page.goto(f"/ballots/{walk.facts['ballot_id']}/vote")
    walk.shots.take(page, "ballot to vote on")
    card = page.locator("li.card", has=page.get_by_role("heading", name=walk.facts["proposal_title"]))
    card.get_by_role("button", name="Add to my ranking").click()
    page.locator("ol.ranked li").first.wait_for()
    page.wait_for_load_state()
    page.get_by_role("button", name="Review my ranking").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Confirm and cast my ballot").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Your ballot has been cast"
    walk.done("resident voted")


def comment_and_amend_draft(walk: Walk) -> None:
    """The resident comments on a section of the open draft procedure and suggests better wording."""
    page = walk.page
    page.goto("/drafts")
    walk.done("drafts list")
    page.locator("main a[href^='/drafts/']").first.click()
    page.wait_for_load_state()
    draft_url = urlparse(page.url).path
    comment = unique("Walk comment: please say who answers within two weeks.")
    # The first section discussion (folded behind its count on the long page) whose form asks for a view.
    fold = page.locator("details.thread-fold", has=page.get_by_label("I have concerns")).first
    fold.locator(":scope > summary").click()
    form = fold.locator("form.comment-form")
    form.get_by_label("I have concerns").check()
    form.get_by_label("Add a comment").fill(comment)
    form.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    if walk.javascript:
        page.get_by_text(comment).first.wait_for()
    else:
        page.goto(draft_url)
    assert page.get_by_text(comment).count() >= 1, "the comment does not show on the draft"
    walk.done("draft comment posted")

    reason = unique("Walk reason: residents need a named person to call.")
    amend = page.locator("details.amend-form").first
    amend.locator("summary").click()
    amend.get_by_label("Your wording for the whole section").fill(
        "Every complaint gets a named contact person and an answer within 14 days.")
    amend.get_by_label("Why is this better?").fill(reason)
    amend.get_by_role("button", name="Publish suggestion").click()
    page.wait_for_load_state()
    page.goto(draft_url)
    assert page.get_by_text(reason).count() >= 1, "the suggested wording does not show on the draft"
    walk.done("amendment proposed")


def generate_youth_codes(walk: Walk, ballot_title: str = YOUTH_BALLOT) -> str:
    """Council staff print a batch of access codes for the youth ballot; returns one code."""
    page = walk.page
    page.goto("/council/ballots")
    page.get_by_role("link", name=ballot_title).first.click()
    page.wait_for_load_state()
    page.get_by_label("How many codes").fill("3")
    page.get_by_label("Label").fill("Walk youth centre")
    page.get_by_role("button", name="Generate and print").click()
    page.wait_for_load_state()
    codes = page.locator(".slip-code code").all_inner_texts()
    assert len(codes) == 3, f"expected 3 codes on the sheet, got {codes}"
    walk.facts["youth_code"] = codes[0]
    walk.done("codes printed")
    return codes[0]


def vote_with_code_by_keyboard(walk: Walk, birth_year: int = 2011) -> None:
    """A young first-time voter, signed out, votes with an access code using only the keyboard."""
    page = walk.page
    page.goto("/vote")
    page.keyboard.press("Tab")
    type_into(page, "#code", walk.facts["youth_code"])
    type_into(page, "#birth_year", str(birth_year))
    walk.shots.take(page, "code typed")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ballots/\d+/vote"))
    assert YOUTH_BALLOT in page.get_by_role("heading", level=1).inner_text()
    walk.done("youth ballot")
    page.keyboard.press("Tab")
    tab_to(page, "button[id^='add-']", max_presses=120)
    page.keyboard.press("Enter")
    page.locator("ol.ranked li").first.wait_for()
    if not walk.javascript:
        page.keyboard.press("Tab")
    tab_to(page, "button[id^='add-']", max_presses=120)
    page.keyboard.press("Space")
    page.locator("ol.ranked li").nth(1).wait_for()
    walk.done("two projects ranked")
    if not walk.javascript:
        page.keyboard.press("Tab")
    tab_to(page, "#review-button", max_presses=120)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review$"))
    page.get_by_role("heading", name="Review your ballot").wait_for()
    walk.done("youth ballot reviewed")
    page.keyboard.press("Tab")
    tab_to(page, "main form[action$='/cast'] button")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your ballot has been cast").wait_for()
    walk.facts["youth_receipt"] = page.locator(".receipt-code code").inner_text()
    walk.done("youth ballot cast")


def count_and_publish(walk: Walk) -> None:
    """Once the walk's ballot has closed, council staff count it and publish the result."""
    page = walk.page
    wait = walk.facts["closes_epoch"] - time.time() + 2
    if wait > 0:
        time.sleep(wait)
    ballot_id = walk.facts["ballot_id"]
    # From the ballot's council page, following its links as staff would.
    page.goto(f"/council/ballots/{ballot_id}")
    walk.done("council page of the closed ballot")
    publish = page.get_by_role("link", name="Review and publish the result")
    if not publish.count():  # the background job may have counted it already
        page.get_by_role("link", name=re.compile("^(Go to|Follow) the count$")).click()
        page.wait_for_load_state()
        walk.done("count page")
        count_now = page.get_by_role("button", name="Count now")
        if count_now.count():
            count_now.click()
            page.wait_for_load_state()
            assert page.get_by_text("Counted", exact=False).count() >= 1, f"no count: {page.url}"
        for _ in range(30):  # a count the background job had started: wait for it to finish
            if publish.count():
                break
            time.sleep(1)
            page.reload()
    walk.done("ballot counted")
    publish.first.click()
    page.wait_for_load_state()
    page.get_by_label("Statement to residents").fill("The ferry steps get their lights this spring.")
    page.get_by_role("button", name="Publish the result").click()
    page.wait_for_load_state()
    assert page.get_by_text("of the result is published", exact=False).count() == 1, f"not published: {page.url}"
    walk.done("result published")


def see_funded_outcome(walk: Walk) -> None:
    page = walk.page
    page.goto(f"/ballots/{walk.facts['ballot_id']}/results")
    funded = page.locator("section[aria-labelledby='funded-title']")
    assert funded.get_by_text(walk.facts["proposal_title"]).count() >= 1, "the walk's project is not funded"
    walk.done("funded outcome")


def follow_delivery_item(walk: Walk) -> None:
    page = walk.page
    page.goto("/delivery")
    walk.done("delivery list")
    link = page.get_by_role("link", name=walk.facts["proposal_title"])
    if not link.count():  # publication made no item for the walk's project: follow a demo project
        link = page.locator("main a[href^='/delivery/']")
    link.first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Follow this project").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Following: stop following").wait_for()
    walk.done("delivery item followed")
