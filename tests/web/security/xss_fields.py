"""Every text field people fill in, and every page that shows what they typed: the XSS tests
(tests/web/security/test_xss.py over HTTP, tests/browser/test_xss_browser.py in Chromium) submit each
payload below into each field and check every listed page renders it inert and verbatim.

Adding a domain? Add one XssField per free-text field (titles, summaries, comments, Markdown
descriptions, names), listing every page type that shows the value (lists, detail pages, home
sections, notifications, emails-as-pages). `setup` creates what the form needs (returns values for the
{placeholders} in `form_url` and `pages`); `form` returns the other fields of a valid submission."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from support import PASSWORD

# Each payload would set window.__xss = 1 if it ever ran (the browser test checks exactly that).
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "'><svg/onload=window.__xss=1>",
    "javascript:window.__xss=1",
    '<a href="javascript:window.__xss=1">look</a>',
    "</textarea></title><script>window.__xss=1</script>",
    "{{7*7}} {{ config }} ${7*7} #{7*7}",
    '<p hx-get="/signout" hx-trigger="load" hx-on::load="window.__xss=1">x</p>',
]

_unique = itertools.count(1)

Setup = Callable[[], Awaitable[dict[str, Any]]]
FormFactory = Callable[[dict[str, Any]], dict[str, str]]


async def _nothing() -> dict[str, Any]:
    return {}


async def _a_neighborhood() -> dict[str, Any]:
    from support import make_neighborhood

    return {"neighborhood_id": await make_neighborhood(f"Plain {next(_unique)}")}


def _sign_up_form(ctx: dict[str, Any]) -> dict[str, str]:
    return {"email": f"xss{next(_unique)}@example.org", "password": PASSWORD, "password_confirm": PASSWORD,
            "neighborhood_id": str(ctx["neighborhood_id"]), "birth_year": "1990"}


@dataclass(frozen=True)
class XssField:
    name: str
    submitter: str  # "anonymous" or a role; the page checks use the same client afterwards
    form_url: str  # may hold {placeholders} from setup
    field: str
    pages: list[str]  # paths (with {placeholders}) that show the value to the submitter's client
    public_pages: list[str] = field(default_factory=list)  # the same, for a signed-out visitor
    setup: Setup = _nothing
    form: FormFactory = lambda ctx: {}


FIELDS: list[XssField] = [
    XssField("sign-up display name", "anonymous", "/signup", "display_name",
             pages=["/", "/account", "/notifications"], setup=_a_neighborhood, form=_sign_up_form),
    XssField("new neighborhood name", "council", "/council/neighborhoods/", "name",
             pages=["/council/neighborhoods/"], public_pages=["/signup", "/"]),
    XssField("renamed neighborhood", "council", "/council/neighborhoods/{neighborhood_id}/rename", "name",
             pages=["/council/neighborhoods/", "/?neighborhood={neighborhood_id}"],
             public_pages=["/signup", "/", "/?neighborhood={neighborhood_id}"], setup=_a_neighborhood),
]
