"""Every page type a person can reach, by who is looking: the accessibility and small-screen checks
(tests/browser/test_pages.py) run on each entry.

Extend this list as domains land: one entry per page TYPE (a list, a detail page, a form, an empty
state), for each role that sees it differently. `path` may be a callable taking the live server's
base URL and returning a path, for pages of objects that must be looked up or created first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("anonymous", "resident", "moderator", "council")


@dataclass(frozen=True)
class PageCase:
    role: str  # one of ROLES ("anonymous" = signed out); signed-in roles use the demo accounts
    path: str | Callable[[str], str]
    status: int = 200
    locale: str = "en"  # "ar" checks the right-to-left layout too
    label: str = ""

    @property
    def id(self) -> str:
        where = self.label or (self.path if isinstance(self.path, str) else self.path.__name__)
        return f"{self.role}:{where}:{self.locale}"


PAGES: list[PageCase] = [
    # signed out
    PageCase("anonymous", "/"),
    PageCase("anonymous", "/signin"),
    PageCase("anonymous", "/signup"),
    PageCase("anonymous", "/no-such-page", status=404, label="404"),
    # signed in
    *(PageCase(role, "/") for role in ("resident", "moderator", "council")),
    *(PageCase(role, "/account") for role in ("resident", "moderator", "council")),
    *(PageCase(role, "/notifications") for role in ("resident", "moderator", "council")),
    PageCase("resident", "/no-such-page", status=404, label="404"),
    PageCase("resident", "/council/neighborhoods/", status=403, label="403"),
    PageCase("moderator", "/council/neighborhoods/", status=403, label="403"),
    PageCase("council", "/council/neighborhoods/"),
    # right to left
    PageCase("anonymous", "/", locale="ar"),
    PageCase("anonymous", "/signup", locale="ar"),
    PageCase("resident", "/account", locale="ar"),
    PageCase("council", "/council/neighborhoods/", locale="ar"),
    PageCase("anonymous", "/", locale="es"),
]
