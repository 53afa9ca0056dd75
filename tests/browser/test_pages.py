"""Every page in tests/browser/pages.py: no serious or critical axe-core violations, and usable at
360 px wide without scrolling sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser.helpers import NARROW, assert_accessible, horizontal_overflow, sign_in_request, widest_elements
from browser.pages import PAGES, PageCase

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def role_pages(browser, live_url: str) -> Iterator[dict[tuple[str, str], object]]:
    """One signed-in page per (role, locale), made on first use and kept for the module."""
    contexts: list[object] = []
    pages: dict[tuple[str, str], object] = {}

    def get(role: str, locale: str):
        if (role, locale) not in pages:
            context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            context.add_cookies([{"name": "lang", "value": locale, "url": live_url}])
            if role != "anonymous":
                sign_in_request(context, role)
            contexts.append(context)
            pages[(role, locale)] = context.new_page()
        return pages[(role, locale)]

    yield get  # type: ignore[misc]
    for context in contexts:
        context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", PAGES, ids=lambda c: c.id)
def test_page_is_accessible_and_fits_a_phone(case: PageCase, role_pages, live_url: str, shots) -> None:
    page = role_pages(case.role, case.locale)
    path = case.path if isinstance(case.path, str) else case.path(live_url)
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(path)
    assert response is not None and response.status == case.status, (
        f"{case.role} opening {path}: expected {case.status}, got {response and response.status}")
    assert page.evaluate("() => document.documentElement.lang") == case.locale
    # The first screen only: the whole page is photographed at phone width below, and a full-page
    # desktop shot of every page cost a fifth of this group's time.
    shots.take(page, "desktop", full_page=False)

    # Audited once, at phone width: most residents use phones, and it is where layouts break.
    page.set_viewport_size(NARROW)
    shots.take(page, "360 wide")
    overflow = horizontal_overflow(page)
    assert overflow <= 0, (f"{path} as {case.role} ({case.locale}) scrolls sideways by {overflow}px at 360px "
                           f"wide; elements sticking out: {widest_elements(page)}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page, f"{path} as {case.role} ({case.locale}) at 360px")


def test_the_checks_can_fail(page) -> None:
    """The audit and the width check do see problems (guards against a check that silently passes)."""
    page.goto("/signin")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<input type="text" id="unlabelled"><div class="too-wide">wide</div>');
        main.querySelector('.too-wide').style.width = '900px';
    }""")
    page.set_viewport_size(NARROW)
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
    assert horizontal_overflow(page) > 0
    assert any("too-wide" in element for element in widest_elements(page))
