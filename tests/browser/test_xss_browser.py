"""In a real browser, with JavaScript on: no payload from tests/web/security/xss_fields.py ever runs
(each would set window.__xss) on any page that shows it, for the submitter or a signed-out visitor."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser.helpers import csrf_token_of, sign_in_request
from web.security.xss_fields import FIELDS, PAYLOADS, XssField, _a_neighborhood, _nothing

pytestmark = pytest.mark.browser

# The HTTP tests try every payload; here a few kinds (script element, event handler, attribute
# breakout, htmx attributes) keep the browser time down. Sign-up is also limited to 10 accounts an
# hour from one address, and the walk needs some of those.
BROWSER_PAYLOADS = [p for p in PAYLOADS if p.startswith(("<script", "<img", '">', "<p hx"))]
ANONYMOUS_PAYLOADS = BROWSER_PAYLOADS[:3]


def _post(context: Any, url: str, form: dict[str, str]) -> int:
    context.request.get("/signin")  # makes sure the CSRF cookie exists
    response = context.request.post(url, form={**form, "_csrf_token": csrf_token_of(context)}, max_redirects=0)
    return response.status


def _new_neighborhood(council: Any, name: str) -> int:
    assert _post(council, "/council/neighborhoods/", {"name": name}) == 303
    html = council.request.get("/council/neighborhoods/").text()
    rows = re.findall(r'id="rename_(\d+)" name="name" value="([^"]*)"', html)
    return next(int(hood_id) for hood_id, value in rows if value == name)


def _demo_neighborhood_id(context: Any) -> int:
    html = context.request.get("/signup").text()
    return int(re.findall(r'<option value="(\d+)"', html)[0])


def _xss_ran(page: Any) -> bool:
    return page.evaluate("() => window.__xss !== undefined")


# Fields whose form needs objects made in-process (a proposal, a draft, a ballot: any `setup` beyond a
# neighborhood) or pages found from a redirect are covered by the HTTP XSS test, which owns the
# database, and so are fields only ever echoed in their own form with an error; the browser checks
# the fields it can reach by itself and whose valid values are shown on other pages.
BROWSER_FIELDS = [f for f in FIELDS if f.setup in (_nothing, _a_neighborhood) and not f.echo_only
                  and not any("{location}" in page for page in [*f.pages, *f.public_pages])]


@pytest.mark.parametrize("entry", BROWSER_FIELDS, ids=lambda f: f.name)
def test_payloads_never_run_in_the_browser(browser, live_url: str, entry: XssField, shots) -> None:
    payloads = ANONYMOUS_PAYLOADS if entry.submitter == "anonymous" else BROWSER_PAYLOADS
    council = browser.new_context(base_url=live_url)
    sign_in_request(council, "council")
    visitor = browser.new_context(base_url=live_url)
    signed_in = None
    if entry.submitter != "anonymous":
        signed_in = browser.new_context(base_url=live_url)
        sign_in_request(signed_in, entry.submitter)
    problems: list[str] = []
    try:
        for index, payload in enumerate(payloads):
            # A signed-out submitter (sign-up) needs a fresh browser for each new account.
            submitter = signed_in or browser.new_context(base_url=live_url)
            ctx: dict[str, Any] = {"neighborhood_id": _demo_neighborhood_id(submitter)}
            if "{neighborhood_id}" in entry.form_url:
                ctx["neighborhood_id"] = _new_neighborhood(council, f"Browser plain {entry.field} {index} "
                                                                    f"{id(entry)}")
            # The live server keeps its data for the session: a suffix keeps names unique across fields.
            form = {**entry.form(ctx), entry.field: f"{payload} #{FIELDS.index(entry)}"}
            status = _post(submitter, entry.form_url.format(**ctx), form)
            assert status == 303, f"{entry.name}: submitting {payload!r} gave {status}"
            for context, paths in ((submitter, entry.pages), (visitor, entry.public_pages)):
                page = context.new_page()
                for template in paths:
                    path = template.format(**ctx)
                    page.goto(path)
                    page.wait_for_load_state("load")
                    if _xss_ran(page):
                        problems.append(f"{payload!r} ran on {path}")
                shots.take(page, f"payload {index} {paths[-1] if paths else ''}")
                page.close()
            if submitter is not signed_in:
                submitter.close()
    finally:
        for context in (council, visitor, signed_in):
            if context is not None:
                context.close()
    assert not problems, f"{entry.name}: injected script ran:\n  " + "\n  ".join(problems)
