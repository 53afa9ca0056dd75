"""Thread routes over HTTP: plain form posts redirect to the target page's anchor; htmx gets the
thread fragment; errors keep what was typed; script typed by residents stays inert."""

from __future__ import annotations

import httpx
import pytest
from support import post_form, signed_in_as, text_of, with_domain

from proposals.threads import registry
from proposals.threads.registry import TargetInfo
from proposals.threads.tables import Comment
from server.accounts.tables import Account
from server.domains import Domain


async def _describe(ids: list[int]) -> dict[int, TargetInfo]:
    return {i: TargetInfo(url=f"/pages/{i}", title=f"Page {i}", is_open=i != 99, closed_reason="Closed now.")
            for i in ids}


@pytest.fixture(autouse=True)
def _webthing_threads():
    with with_domain(Domain("webthing_tests", kinds=[registry.kind("webthing", _describe, stances=False)])):
        yield


async def test_post_reply_vote_without_javascript(client: httpx.AsyncClient,
                                                  other_client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    response = await post_form(client, "/threads/webthing/1/comments", {"body": "Street lights <b>please</b>"})
    assert response.status_code == 303
    comment_id = (await Comment.select(Comment.id).first())["id"]
    assert response.headers["location"] == f"/pages/1#comment-{comment_id}"

    await signed_in_as(other_client)
    reply = await post_form(other_client, "/threads/webthing/1/comments", {"body": "Agreed", "parent_id": comment_id})
    assert reply.status_code == 303
    vote = await post_form(other_client, f"/threads/comments/{comment_id}/vote")
    assert vote.status_code == 303 and vote.headers["location"].endswith(f"#comment-{comment_id}")
    page = await other_client.get("/threads/webthing/1")
    assert page.status_code == 200
    assert 'aria-pressed="true"' in page.text
    assert f'id="comment-{comment_id}"' in page.text
    assert "<b>please</b>" not in page.text


async def test_htmx_post_returns_fragment_and_errors_keep_text(client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    headers = {"HX-Request": "true"}
    ok = await post_form(client, "/threads/webthing/2/comments", {"body": "Via htmx"}, headers=headers)
    assert ok.status_code == 200
    assert 'id="thread-webthing-2"' in ok.text and "<html" not in ok.text and "Via htmx" in ok.text
    long_text = "x" * 5001
    bad = await post_form(client, "/threads/webthing/2/comments", {"body": long_text}, headers=headers)
    assert bad.status_code == 200 and long_text in bad.text and "5000 characters" in bad.text
    plain = await post_form(client, "/threads/webthing/2/comments", {"body": long_text})
    assert plain.status_code == 400 and long_text in plain.text


async def test_closed_thread_is_read_only(client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    page = await client.get("/threads/webthing/99")
    assert "Closed now." in text_of(page.text)
    assert 'action="/threads/webthing/99/comments"' not in page.text
    refused = await post_form(client, "/threads/webthing/99/comments", {"body": "Late"})
    assert refused.status_code == 400 and "Closed now." in refused.text
    assert await Comment.count() == 0


async def test_blocked_account_is_refused_by_the_guard(client: httpx.AsyncClient) -> None:
    viewer = await signed_in_as(client)
    await Account.update({Account.blocked: True}).where(Account.id == viewer.id)
    refused = await post_form(client, "/threads/webthing/3/comments", {"body": "Hi"})
    assert refused.status_code == 403
    assert await Comment.count() == 0


async def test_script_in_a_comment_is_inert(client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    await post_form(client, "/threads/webthing/4/comments", {"body": payload})
    page = await client.get("/threads/webthing/4")
    thread_html = page.text.split('id="thread-webthing-4"', 1)[1]
    assert "<script" not in thread_html and "<img" not in thread_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in thread_html  # shown as text, never run
    assert 'href="javascript:' not in thread_html


async def test_delete_leaves_tombstone_and_replies(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    await post_form(client, "/threads/webthing/5/comments", {"body": "Original words"})
    cid = (await Comment.select(Comment.id).first())["id"]
    await signed_in_as(other_client)
    await post_form(other_client, "/threads/webthing/5/comments", {"body": "A reply stays", "parent_id": cid})
    assert (await post_form(other_client, f"/threads/comments/{cid}/delete")).status_code == 400  # not the author
    assert (await post_form(client, f"/threads/comments/{cid}/delete")).status_code == 303
    page = text_of((await client.get("/threads/webthing/5")).text)
    assert "This comment was deleted by its author" in page
    assert "Original words" not in page and "A reply stays" in page


async def test_reply_link_opens_the_form_with_and_without_javascript(client: httpx.AsyncClient,
                                                                     other_client: httpx.AsyncClient) -> None:
    author = await signed_in_as(client)
    await post_form(client, "/threads/webthing/6/comments", {"body": "Start here"})
    cid = (await Comment.select(Comment.id).first())["id"]
    await signed_in_as(other_client)
    page = await other_client.get("/threads/webthing/6")
    assert f'href="/threads/webthing/6?reply_to={cid}#reply-{cid}"' in page.text
    assert f'id="reply-{cid}"' not in page.text
    no_js = await other_client.get(f"/threads/webthing/6?reply_to={cid}")
    assert f'id="reply-{cid}"' in no_js.text and f"Your reply to {author.display_name}" in text_of(no_js.text)
    fragment = await other_client.get(f"/threads/webthing/6/reply/{cid}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'name="parent_id"' in fragment.text


async def test_signed_out_htmx_post_sends_the_window_to_sign_in_and_back_with_the_text(
        client: httpx.AsyncClient) -> None:
    """Issue 20, item 4: a session that ended while a comment was being typed. The htmx request gets
    HX-Redirect to sign in (not a sign-in page pasted into the thread); after signing in the person
    is back on the page with their text, ready to send."""
    from factories.proposals import make_cycle, make_proposal
    from support import make_account, sign_in

    pid = await make_proposal(await make_account(), await make_cycle())
    resident = await make_account()
    text = "The lamp on Elm Street has been out for a week, please fix it first."
    page_url = f"{client.base_url}/proposals/{pid}"
    refused = await post_form(client, f"/threads/proposal/{pid}/comments", {"body": text, "stance": ""},
                              headers={"HX-Request": "true", "HX-Current-URL": page_url})
    assert refused.status_code == 200 and refused.text == ""
    assert refused.headers["hx-redirect"] == f"/signin?next=/proposals/{pid}"
    assert await Comment.count() == 0
    await sign_in(client, resident.email)
    back = await client.get(f"/proposals/{pid}")
    assert "You were signed out before this was sent" in back.text and text in back.text
    assert "You were signed out" not in (await client.get(f"/proposals/{pid}")).text  # offered once
    sent = await post_form(client, f"/threads/proposal/{pid}/comments", {"body": text, "stance": ""})
    assert sent.status_code == 303
    assert (await Comment.select(Comment.body).first())["body"] == text


async def test_followers_hear_of_new_comments_and_emails_link_to_the_site(
        app, client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    """Issue 20, item 16: a new comment on a proposal reaches its author and followers; digest emails
    link to the address the site was reached at when TOWNSQUARE_PUBLIC_URL is unset."""
    from factories.proposals import make_cycle, make_proposal
    from support import make_account

    author = await make_account()
    pid = await make_proposal(author, await make_cycle(), title="Lamps on Elm Street")
    follower = await signed_in_as(other_client)
    await post_form(other_client, f"/proposals/{pid}/follow")
    commenter = await signed_in_as(client)
    assert (await post_form(client, f"/threads/proposal/{pid}/comments", {"body": "Yes please"})).status_code == 303
    from server.notifications.tables import Notification

    told = {r["recipient"] for r in await Notification.select(Notification.recipient).where(
        Notification.kind == "thread_comment")}
    assert told == {author.id, follower.id} and commenter.id not in told
    page = text_of((await other_client.get("/notifications")).text)
    assert f"{commenter.display_name} commented on “Lamps on Elm Street”, which you follow" in page
    assert app.state.site_url() == str(client.base_url).rstrip("/")
