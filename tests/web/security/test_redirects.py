"""Every return address a request carries comes back as a same-site path or a safe page: in the
Location header of the redirect and in the links and hidden fields a page writes (server/redirects.py)."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from factories.proposals import make_cycle, make_proposal
from support import PASSWORD, csrf_token, make_account, make_neighborhood, post_form, sign_in

from server.notifications.tables import Notification
from server.redirects import is_safe_path

HOSTILE = [
    "//evil.example", "/\\evil.example", "/%5Cevil.example", "/%2F%2Fevil.example", "https://evil.example",
    "javascript:alert(1)//evil.example", "\\\\evil.example", "/\t/evil.example", "/\r\n/evil.example",
    "/%09/evil.example", "/%252F%252Fevil.example", " //evil.example",
]


ADDRESSES = re.compile(r'(?:href|hx-get|action)="([^"]*)"|name="next" value="([^"]*)"')


def shows_no_foreign_address(response: httpx.Response) -> bool:
    """Every link, form action and return field on the page stays on this site (a query may still
    mention anything: it is not where the browser goes)."""
    for match in ADDRESSES.finditer(response.text):
        address = html.unescape(match.group(1) or match.group(2) or "")
        if address.startswith(("#", "?")) or (address and is_safe_path(address)):
            continue
        return False
    return True


@pytest.mark.parametrize("target", HOSTILE)
async def test_sign_in_and_its_form_keep_only_site_paths(client: httpx.AsyncClient, target: str) -> None:
    viewer = await make_account()
    form = await client.get("/signin", params={"next": target})
    assert form.status_code == 200 and shows_no_foreign_address(form)
    failed = await post_form(client, "/signin", {"email": viewer.email, "password": "wrong password", "next": target})
    assert failed.status_code == 400 and shows_no_foreign_address(failed)
    ok = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD, "next": target})
    assert ok.status_code == 303 and ok.headers["location"] == "/"


async def test_sign_in_still_returns_to_the_page_that_asked(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    form = await client.get("/signin", params={"next": "/proposals?q=street%20lights"})
    assert 'value="/proposals?q=street%20lights"' in form.text
    ok = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD,
                                             "next": "/proposals?q=street%20lights"})
    assert ok.headers["location"] == "/proposals?q=street%20lights"


@pytest.mark.parametrize("target", HOSTILE[:6])
async def test_sign_up_and_language_switch_refuse_other_sites(client: httpx.AsyncClient, target: str) -> None:
    hood = await make_neighborhood("Redirect Town")
    signup = await post_form(client, "/signup", {
        "display_name": "Rita", "email": f"rita{abs(hash(target))}@example.org", "password": PASSWORD,
        "password_confirm": PASSWORD, "neighborhood_id": str(hood), "birth_year": "1990", "next": target})
    assert signup.status_code == 303 and signup.headers["location"] == "/", signup.text
    language = await post_form(client, "/language", {"locale": "es", "next": target})
    assert language.status_code == 303 and language.headers["location"] == "/"
    kept = await post_form(client, "/language", {"locale": "en", "next": "/drafts"})
    assert kept.headers["location"] == "/drafts"


@pytest.mark.parametrize("target", HOSTILE[:6])
async def test_report_form_and_report_refuse_other_sites(client: httpx.AsyncClient, target: str) -> None:
    author = await make_account()
    proposal_id = await make_proposal(author, await make_cycle())
    reporter = await make_account()
    await sign_in(client, reporter.email)
    form = await client.get("/moderation/report", params={"kind": "proposal", "id": proposal_id, "next": target})
    assert form.status_code == 200 and shows_no_foreign_address(form)
    assert f'href="/proposals/{proposal_id}"' in form.text  # Cancel goes back to the item instead
    sent = await post_form(client, "/moderation/report", {"kind": "proposal", "id": str(proposal_id),
                                                         "reason": "spam", "next": target})
    assert sent.status_code == 303 and sent.headers["location"] == "/"


async def test_a_page_at_a_hostile_path_writes_no_foreign_return_address(client: httpx.AsyncClient) -> None:
    """The language switcher and report links carry the current address: a crafted one stays out."""
    response = await client.get("/proposals", params={"next": "//evil.example"})
    assert response.status_code == 200
    assert 'name="next" value="/proposals?next=%2F%2Fevil.example"' in response.text  # still a path here
    assert shows_no_foreign_address(response)


async def test_opening_a_notification_with_a_foreign_address_stays_here(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    await sign_in(client, viewer.email)
    for target in HOSTILE:
        rows = await Notification.insert(Notification(recipient=viewer.id, kind="welcome", url=target)).returning(
            Notification.id)
        response = await post_form(client, f"/notifications/{rows[0]['id']}/open")
        assert response.status_code == 303 and response.headers["location"] == "/", target


@pytest.mark.parametrize("referer", ["https://evil.example/account", "http://testserver//evil.example",
                                     "http://testserver/%5Cevil.example", "http://testserver.evil.example/x"])
async def test_signed_out_post_returns_only_to_a_page_of_this_site(client: httpx.AsyncClient, referer: str) -> None:
    token = await csrf_token(client)
    response = await client.post("/account/password", data={"_csrf_token": token}, headers={"referer": referer})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/"
    here = await client.post("/account/password", data={"_csrf_token": token},
                             headers={"referer": "http://testserver/proposals/3?sort=cost"})
    assert here.headers["location"] == "/signin?next=/proposals/3%3Fsort%3Dcost"
