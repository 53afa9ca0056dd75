"""Every page carries the security headers and the accessible layout; errors use the same layout."""

from __future__ import annotations

import httpx
import pytest
from support import make_account, post_form, signed_in_as

PUBLIC_PAGES = ["/", "/signin", "/signup", "/does-not-exist"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
async def test_security_headers_on_every_page(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]


async def test_layout_has_landmarks_skip_link_and_language(client: httpx.AsyncClient) -> None:
    html = (await client.get("/")).text
    assert '<html lang="en" dir="ltr">' in html
    assert 'class="skip-link" href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert "<h1" in html
    assert '<meta name="viewport"' in html
    assert "<script>" not in html  # no inline scripts: the CSP forbids them
    assert "/static/vendor/htmx-2.0.11.min.js" in html


async def test_static_files_are_served_locally(client: httpx.AsyncClient) -> None:
    html = (await client.get("/")).text
    for path in ("/static/vendor/htmx-2.0.11.min.js", "/static/css/site.css"):
        assert path in html
        assert (await client.get(path)).status_code == 200
    assert "https://" not in html.split("<body")[0]


async def test_404_page_in_layout(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "We can&#39;t find that page" in response.text or "We can't find that page" in response.text
    assert 'class="skip-link"' in response.text


async def test_403_page_for_wrong_role(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "resident")
    response = await client.get("/council/neighborhoods/")
    assert response.status_code == 403
    assert "You can&#39;t do that here" in response.text or "You can't do that here" in response.text


async def test_language_follows_accept_language_then_choice(client: httpx.AsyncClient) -> None:
    html = (await client.get("/", headers={"accept-language": "ar,en;q=0.5"})).text
    assert '<html lang="ar" dir="rtl">' in html
    response = await post_form(client, "/language", {"locale": "es", "next": "/signin"})
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    html = (await client.get("/", headers={"accept-language": "ar"})).text
    assert '<html lang="es" dir="ltr">' in html


async def test_health(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}


async def test_anonymous_page_views_do_not_create_sessions(client: httpx.AsyncClient) -> None:
    from server.stores.tables import StoreEntry

    for path in ("/", "/signin", "/signup"):
        response = await client.get(path)
        assert "townsquare_session" not in response.headers.get("set-cookie", "")
    assert await StoreEntry.count() == 0
    viewer = await make_account()
    await post_form(client, "/signin", {"email": viewer.email, "password": "correct horse battery"})
    assert await StoreEntry.count() == 1


async def test_ids_too_large_for_the_database_are_not_found(client: httpx.AsyncClient) -> None:
    huge = 10**22
    for path in (f"/proposals/{huge}", f"/ballots/{huge}", f"/delivery/{huge}", f"/api/v1/ballots/{huge}"):
        response = await client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)


async def test_ready_when_database_and_storage_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "problems": []}
    assert "set-cookie" not in response.headers


async def test_not_ready_when_storage_does_not_answer(db: object, settings, tmp_path) -> None:
    import msgspec

    from server.app import create_app

    # A bucket on a port where nothing listens.
    broken = msgspec.structs.replace(settings, storage_url="s3://nowhere/uploads",
                                     storage_env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x",
                                                  "AWS_SECRET_ACCESS_KEY": "y"})
    app = create_app(broken, engine=db)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert [p.split(":")[0] for p in response.json()["problems"]] == ["storage not reachable"]
