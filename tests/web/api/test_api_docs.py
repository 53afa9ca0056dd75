"""The API's documentation is served by the site itself (issue 20, item 14): nothing from another
host, no inline script (the Content Security Policy would block both), and an index at /api/v1."""

from __future__ import annotations

import re

import httpx
from piccolo.engine.base import Engine


async def test_api_documentation_is_self_contained(client: httpx.AsyncClient, db: Engine) -> None:
    for path in ("/api/schema", "/api/v1"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "GET /api/v1/cycles" in page.text and "GET /api/v1/ballots/{ballot_id}/results" in page.text
        assert 'href="/api/schema/openapi.json"' in page.text
        assert not re.search(r'(src|href)="(https?:)?//', page.text), f"{path} loads from another host"
        assert "<script>" not in page.text and "<script type" not in page.text  # no inline script
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "/api/v1/cycles" in schema["paths"] and "/api/v1" not in schema["paths"]
    assert (await client.get("/api/schema/openapi.yaml")).status_code == 200


async def test_api_documentation_follows_the_language(client: httpx.AsyncClient, db: Engine) -> None:
    page = await client.get("/api/v1", headers={"Accept-Language": "es"})
    assert '<html lang="es"' in page.text and "API de datos abiertos" in page.text
