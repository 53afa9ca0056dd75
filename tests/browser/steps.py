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
