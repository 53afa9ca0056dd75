"""Sign-up, sign-in, sign-out and the account page over HTTP, on both engines."""

from __future__ import annotations

import httpx
from support import PASSWORD, make_account, make_neighborhood, post_form, sign_in, signed_in_as, text_of

SESSION = "townsquare_session"


async def test_sign_up_signs_in_and_lands_home(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood("Riverside")
    response = await post_form(client, "/signup", {
        "display_name": "Amira", "email": "Amira@Example.org", "password": PASSWORD,
        "password_confirm": PASSWORD, "neighborhood_id": str(hood), "birth_year": "1988",
    })
    assert response.status_code == 303
    home = await client.get("/")
    assert "Amira" in home.text
    assert "What's happening in Riverside" in text_of(home.text).replace("’", "'")
    account = await client.get("/account")
    assert account.status_code == 200
    assert "amira@example.org" in account.text  # stored lower-cased


async def test_sign_up_errors_keep_what_was_typed(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood()
    response = await post_form(client, "/signup", {
        "display_name": "Zoë <b>", "email": "not-an-email", "password": "short",
        "password_confirm": "short", "neighborhood_id": str(hood), "birth_year": "19x0",
    })
    assert response.status_code == 400
    page = text_of(response.text)
    assert "Please enter an email address like name@example.org." in page
    assert "Please use at least 10 characters." in page
    assert "Please enter a whole number." in page
    assert 'value="Zoë &lt;b&gt;"' in response.text
    assert 'value="not-an-email"' in response.text
    assert 'value="19x0"' in response.text
    assert 'value="short"' not in response.text  # passwords are never echoed back
    assert f'<option value="{hood}" selected' in response.text


async def test_sign_up_with_taken_email_is_refused(client: httpx.AsyncClient) -> None:
    existing = await make_account()
    response = await post_form(client, "/signup", {
        "display_name": "Copy", "email": existing.email.upper(), "password": PASSWORD,
        "password_confirm": PASSWORD, "neighborhood_id": str(existing.neighborhood_id), "birth_year": "1990",
    })
    assert response.status_code == 400
    assert "An account with this email already exists" in response.text


async def test_wrong_password_and_unknown_email_give_the_same_message(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    wrong_password = await post_form(client, "/signin", {"email": viewer.email, "password": "not it at all"})
    unknown_email = await post_form(client, "/signin", {"email": "nobody@example.org", "password": PASSWORD})
    assert wrong_password.status_code == unknown_email.status_code == 400
    message = "That email and password do not match an account."
    assert message in wrong_password.text and message in unknown_email.text
    assert 'value="' + viewer.email + '"' in wrong_password.text


async def test_sixth_bad_sign_in_in_a_minute_is_refused(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    for _ in range(5):
        response = await post_form(client, "/signin", {"email": viewer.email, "password": "wrong password!"})
        assert response.status_code == 400
    sixth = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD})
    assert sixth.status_code == 429
    assert "Too many failed attempts" in sixth.text
    assert SESSION not in client.cookies or client.cookies.get(SESSION) in (None, "null")


async def test_throttle_is_per_account_not_global(client: httpx.AsyncClient) -> None:
    victim = await make_account()
    other = await make_account()
    for _ in range(5):
        await post_form(client, "/signin", {"email": victim.email, "password": "wrong password!"})
    response = await post_form(client, "/signin", {"email": other.email, "password": PASSWORD})
    assert response.status_code == 303


def _session_cookie(response: httpx.Response) -> str | None:
    for name, value in response.headers.multi_items():
        if name == "set-cookie" and value.startswith(SESSION + "="):
            return value.split(";")[0].split("=", 1)[1]
    return None


async def test_session_id_changes_at_sign_in(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    first = await sign_in(client, viewer.email)
    first_id = _session_cookie(first)
    assert first_id
    # An attacker who planted (or learned) the pre-sign-in id must not share the new session.
    planted = "attacker-chosen-session-id-0000000000000000"
    other_client.cookies.set(SESSION, planted)
    response = await post_form(other_client, "/signin", {"email": viewer.email, "password": PASSWORD})
    new_id = _session_cookie(response)
    assert new_id and new_id not in (planted, first_id)
    attacker = httpx.AsyncClient(transport=other_client._transport, base_url="http://testserver")
    attacker.cookies.set(SESSION, planted)
    assert (await attacker.get("/account")).status_code == 303
    # Signing in again from a signed-in browser also rotates, and the old id stops working.
    again = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD})
    rotated = _session_cookie(again)
    assert rotated and rotated != first_id
    stale = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    stale.cookies.set(SESSION, first_id)
    assert (await stale.get("/account")).status_code == 303


async def test_session_cookie_flags(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    response = await sign_in(client, viewer.email)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie


async def test_sign_out_ends_the_session(client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    assert (await client.get("/account")).status_code == 200
    response = await post_form(client, "/signout")
    assert response.status_code == 303
    assert (await client.get("/account")).status_code == 303


async def test_signed_out_visitor_is_sent_to_sign_in_and_back(client: httpx.AsyncClient) -> None:
    response = await client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/account"
    viewer = await make_account()
    back = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD, "next": "/account"})
    assert back.headers["location"] == "/account"


async def test_sign_in_never_redirects_off_site(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        client.cookies.clear()
        response = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD, "next": target})
        assert response.headers["location"] == "/"


async def test_change_password(client: httpx.AsyncClient) -> None:
    viewer = await signed_in_as(client)
    wrong = await post_form(client, "/account/password", {
        "current_password": "not my password", "new_password": "a brand new password",
        "new_password_confirm": "a brand new password"})
    assert wrong.status_code == 400 and "That is not your current password." in wrong.text
    ok = await post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "a brand new password",
        "new_password_confirm": "a brand new password"})
    assert ok.status_code == 303
    await post_form(client, "/signout")
    await sign_in(client, viewer.email, "a brand new password")


async def test_post_without_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    await client.get("/signin")
    response = await client.post("/signin", data={"email": viewer.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "security token" in response.text
    assert "townsquare_session" not in response.headers.get("set-cookie", "")


async def test_htmx_request_with_csrf_header_is_accepted(client: httpx.AsyncClient) -> None:
    viewer = await make_account()
    await client.get("/signin")
    token = client.cookies["townsquare_csrf"]
    response = await client.post("/signin", data={"email": viewer.email, "password": PASSWORD},
                                  headers={"x-csrftoken": token, "hx-request": "true"})
    assert response.status_code == 303


async def test_a_failing_session_store_never_turns_success_into_an_error(app, client: httpx.AsyncClient) -> None:
    """Under heavy SQLite write contention the session write can fail after the real work committed;
    the response must still go out (a cast ballot's receipt page, here a sign-in redirect)."""
    from litestar.stores.memory import MemoryStore

    class LockedStore(MemoryStore):
        async def set(self, key, value, expires_in=None) -> None:
            raise RuntimeError("database is locked")

    viewer = await make_account()
    app.stores.register("sessions", LockedStore(), allow_override=True)
    response = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD})
    assert response.status_code == 303


async def test_unread_badge_on_pages_but_no_count_for_api_or_fragments(client: httpx.AsyncClient, query_counter: dict,
                                                                       db) -> None:
    from server.notifications.service import notify

    resident = await signed_in_as(client, "resident")
    await notify([resident.id], "proposal_reviewed", subject="Better lighting")
    page = await client.get("/")
    assert 'class="badge">1<span class="visually-hidden"> unread' in page.text

    async def queries(url: str, **headers: str) -> int:
        query_counter["n"] = 0
        assert (await client.get(url, headers=headers)).status_code == 200
        return query_counter["n"]

    # The same request as a JSON API call or an htmx fragment runs one query fewer (no count).
    plain = await queries("/proposals")
    fragment = await queries("/proposals", **{"HX-Request": "true"})
    boosted = await queries("/proposals", **{"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted == fragment + 1
    assert plain >= boosted


async def test_an_unchanged_session_is_not_written_again(app, client: httpx.AsyncClient) -> None:
    """Issue 21: a signed-in page view reads the session but writes it only when it changed (or
    once a day, to slide its expiry); the browser keeps its cookie."""
    from litestar.stores.memory import MemoryStore

    writes: list[str] = []

    class CountingStore(MemoryStore):
        async def set(self, key, value, expires_in=None) -> None:
            writes.append(key)
            await super().set(key, value, expires_in)

    app.stores.register("sessions", CountingStore(), allow_override=True)
    await signed_in_as(client)
    assert len(writes) == 1
    for _ in range(3):
        response = await client.get("/account")
        assert response.status_code == 200
        assert _session_cookie(response) is None
    assert len(writes) == 1
    # Signing out (a change) still ends the session.
    await post_form(client, "/signout")
    assert (await client.get("/account")).status_code == 303


async def test_failures_from_one_address_slow_it_down_but_never_lock_it_out(app, client: httpx.AsyncClient) -> None:
    """Issue 15, item 7: a library kiosk where many people mistype their passwords keeps working; past
    20 failures each further try from the address waits longer (recorded here instead of spent)."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    app.state.throttles.sign_in_client.sleep = record
    people = [await make_account() for _ in range(6)]
    for i in range(22):  # under the per-account limit: 22 tries spread over 6 accounts
        response = await post_form(client, "/signin", {"email": people[i % 5].email, "password": "wrong password!"})
        assert response.status_code == 400
    assert waits == [1.0, 2.0]
    ok = await post_form(client, "/signin", {"email": people[5].email, "password": PASSWORD})
    assert ok.status_code == 303 and waits == [1.0, 2.0, 4.0]
