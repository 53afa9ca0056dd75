"""Proposal pages carry the shared comment thread and the report button; hidden proposals show a
placeholder to everyone but their authors and moderators."""

from __future__ import annotations

import httpx
from piccolo.engine.base import Engine
from support import make_account, post_form, sign_in, text_of

from proposals.moderation.tables import ModerationState


async def _proposal(status: str = "submitted") -> tuple[int, object]:
    from factories.proposals import make_cycle, make_proposal

    author = await make_account()
    cycle = await make_cycle("ideas")
    pid = await make_proposal(author, cycle, submit=status != "draft", title="Lights on Elm Street",
                              summary="Brighter lamps", description="Details", estimated_cost=1000)
    return pid, author


async def test_comment_reply_and_report_on_a_proposal(client: httpx.AsyncClient, other_client: httpx.AsyncClient,
                                                      db: Engine) -> None:
    pid, author = await _proposal()
    await sign_in(client, author.email)
    page = await client.get(f"/proposals/{pid}")
    assert "0 comments" in text_of(page.text) and f"/moderation/report?kind=proposal&amp;id={pid}" in page.text
    posted = await post_form(client, f"/threads/proposal/{pid}/comments", {"body": "Please add a <script>x</script>"})
    assert posted.status_code == 303 and posted.headers["location"].startswith(f"/proposals/{pid}#comment-")
    page = await client.get(f"/proposals/{pid}")
    assert "1 comment" in text_of(page.text) and "<script>x</script>" not in page.text
    neighbor = await make_account(neighborhood_id=author.neighborhood_id)
    await sign_in(other_client, neighbor.email)
    comment_id = int(posted.headers["location"].rsplit("-", 1)[1])
    reply = await post_form(other_client, f"/threads/proposal/{pid}/comments",
                            {"body": "Agreed", "parent_id": comment_id})
    assert reply.status_code == 303
    assert "2 comments" in text_of((await client.get(f"/proposals/{pid}")).text)
    # The author hears about the reply.
    assert "replied" in text_of((await client.get("/notifications")).text)


async def test_drafts_have_no_thread_and_hidden_proposals_show_a_placeholder(client: httpx.AsyncClient,
                                                                            db: Engine) -> None:
    pid, author = await _proposal()
    await ModerationState.insert(
        ModerationState(content_kind="proposal", content_id=pid, status="hidden", reason="spam"))
    stranger = await make_account()
    await sign_in(client, stranger.email)
    page = await client.get(f"/proposals/{pid}")
    assert "Hidden proposal" in page.text and "Lights on Elm Street" not in page.text
    client.cookies.clear()
    await sign_in(client, author.email)
    assert "Lights on Elm Street" in (await client.get(f"/proposals/{pid}")).text
    draft, draft_author = await _proposal(status="draft")
    client.cookies.clear()
    await sign_in(client, draft_author.email)
    page = await client.get(f"/proposals/{draft}")
    assert page.status_code == 200 and 'class="thread"' not in page.text
    refused = await post_form(client, f"/threads/proposal/{draft}/comments", {"body": "Early comment"})
    assert refused.status_code in (400, 403)
