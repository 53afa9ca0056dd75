"""Draft pages over HTTP: reading, commenting, amendments, the council editor, exports, the
closed period, inert script, and a fixed number of queries whatever the number of comments."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from factories.drafts import published_draft
from support import make_account, post_form, signed_in_as, text_of

from proposals.drafts import service
from proposals.drafts.tables import Draft
from proposals.threads import service as threads
from proposals.threads.tables import Comment
from server import clock
from server.database import is_unique_violation

SECTIONS = [("Scope", "All **complaints**."), ("Answer", "Answered within 30 days.")]


async def test_resident_reads_comments_and_amends(client: httpx.AsyncClient) -> None:
    council = await make_account("council")
    draft_id, keys = await published_draft(council.id, SECTIONS)
    resident = await signed_in_as(client)
    page = await client.get(f"/drafts/{draft_id}")
    assert page.status_code == 200
    assert "Open for comments until" in page.text and "<strong>complaints</strong>" in page.text
    posted = await post_form(client, f"/threads/draft_section/{keys[1]}/comments",
                             {"body": "30 days is long", "stance": "concerns"})
    assert posted.status_code == 303 and posted.headers["location"].startswith(f"/drafts/{draft_id}#comment-")
    missing = await post_form(client, f"/drafts/{draft_id}/sections/{keys[1]}/amendments",
                              {"text": "Answered within 15 days.", "reason": ""})
    assert missing.status_code == 303 and missing.headers["location"] == f"/drafts/{draft_id}#amend-{keys[1]}-text"
    assert "Answered within 15 days." in (await client.get(f"/drafts/{draft_id}")).text
    amended = await post_form(client, f"/drafts/{draft_id}/sections/{keys[1]}/amendments",
                              {"text": "Answered within 15 days.", "reason": "People wait too long."})
    assert amended.status_code == 303 and "#amendment-" in amended.headers["location"]
    page = text_of((await client.get(f"/drafts/{draft_id}")).text)
    assert "Has concerns: 1" in page and f"Amendment by {resident.display_name}" in page
    assert "1 pending, 0 accepted, 0 declined" in page


async def test_council_editor_publishes_and_decides(client: httpx.AsyncClient,
                                                    other_client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    created = await post_form(client, "/drafts/", {"title": "Use of de-escalation before force", "summary": ""})
    assert created.status_code == 303
    draft_id = (await Draft.select(Draft.id).first())["id"]
    for heading in ("When it applies", "Steps"):
        assert (await post_form(client, f"/drafts/{draft_id}/sections", {"heading": heading, "body": "Text"})
                ).status_code == 303
    sections = await service.editor_sections(draft_id)
    await post_form(client, f"/drafts/{draft_id}/sections/{sections[1].id}/move", {"direction": "up"})
    assert [s.heading for s in await service.editor_sections(draft_id)] == ["Steps", "When it applies"]
    bad = await post_form(client, f"/drafts/{draft_id}/publish", {"comment_opens": "2027-03-10",
                                                                   "comment_closes": "2027-03-01"})
    assert bad.status_code == 400 and "on or after" in bad.text
    today = clock.today()
    published = await post_form(client, f"/drafts/{draft_id}/publish", {
        "comment_opens": today.isoformat(), "comment_closes": (today + dt.timedelta(days=5)).isoformat()})
    assert published.status_code == 303 and published.headers["location"] == f"/drafts/{draft_id}/versions/1"
    assert (await client.get(f"/drafts/{draft_id}/versions/1")).status_code == 200

    resident = await signed_in_as(other_client)
    key = sections[0].key
    assert (await post_form(other_client, f"/drafts/{draft_id}/publish", {})).status_code == 403
    assert (await other_client.get(f"/drafts/{draft_id}/edit")).status_code == 403
    amendment = await service.propose_amendment(resident.id, draft_id, key, "Calm words first.", "Clearer")
    assert (await post_form(other_client, f"/drafts/{draft_id}/amendments/{amendment}/decide",
                            {"decision": "accepted"})).status_code == 403
    refused = await post_form(client, f"/drafts/{draft_id}/amendments/{amendment}/decide",
                              {"decision": "declined", "decision_reason": ""})
    assert refused.status_code == 303
    assert "why this amendment is declined" in (await client.get(f"/drafts/{draft_id}")).text
    accepted = await post_form(client, f"/drafts/{draft_id}/amendments/{amendment}/decide",
                               {"decision": "accepted", "decision_reason": "Thank you"})
    assert accepted.status_code == 303
    summary = await post_form(client, f"/drafts/{draft_id}/sections/{key}/summary",
                              {"summary_body": "We heard that calm words matter most."})
    assert summary.status_code == 303
    editor = await client.get(f"/drafts/{draft_id}/edit")
    assert "Calm words first." in editor.text  # applied to the next version's working copy
    page = text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    assert "Official response to this section" in page and "We heard that calm words matter most." in page
    assert f"Amendment by {resident.display_name} accepted" in page


async def test_closed_period_is_read_only(client: httpx.AsyncClient) -> None:
    council = await make_account("council")
    today = clock.today()
    draft_id, keys = await published_draft(council.id, SECTIONS, opens=today - dt.timedelta(days=30),
                                           closes=today - dt.timedelta(days=2))
    await signed_in_as(client)
    page = await client.get(f"/drafts/{draft_id}")
    assert "comment period closed on" in page.text and "Comments are read-only" in page.text
    assert "comments\" hx-post" not in page.text and 'name="stance"' not in page.text
    assert "Suggest better wording" not in page.text
    refused = await post_form(client, f"/threads/draft_section/{keys[0]}/comments", {"body": "Hi", "stance": "neutral"})
    assert refused.status_code == 400
    assert await Comment.count() == 0


async def test_script_in_every_text_field_is_inert(client: httpx.AsyncClient) -> None:
    council = await make_account("council")
    evil = '<script>alert("x")</script>'
    draft_id, keys = await published_draft(council.id, [(evil, evil)], title=evil)
    resident = await signed_in_as(client)
    await service.propose_amendment(resident.id, draft_id, keys[0], evil, evil)
    await threads.post_comment("draft_section", keys[0], resident.id, evil, stance="neutral")
    await service.set_section_summary(council.id, draft_id, keys[0], evil)
    declined = await service.propose_amendment(resident.id, draft_id, keys[0], "Other", "Why")
    await service.decide_amendment(council.id, declined, "declined", evil)
    await service.start_new_version(council.id, draft_id)
    section = (await service.editor_sections(draft_id))[0]
    await service.update_section(council.id, draft_id, section.id, evil + " v2", evil + " v2")
    await service.publish_version(council.id, draft_id, evil, clock.today(), clock.today())
    for url in (f"/drafts/{draft_id}", f"/drafts/{draft_id}/versions/1", f"/drafts/{draft_id}/versions/2",
                "/drafts/", "/", f"/threads/draft_section/{keys[0]}"):
        html = (await client.get(url)).text
        assert "<script>alert" not in html, url


async def test_export_for_council_only(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    council = await signed_in_as(client, "council")
    draft_id, keys = await published_draft(council.id, SECTIONS)
    resident = await signed_in_as(other_client)
    await threads.post_comment("draft_section", keys[0], resident.id, "Comma, \"quotes\" and\nlines",
                               stance="supports")
    assert (await other_client.get(f"/drafts/{draft_id}/export.csv")).status_code == 403
    as_json = await client.get(f"/drafts/{draft_id}/export.json")
    assert as_json.status_code == 200
    data = json.loads(as_json.text)
    assert [c["author"] for c in data["comments"]] == [resident.display_name]
    as_csv = await client.get(f"/drafts/{draft_id}/export.csv")
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.status_code == 200 and '"Comma, ""quotes"" and\nlines"' in as_csv.text.replace("\r\n", "\n")
    assert resident.email not in as_csv.text and resident.email not in as_json.text


async def _page_queries(client: httpx.AsyncClient, counter: dict, url: str) -> int:
    counter["n"] = 0
    response = await client.get(url)
    assert response.status_code == 200
    return counter["n"]


async def test_draft_page_queries_do_not_grow_with_comments(client: httpx.AsyncClient, query_counter) -> None:
    council = await make_account("council")
    people = [await make_account() for _ in range(4)]
    draft_id, keys = await published_draft(council.id, [(f"Section {i}", "Text") for i in range(5)])
    await signed_in_as(client)

    async def add_comments(n: int) -> None:
        rows = []
        for i in range(n):
            for key in keys:
                rows.append(Comment(target_kind="draft_section", target_id=key, author=people[i % 4].id,
                                    body=f"c{i}", stance="neutral"))
        await Comment.insert(*rows)
        parents = await Comment.select(Comment.id, Comment.target_id).limit(len(keys) * 2)
        await Comment.insert(*[Comment(target_kind="draft_section", target_id=p["target_id"], parent=p["id"],
                                       depth=1, author=people[0].id, body="reply") for p in parents])
        for key in keys:
            a = await service.propose_amendment(people[1].id, draft_id, key, "Other text", "Why")
            await threads.post_comment("amendment", a, people[2].id, "On the amendment")

    await add_comments(1)
    small = await _page_queries(client, query_counter, f"/drafts/{draft_id}")
    await add_comments(40)
    large = await _page_queries(client, query_counter, f"/drafts/{draft_id}")
    assert large == small
    assert large <= 6  # the session, the viewer, unread notifications; the draft, its sections, the comments (issue 21)


async def test_refused_decision_comes_back_next_to_its_form_at_a_reloadable_address(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    """Issue 20, item 7: declining an amendment without a reason redirects to the amendment on the
    draft page (the browser scrolls there), with the error and the typed text; the form's own
    address, opened again, leads to the draft instead of 405."""
    council = await signed_in_as(other_client, "council")
    draft_id, keys = await published_draft(council.id, SECTIONS)
    resident = await signed_in_as(client)
    amendment_id = await service.propose_amendment(resident.id, draft_id, keys[0], "Every complaint.", "Clearer")
    url = f"/drafts/{draft_id}/amendments/{amendment_id}/decide"
    refused = await post_form(other_client, url, {"decision": "declined", "decision_reason": ""})
    assert refused.status_code == 303, refused.text
    assert refused.headers["location"] == f"/drafts/{draft_id}#amendment-{amendment_id}"
    page = await other_client.get(f"/drafts/{draft_id}")
    item = page.text.split(f'id="amendment-{amendment_id}"', 1)[1].split("</li>", 1)[0]
    assert 'class="field-error" role="alert"' in item
    again = await other_client.get(f"/drafts/{draft_id}")
    assert 'class="field-error" role="alert"' not in again.text.split(f'id="amendment-{amendment_id}"', 1)[1]
    reopened = await other_client.get(url)
    assert reopened.status_code == 303 and reopened.headers["location"] == f"/drafts/{draft_id}"
    with_htmx = await post_form(other_client, url, {"decision": "declined", "decision_reason": ""},
                                headers={"hx-request": "true"})
    assert with_htmx.status_code == 200 and 'class="field-error" role="alert"' in with_htmx.text


async def test_residents_follow_a_published_draft_and_hear_of_versions_and_comments(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    """Issue 20, item 16: a published draft can be followed without JavaScript (htmx swaps the box),
    it is listed on /account/following, and its followers hear of new versions and comments. An
    unpublished draft can't be followed, listed or told about."""
    from proposals.drafts.tables import DraftFollow
    from server.notifications.tables import Notification

    council = await make_account("council")
    draft_id, keys = await published_draft(council.id, SECTIONS, title="Complaints handling")
    hidden_id = await service.create_draft(council.id, "Unpublished plan", "")
    follower = await signed_in_as(client)
    page = await client.get(f"/drafts/{draft_id}")
    assert "Follow this draft" in page.text and f'action="/drafts/{draft_id}/follow"' in page.text
    assert (await post_form(client, f"/drafts/{hidden_id}/follow", {"follow": "1"})).status_code == 404
    followed = await post_form(client, f"/drafts/{draft_id}/follow", {"follow": "1"})
    assert followed.status_code == 303 and followed.headers["location"] == f"/drafts/{draft_id}#follow-box"
    assert "Stop following" in (await client.get(f"/drafts/{draft_id}")).text
    # Twice is still one follow; the htmx answer is the box alone.
    again = await post_form(client, f"/drafts/{draft_id}/follow", {"follow": "1"}, headers={"HX-Request": "true"})
    assert again.status_code == 200 and "<html" not in again.text and "Stop following" in again.text
    assert await DraftFollow.count().where(DraftFollow.draft == draft_id) == 1
    try:  # the unique index, for two tabs racing past the check
        await DraftFollow.insert(DraftFollow(draft=draft_id, account=follower.id))
    except Exception as exc:
        assert is_unique_violation(exc)
    else:
        pytest.fail("a second follow of the same draft was stored")
    # Listed on the following page; a follow row on an unpublished draft never is.
    await DraftFollow.insert(DraftFollow(draft=hidden_id, account=follower.id))
    listing = await client.get("/account/following")
    assert f'href="/drafts/{draft_id}">Complaints handling</a>' in listing.text
    assert "Unpublished plan" not in listing.text and f"/drafts/{hidden_id}" not in listing.text

    await signed_in_as(other_client)
    assert (await post_form(other_client, f"/threads/draft_section/{keys[0]}/comments",
                            {"body": "Include phone complaints", "stance": "supports"})).status_code == 303
    told = await Notification.select(Notification.kind, Notification.url).where(
        Notification.recipient == follower.id)
    assert [n["kind"] for n in told] == ["thread_comment"]
    assert told[0]["url"].startswith(f"/drafts/{draft_id}#comment-")

    await service.start_new_version(council.id, draft_id)
    await service.publish_version(council.id, draft_id, "Shorter deadlines", clock.today(),
                                  clock.today() + dt.timedelta(days=7))
    told = await Notification.select(Notification.kind, Notification.url).where(
        (Notification.recipient == follower.id) & (Notification.kind == "draft_new_version"))
    assert [n["url"] for n in told] == [f"/drafts/{draft_id}/versions/2"]

    stopped = await post_form(client, f"/drafts/{draft_id}/follow", {"follow": "0"})
    assert stopped.status_code == 303 and "Follow this draft" in (await client.get(f"/drafts/{draft_id}")).text
    assert f'href="/drafts/{draft_id}"' not in (await client.get("/account/following")).text


async def test_a_signed_out_reader_sees_every_change_at_once(client: httpx.AsyncClient,
                                                             other_client: httpx.AsyncClient) -> None:
    """A signed-out visitor's draft page is kept per the draft's data (templates/drafts/draft.html):
    a new comment, an edit and an amendment each show on the very next visit, in every language."""
    council = await make_account("council")
    draft_id, keys = await published_draft(council.id, SECTIONS)
    first = text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    assert first == text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    assert "0 comments" in first and "30 days is long" not in first
    await signed_in_as(client)
    await post_form(client, f"/threads/draft_section/{keys[1]}/comments",
                    {"body": "30 days is long", "stance": "concerns"})
    seen = text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    assert "30 days is long" in seen and "1 comment" in seen and "Has concerns: 1" in seen
    spanish = (await other_client.get(f"/drafts/{draft_id}", headers={"accept-language": "es"})).text
    assert "30 days is long" in spanish and 'lang="es"' in spanish
    comment = await Comment.select(Comment.id).first()
    await post_form(client, f"/threads/comments/{comment['id']}/edit", {"body": "30 days is far too long"})
    assert "30 days is far too long" in text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    await post_form(client, f"/drafts/{draft_id}/sections/{keys[0]}/amendments",
                    {"text": "All complaints, spoken or written.", "reason": "Not everyone writes."})
    seen = text_of((await other_client.get(f"/drafts/{draft_id}")).text)
    assert "All complaints, spoken or written." in seen and "1 pending, 0 accepted, 0 declined" in seen
    # Nothing of the signed-in resident's view reaches the signed-out one: no forms, no token.
    page = (await other_client.get(f"/drafts/{draft_id}")).text
    assert "Publish suggestion" not in page and page.count('name="_csrf_token"') == 1  # the language menu's own
