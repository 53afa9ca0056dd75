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
    assert f"Unblock {author.display_name}" in text_of(log.text)
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


async def test_blocked_person_is_told_why_and_appeals(client: httpx.AsyncClient,
                                                    other_client: httpx.AsyncClient) -> None:
    """Issue 20, item 5: a blocked account is notified, sees the reason and how to appeal on every
    page, finds no forms it cannot use, and a refused post says why instead of a bare 403."""
    council = await make_account("council")
    author = await make_account()
    _draft_id, keys = await published_draft(council.id, [("One", "Text")])
    comment = await threads.post_comment("draft_section", keys[0], author.id, "Visit my shop", stance="neutral")
    moderator = await signed_in_as(other_client, "moderator")
    await service.block_author("comment", comment, moderator.id, "Repeated advertising for a shop")
    await sign_in(client, author.email)
    notes = text_of((await client.get("/notifications")).text)
    assert "A moderator blocked your account from posting. Read why and how to appeal." in notes
    home = await client.get("/")
    assert 'href="/moderation/blocked"' in home.text and "Your account is blocked from posting" in home.text
    new = await client.get("/proposals/new")
    assert 'action="/proposals/new"' not in new.text
    refused = await post_form(client, f"/threads/draft_section/{keys[0]}/comments", {"body": "Hi", "stance": "neutral"})
    assert refused.status_code == 403 and "Read the reason and ask for a review" in refused.text
    page = text_of((await client.get("/moderation/blocked")).text)
    assert "Repeated advertising for a shop" in page
    empty = await post_form(client, "/moderation/blocked", {"appeal": " "})
    assert empty.status_code == 400 and "Please say why the block should be lifted." in text_of(empty.text)
    sent = await post_form(client, "/moderation/blocked", {"appeal": "It was my own shop, I will stop."})
    assert sent.status_code == 303
    assert "You asked for a review on" in text_of((await client.get("/moderation/blocked")).text)
    assert (await post_form(client, "/moderation/blocked", {"appeal": "Again"})).status_code == 400
    log = text_of((await other_client.get("/moderation/log")).text)
    assert f"Appeal from {author.display_name}" in log and "It was my own shop, I will stop." in log
    assert "asks moderators to review the block" in (await other_client.get("/notifications")).text


async def test_moderators_are_told_and_the_queue_and_log_read_well(client: httpx.AsyncClient,
                                                                  other_client: httpx.AsyncClient) -> None:
    """Issue 20, item 17: moderators are notified of a new report and of an item hidden by reports;
    the hiding reason starts as the one reporters gave; the log links to the item; keeping an item
    that was never hidden does not say "Restored"."""
    council = await make_account("council")
    author = await make_account()
    _draft_id, keys = await published_draft(council.id, [("One", "Text")])
    comment = await threads.post_comment("draft_section", keys[0], author.id, "You are all idiots", stance="neutral")
    moderator = await signed_in_as(other_client, "moderator")
    for _ in range(3):
        await service.report("comment", comment, (await make_account()).id, "offensive")
    notes = text_of((await other_client.get("/notifications")).text)
    assert "Reported for moderation: “You are all idiots”." in notes
    assert "Hidden after 3 reports, waiting for a moderator: “You are all idiots”." in notes
    queue = await other_client.get("/moderation/")
    assert '<option value="offensive" selected>' in queue.text and "comment:" not in queue.text
    other = await threads.post_comment("draft_section", keys[0], author.id, "Fine words", stance="neutral")
    await service.report("comment", other, (await make_account()).id, "spam")
    kept = await post_form(other_client, "/moderation/act", {"kind": "comment", "id": other, "action": "restore",
                                                             "note": "Nothing wrong", "was_hidden": ""})
    assert kept.status_code == 303
    assert "Kept visible" in text_of((await other_client.get("/moderation/")).text)
    log = await other_client.get("/moderation/log")
    table = log.text.split("<tbody>")[1].split("</tbody>")[0]
    assert f"#comment-{other}\"" in table and "Comment on “Handling complaints: One”" in text_of(table), table
    assert moderator.display_name in text_of(log.text)
