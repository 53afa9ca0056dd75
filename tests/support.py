"""Helpers for tests: making accounts and neighborhoods, and posting forms as a browser would."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from server import clock
from server.accounts.schemas import SignUp
from server.accounts.service import sign_up
from server.accounts.tables import Account
from server.current_user import Viewer
from server.domains import Domain, Registry, registry, use
from server.neighborhoods.tables import Neighborhood

PASSWORD = "correct horse battery"
CSRF_COOKIE = "townsquare_csrf"
_counter = itertools.count(1)


@contextmanager
def with_domain(domain: Domain) -> Iterator[Registry]:
    """The listed domains plus `domain` (a test's own kinds, say), for the duration of the block."""
    before = registry()
    extended = Registry([*before.domains, domain])
    use(extended)
    try:
        yield extended
    finally:
        use(before)


async def make_neighborhood(name: str | None = None) -> int:
    name = name or f"Neighborhood {next(_counter)}"
    existing = await Neighborhood.select(Neighborhood.id).where(Neighborhood.name == name).first()
    if existing:
        return existing["id"]
    rows = await Neighborhood.insert(Neighborhood(name=name)).returning(Neighborhood.id)
    return rows[0]["id"]


async def make_account(role: str = "resident", *, neighborhood_id: int | None = None, birth_year: int = 1990,
                       name: str | None = None, email: str | None = None, confirmed: bool = True,
                       new: bool = False) -> Viewer:
    """An established account (made a year ago) whose e-mail address is confirmed. `confirmed=False`:
    one that can read but not take part yet; `new=True`: made just now (its reports weigh less)."""
    n = next(_counter)
    hood = neighborhood_id or await make_neighborhood("Testville")
    viewer = await sign_up(
        SignUp(name or f"{role.title()} {n}", email or f"{role}{n}@example.org", PASSWORD, hood, birth_year),
        role=role, confirmed=confirmed,
    )
    if not new:
        await Account.update({Account.created_at: clock.now() - dt.timedelta(days=365)}).where(
            Account.id == viewer.id)
    return viewer


async def csrf_token(client: httpx.AsyncClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        await client.get("/signin")
    return client.cookies[CSRF_COOKIE]


async def post_form(client: httpx.AsyncClient, url: str, data: dict[str, Any] | None = None,
                    **kwargs: Any) -> httpx.Response:
    """POST like a browser form, with the CSRF token the page would carry."""
    payload = dict(data or {})
    payload["_csrf_token"] = await csrf_token(client)
    return await client.post(url, data=payload, **kwargs)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/signin", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    return response


async def signed_in_as(client: httpx.AsyncClient, role: str = "resident", **kwargs: Any) -> Viewer:
    viewer = await make_account(role, **kwargs)
    await sign_in(client, viewer.email)
    return viewer


def text_of(html: str) -> str:
    """Visible text, roughly: tags dropped, whitespace folded. For asserting on messages. <bdi>
    (isolating a name or amount inside a sentence) adds no space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi>", "", html))).strip()
