"""Reporting and moderating over HTTP, with and without htmx."""

from __future__ import annotations

import httpx
from factories.drafts import published_draft
from support import make_account, post_form, sign_in, signed_in_as, text_of

from proposals.moderation import service
from proposals.threads import service as threads


async def test_three_reports_hide_then_moderator_restores_and_blocks(client: httpx.AsyncClient,
                                                                     other_client: httpx.AsyncClient) -> None:
    council = await make_account("council")
    author = await make_account()
    draft_id, keys = await published_draft(council.id, [("One", "Text")])
    comment = await threads.post_comment("draft_section", keys[0], author.id, "Visit my shop", stance="neutral")
    reporters = [await make_account() for _ in range(3)]
    for n, reporter in enumerate(reporters):
        client.cookies.clear()
        await sign_in(client, reporter.email)
        page = await client.get(f"/drafts/{draft_id}")
        link = f"/moderation/report?kind=comment&amp;id={comment}&amp;next="
        assert link in page.text
        form = await client.get(f"/moderation/report?kind=comment&id={comment}&next=/drafts/{draft_id}")
        assert form.status_code == 200 and 'name="reason"' in form.text
        headers = {"HX-Request": "true"} if n == 0 else {}
        response = await post_form(client, "/moderation/report",
                                   {"kind": "comment", "id": comment, "reason": "spam", "next": f"/drafts/{draft_id}"},
                                   headers=headers)
        if n == 0:
            assert response.status_code == 200 and "A moderator will look at it" in response.text
        else:
            assert response.status_code == 303 and response.headers["location"] == f"/drafts/{draft_id}"
    again = await post_form(client, "/moderation/report", {"kind": "comment", "id": comment, "reason": "spam"})
    assert again.status_code == 303
    page = text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    assert "Hidden pending review after several reports" in page and "Visit my shop" not in page

    assert (await client.get("/moderation/")).status_code == 403  # residents cannot moderate
    await signed_in_as(other_client, "moderator")
    queue = await other_client.get("/moderation/")
    assert queue.status_code == 200 and "Visit my shop" in queue.text and "3 reports" in text_of(queue.text)
    no_note = await post_form(other_client, "/moderation/act", {"kind": "comment", "id": comment, "action": "hide",
                                                                "category": "spam", "note": ""})
    assert no_note.status_code == 400
    hide = await post_form(other_client, "/moderation/act", {"kind": "comment", "id": comment, "action": "hide",
                                                             "category": "spam", "note": "Advertising"})
    assert hide.status_code == 303
    assert "Hidden by a moderator: spam" in text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    block = await post_form(other_client, "/moderation/act", {"kind": "comment", "id": comment, "action": "block",
                                                              "note": "Repeated advertising"})
    assert block.status_code == 303 and await service.is_blocked(author.id)
    log = text_of((await other_client.get("/moderation/log")).text)
    assert "Advertising" in log and f"Blocked {author.display_name}" in log
    for reporter in reporters:
        assert reporter.display_name not in log

    client.cookies.clear()
    await sign_in(client, author.email)
    refused = await post_form(client, f"/threads/draft_section/{keys[0]}/comments", {"body": "Hi", "stance": "neutral"})
    assert refused.status_code == 403


async def test_report_needs_a_reason_and_a_known_kind(client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    no_reason = await post_form(client, "/moderation/report", {"kind": "comment", "id": "1", "next": "/"})
    assert no_reason.status_code == 303
    unknown = await post_form(client, "/moderation/report", {"kind": "nope", "id": "1", "reason": "spam"})
    assert unknown.status_code == 303
    assert await service.queue() == []


async def test_moderator_unblocks_with_a_note(client: httpx.AsyncClient) -> None:
    council = await make_account("council")
    author = await make_account()
    _draft_id, keys = await published_draft(council.id, [("One", "Text")])
    comment = await threads.post_comment("draft_section", keys[0], author.id, "Hi", stance="neutral")
    moderator = await signed_in_as(client, "moderator")
    await service.block_author("comment", comment, moderator.id, "Spam")
    log = await client.get("/moderation/log")
    assert f"Unblock {author.display_name}" in log.text
    assert (await post_form(client, "/moderation/unblock", {"account_id": author.id, "note": ""})).status_code == 303
    assert await service.is_blocked(author.id)
    await post_form(client, "/moderation/unblock", {"account_id": author.id, "note": "Apologised"})
    assert not await service.is_blocked(author.id)


async def test_one_account_cannot_flood_the_report_queue(client: httpx.AsyncClient) -> None:
    council = await make_account("council")
    author = await make_account()
    _draft_id, keys = await published_draft(council.id, [("One", "Text")])
    ids = [await threads.post_comment("draft_section", keys[0], author.id, f"Comment {i}", stance="neutral")
           for i in range(31)]
    await signed_in_as(client)
    for comment in ids[:30]:
        await post_form(client, "/moderation/report", {"kind": "comment", "id": str(comment), "reason": "spam"})
    assert len(await service.queue()) == 30
    refused = await post_form(client, "/moderation/report", {"kind": "comment", "id": str(ids[30]), "reason": "spam"},
                              headers={"HX-Request": "true"})
    assert "many reports in the last hour" in text_of(refused.text)
    assert len(await service.queue()) == 30
