"""Every route of the built app against tests/web/security/access_matrix.py, for every role, and every
unsafe route refusing a request without a CSRF token."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from support import CSRF_COOKIE, csrf_token, make_account, make_neighborhood, sign_in
from web.security.access_matrix import MATRIX, MATRIX_BY_DOMAIN, ROLES, Access, World

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SKIPPED_PREFIXES = ("/static", "/api/schema")
PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def app_routes(app: Litestar) -> list[tuple[str, str]]:
    """(method, path template) of every route the app serves, except static files, the OpenAPI schema
    pages and the OPTIONS/HEAD answers Litestar adds by itself."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(SKIPPED_PREFIXES):
            continue
        for method in route.methods:
            if method not in ("OPTIONS", "HEAD"):
                found.add((method, route.path))
    return sorted(found, key=lambda key: (key[1], key[0]))


def fill_path(template: str, params: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise AssertionError(f"{template}: the matrix entry's params factory gave no value for {name!r}")
        return str(params[name])

    return PARAM.sub(value, template)


def outcome(response: httpx.Response) -> str:
    if response.status_code in (302, 303) and response.headers.get("location", "").startswith("/signin"):
        return "signin"
    if response.status_code == 403:
        # The CSRF refusal has its own page; with a valid token it means the token handling is broken.
        return "csrf-refused" if "security token" in response.text else "deny"
    if response.status_code == 404:
        return "404"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return "allow"


async def build_world() -> World:
    hood = await make_neighborhood("Matrix Town")
    accounts: dict[str, Any] = {"anonymous": None}
    for role in ("resident", "moderator", "council", "partner", "oversight"):
        accounts[role] = await make_account(role, neighborhood_id=hood)
    blocked = await make_account("resident", neighborhood_id=hood)
    from server.accounts.tables import Account

    await Account.update({Account.blocked: True}).where(Account.id == blocked.id)
    accounts["blocked"] = blocked
    return World(accounts=accounts, neighborhood_id=hood)


async def is_signed_in(client: httpx.AsyncClient) -> bool:
    return (await client.get("/account")).status_code == 200


async def send(client: httpx.AsyncClient, method: str, path: str, entry: Access, *, with_csrf: bool = True):
    if method not in UNSAFE:
        return await client.request(method, path)
    data = dict(entry.form)
    if with_csrf:
        data["_csrf_token"] = await csrf_token(client)
    return await client.request(method, path, data=data)


def test_every_route_is_in_the_matrix(app: Litestar) -> None:
    missing = [f"    ({method!r}, {path!r}): <who may reach it>," for method, path in app_routes(app)
               if (method, path) not in MATRIX]
    assert not missing, (
        "These routes are not in tests/web/security/access_matrix.py. Add each with the expected outcome "
        "for every role (and a params factory if the path has parameters):\n" + "\n".join(missing))
    stale = sorted(set(MATRIX) - set(app_routes(app)))
    assert not stale, f"The matrix lists routes the app does not have (remove or fix them): {stale}"


def test_each_domain_describes_its_own_routes() -> None:
    # A domain's routes (from its manifest) are in its own part of the matrix, so adding a domain is
    # adding its file in tests/web/security/access/, not editing the host's table.
    from server.domains import registry

    for domain in registry().domains:
        own = set(app_routes(Litestar(route_handlers=list(domain.routes), openapi_config=None)))
        described = set(MATRIX_BY_DOMAIN[domain.name])
        assert own == described, (domain.name, sorted(own - described), sorted(described - own))


@pytest.mark.parametrize("role", ROLES)
async def test_access_matrix(app: Litestar, client: httpx.AsyncClient, role: str) -> None:
    world = await build_world()
    world.extra["app"] = app  # for params factories that store files where the app reads them
    viewer = world.account(role)
    if viewer is not None:
        await sign_in(client, viewer.email)
    problems: list[str] = []
    changed = False  # whether the last request could have signed us out: only an unsafe one can
    for method, template in app_routes(app):
        entry = MATRIX.get((method, template))
        if entry is None:
            continue  # reported by test_every_route_is_in_the_matrix
        if viewer is not None and changed and not await is_signed_in(client):
            await sign_in(client, viewer.email)  # the previous route signed us out (e.g. POST /signout)
        changed = method in UNSAFE
        params = await entry.params(world, role) if entry.params else {}
        path = fill_path(template, params)
        response = await send(client, method, path, entry)
        got, expected = outcome(response), entry.expected(role)
        if got != expected:
            problems.append(f"{method} {path}: expected {expected}, got {got} ({response.status_code} "
                            f"{response.headers.get('location', '')})")
    assert not problems, f"access as {role} differs from the matrix:\n  " + "\n  ".join(problems)


async def test_every_unsafe_route_refuses_a_missing_csrf_token(app: Litestar, client: httpx.AsyncClient) -> None:
    world = await build_world()
    world.extra["app"] = app
    council = world.account("council")
    assert council is not None
    await sign_in(client, council.email)
    assert CSRF_COOKIE in client.cookies
    problems: list[str] = []
    checked = 0
    for method, template in app_routes(app):
        if method not in UNSAFE or (method, template) not in MATRIX:
            continue
        entry = MATRIX[(method, template)]
        if entry.api_key:
            continue
        params = await entry.params(world, "council") if entry.params else {}
        path = fill_path(template, params)
        response = await send(client, method, path, entry, with_csrf=False)
        checked += 1
        if response.status_code != 403 or "security token" not in response.text:
            problems.append(f"{method} {path}: {response.status_code} without a CSRF token")
        # A wrong token is refused as well.
        wrong = await client.request(method, path, data={**entry.form, "_csrf_token": "not-the-token"})
        if wrong.status_code != 403:
            problems.append(f"{method} {path}: {wrong.status_code} with a wrong CSRF token")
    assert checked >= 5
    assert not problems, "unsafe routes that accept requests without a valid CSRF token:\n  " + "\n  ".join(problems)


async def test_a_notification_of_someone_else_cannot_be_opened(client: httpx.AsyncClient) -> None:
    from web.security.access_matrix import own_notification

    world = await build_world()
    theirs = await own_notification(world, "moderator")
    resident = world.account("resident")
    assert resident is not None
    await sign_in(client, resident.email)
    path = f"/notifications/{theirs['notification_id']}/open"
    response = await client.post(path, data={"_csrf_token": await csrf_token(client)})
    assert response.status_code == 404
