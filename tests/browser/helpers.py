"""Helpers for browser tests: demo sign-ins, screenshots, axe-core, layout and XSS checks.

Imported as `from browser.helpers import ...` (tests/ is on the import path)."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from server.demo import ACCOUNTS, DEMO_PASSWORD

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
BLOCKING_IMPACTS = ("serious", "critical")
NARROW = {"width": 360, "height": 740}

# Which demo account plays each role (server/demo.py ACCOUNTS); "anonymous" signs in as nobody.
ROLE_ACCOUNT = {"resident": "resident", "moderator": "moderator", "council": "council"}


def demo_email(role: str) -> str:
    """The email of the demo account for a role ("resident", "moderator", "council" or any ACCOUNTS key)."""
    return ACCOUNTS[ROLE_ACCOUNT.get(role, role)][1]


def demo_name(role: str) -> str:
    return ACCOUNTS[ROLE_ACCOUNT.get(role, role)][0]


class Screenshots:
    """Numbered full-page screenshots of each step, under var/screenshots/<test>/ (git-ignored)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page: Any, label: str, *, full_page: bool = True) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


# ---------------------------------------------------------------- signing in

def sign_in_ui(page: Any, role: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the sign-in page, as a person would (works with JavaScript on or off)."""
    page.goto("/signin")
    page.get_by_label("Email").fill(demo_email(role))
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Sign out").count() == 1, f"sign-in as {role} failed: {page.url}"


def sign_in_request(context: Any, role: str, password: str = DEMO_PASSWORD) -> None:
    """Sign a browser context in without driving the page (fast, for page checks that are not about
    signing in): the context's request API shares its cookies."""
    context.request.get("/signin")
    token = next(c["value"] for c in context.cookies() if c["name"] == "townsquare_csrf")
    response = context.request.post("/signin", form={"email": demo_email(role), "password": password,
                                                     "_csrf_token": token}, max_redirects=0)
    assert response.status == 303, f"sign-in as {role} failed with {response.status}"


def csrf_token_of(context: Any) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "townsquare_csrf")


# ---------------------------------------------------------------- accessibility

@cache
def axe_source() -> str:
    source = (VENDOR / "axe.min.js").read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    assert digest == AXE_SHA256, f"tests/browser/vendor/axe.min.js changed (sha256 {digest}); update the note"
    return source.decode()


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule}: {self.help} -> {', '.join(self.targets[:5])}"


def axe_violations(page: Any) -> list[Violation]:
    """Run axe-core on the page as it is now. The pages' CSP forbids inline scripts, so axe is not
    added as a <script>: it is evaluated over the DevTools protocol, which the CSP does not govern
    axe waits on timers, so it needs a context with JavaScript enabled (it would hang without)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    raw = page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({rule: v.id, impact: v.impact || 'unknown', help: v.help,
                targets: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )
    return [Violation(**item) for item in raw]


def assert_accessible(page: Any, where: str = "") -> None:
    """No axe violation of impact serious or critical; fails with a readable list."""
    blocking = [v for v in axe_violations(page) if v.impact in BLOCKING_IMPACTS]
    if blocking:
        lines = "\n  ".join(str(v) for v in blocking)
        raise AssertionError(f"accessibility violations on {where or page.url}:\n  {lines}")


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0 = no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def widest_elements(page: Any, limit: int = 5) -> list[str]:
    """The elements that stick out past the viewport: what to fix when a page scrolls sideways."""
    return page.evaluate(
        """(limit) => {
            const w = window.innerWidth, out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > w + 1 || r.left < -1) {
                    const cls = typeof el.className === 'string' && el.className
                        ? '.' + el.className.split(' ').join('.') : '';
                    out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}` +
                             ` [${Math.round(r.left)}..${Math.round(r.right)}]`);
                }
            }
            return out.slice(0, limit);
        }""",
        limit,
    )


# ---------------------------------------------------------------- layout direction

def box(page: Any, selector: str) -> dict[str, float]:
    result = page.locator(selector).first.bounding_box()
    assert result is not None, f"{selector} is not visible"
    return result


def brand_side(page: Any) -> str:
    """Which edge of the header the brand sits at: "left" or "right"."""
    brand = box(page, ".site-header .brand")
    width = page.evaluate("() => document.documentElement.clientWidth")
    return "left" if brand["x"] + brand["width"] / 2 < width / 2 else "right"


def html_attrs(page: Any) -> dict[str, str]:
    return page.evaluate("() => ({lang: document.documentElement.lang, dir: document.documentElement.dir})")


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


# Where the live server writes its files (the session's live_url fixture sets it): the walk reads the
# e-mails it "sends" from var/outbox/, as a person reads their inbox.
LIVE: dict[str, Path] = {}


def emailed_link(to: str, path_prefix: str, timeout: float = 10.0) -> str:
    """The path of the newest link starting with `path_prefix` in an e-mail the live server wrote to
    `to` (mail goes out in a background task just after the response: wait for it)."""
    deadline = time.monotonic() + timeout
    while True:
        folder = LIVE["var_dir"] / "outbox"
        emails = sorted(folder.glob("*.eml"), key=lambda f: f.stat().st_mtime, reverse=True) if folder.exists() else []
        for eml in emails:
            message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            if message["To"] == to:
                body = message.get_body(("plain",)).get_content()
                if found := re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", body):
                    return found.group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no e-mail to {to} with a {path_prefix} link")
        time.sleep(0.2)
