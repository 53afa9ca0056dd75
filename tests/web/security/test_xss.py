"""Each payload typed into each text field (tests/web/security/xss_fields.py) is shown verbatim and
inert on every page that shows it, and in the form that echoes it back."""

from __future__ import annotations

import httpx
import pytest
from support import post_form, signed_in_as
from web.security.inert import active_content, shows_verbatim
from web.security.xss_fields import FIELDS, PAYLOADS, XssField


def test_the_scanner_sees_active_content() -> None:
    """Guard against a checker that passes everything."""
    for payload in PAYLOADS[:7]:
        assert active_content(f"<p>{payload}</p>") or "javascript:" in payload, payload
    assert active_content('<a href=" JaVaScRiPt:alert(1)">x</a>')
    assert not active_content('<script src="/static/vendor/htmx.js" defer></script><p>&lt;script&gt;</p>')
    assert shows_verbatim("<p>&lt;script&gt;x</p>", "<script>x")


@pytest.mark.parametrize("entry", [f for f in FIELDS if not f.echo_only], ids=lambda f: f.name)
async def test_payloads_are_inert_everywhere_they_are_shown(client: httpx.AsyncClient,
                                                            other_client: httpx.AsyncClient, entry: XssField) -> None:
    # One test per field (each payload in turn) keeps the number of password hashes, and the time, down.
    if entry.submitter != "anonymous":
        await signed_in_as(client, entry.submitter)
    problems: list[str] = []
    for payload in PAYLOADS:
        if entry.submitter == "anonymous":
            client.cookies.clear()
        ctx = await entry.setup()
        typed = payload[:entry.max_length] if entry.max_length else payload
        form = {**entry.form(ctx), entry.field: typed}
        response = await post_form(client, entry.form_url.format(**ctx), form)
        assert response.status_code == 303, f"{entry.name}: submitting {typed!r} gave {response.status_code}"
        ctx["location"] = response.headers["location"].split("#")[0]  # pages may show "{location}"
        for viewer, paths in ((client, entry.pages), (other_client, entry.public_pages)):
            for template in paths:
                path = template.format(**ctx)
                page = await viewer.get(path)
                assert page.status_code == 200, f"{path}: {page.status_code}"
                if found := active_content(page.text):
                    problems.append(f"{payload!r} on {path}: {found}")
                if not shows_verbatim(page.text, typed, markdown=entry.markdown):
                    problems.append(f"{payload!r} on {path}: not shown exactly as typed")
    assert not problems, f"{entry.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("entry", FIELDS, ids=lambda f: f.name)
async def test_payloads_are_inert_when_the_form_comes_back_with_errors(client: httpx.AsyncClient,
                                                                       entry: XssField) -> None:
    ctx = await entry.setup()
    if entry.submitter != "anonymous":
        await signed_in_as(client, entry.submitter)
    for payload in PAYLOADS:
        # Only the payload, padded past any length limit: the form comes back with errors, echoing it.
        response = await post_form(client, entry.form_url.format(**ctx), {entry.field: payload + "x" * entry.pad})
        if response.status_code == 303:  # a long page sends the refused form back to its place (forms.stash_form)
            response = await client.get(response.headers["location"])
        assert response.status_code in (200, 400), response.status_code
        assert not active_content(response.text), payload
        assert shows_verbatim(response.text, payload + "x" * entry.pad), f"{payload!r} was not echoed back as typed"
