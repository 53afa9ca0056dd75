"""Issue 17's walk: an anonymous resident on a 360 px phone, in Arabic, raises a concern, gets a
follow-up code, checks the status with it; council staff resolve it; the resident disputes it with the
code and it is open again. With JavaScript on and off (every step is a plain form)."""

from __future__ import annotations

import re

import pytest
from browser import steps
from browser.helpers import NARROW, horizontal_overflow, widest_elements
from browser.steps import Walk

pytestmark = [pytest.mark.browser, pytest.mark.walk]

CATEGORY = "Broken or missing street lights"  # a demo category (concerns/demo.py)


@pytest.fixture(params=["js", "nojs"])
def walk(request: pytest.FixtureRequest, shots) -> Walk:
    javascript = request.param == "js"
    page = request.getfixturevalue("page" if javascript else "page_nojs")
    return Walk(page, shots, javascript=javascript)


def fits(walk: Walk, where: str) -> None:
    overflow = horizontal_overflow(walk.page)
    assert overflow <= 0, f"{where}: {overflow}px wider than a 360 px phone: {widest_elements(walk.page)}"


def report_anonymously(walk: Walk) -> None:
    page = walk.page
    page.goto("/concerns/new")
    fits(walk, "choosing a category")
    page.get_by_label(CATEGORY).check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/concerns/new?" in page.url
    walk.done("concern details form")
    fits(walk, "the concern form")
    page.locator("#description").fill("المصباح عند زاوية الشارع مطفأ منذ أسبوع والطريق إلى الموقف مظلم تمامًا.")
    page.locator("#neighborhood_id").select_option(label="Riverside")
    page.locator("#address").fill("14 Canal Road")
    page.locator("#description_public").check()
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code), code
    walk.facts["code"] = code
    walk.facts["case_id"] = int(re.search(r"\d+", page.locator(".receipt-page > p").first.inner_text()).group())
    assert page.locator("html").get_attribute("dir") == "rtl"
    walk.done("follow-up code shown once")
    fits(walk, "the follow-up code page")


def check_with_code(walk: Walk, expected_status: str) -> None:
    page = walk.page
    page.goto("/concerns/followup")
    page.locator("#code").fill(walk.facts["code"].lower())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".concern-facts").first.get_by_text(expected_status).count() >= 1, page.url
    walk.done(f"status checked with the code: {expected_status}")
    fits(walk, "the follow-up page")


def staff_resolve(walk: Walk) -> None:
    page = walk.page
    case = walk.facts["case_id"]
    for status, note in (("acknowledged", "قرأنا بلاغك وسنزور المكان هذا الأسبوع."),
                         ("resolved", "استُبدل المصباح.")):
        page.goto(f"/concerns/cases/{case}")
        form = page.locator("form[action$='/status']")
        form.locator("#status").select_option(status)
        form.locator("#note").fill(note)
        if status == "resolved":
            form.locator("#method").select_option("repair")
            form.locator("#escalation-yes").check()
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/concerns/cases/{case}"), page.url
    walk.done("staff resolved the concern")


def dispute_with_code(walk: Walk) -> None:
    page = walk.page
    check_with_code(walk, "تم الحل")
    page.locator("#reason").fill("ما زال الطريق مظلمًا كل ليلة بعد العاشرة.")
    page.locator("form:has(#reason) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[role=status]").count() >= 1
    walk.done("disputed with the code: open again")


def test_an_anonymous_resident_reports_in_arabic_on_a_phone_and_has_the_last_word(walk: Walk) -> None:
    walk.page.set_viewport_size(NARROW)
    walk.page.goto("/")
    steps.change_language(walk, "ar")
    report_anonymously(walk)
    check_with_code(walk, "مستلم")
    # Someone else at the council, on the same machine, in English.
    steps.change_language(walk, "en")
    steps.switch_to(walk, "council")
    staff_resolve(walk)
    steps.switch_to(walk, "anonymous")
    walk.page.goto("/concerns")
    steps.change_language(walk, "ar")
    dispute_with_code(walk)
    check_with_code(walk, "قيد التنفيذ")
