"""Draft procedures on a real database: periods, council-only steps, amendments, versions and
their diffs, export and notifications."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories.drafts import published_draft
from support import make_account

from proposals.drafts import service
from proposals.drafts.tables import Draft
from proposals.threads import service as threads
from server import clock
from server.accounts.tables import Account
from server.notifications.tables import Notification

SECTIONS = [("Scope", "All complaints."), ("Answer", "Answered within 30 days."), ("Records", "Kept a year.")]


async def test_comments_only_while_the_period_is_open(db) -> None:
    council = await make_account("council")
    resident = await make_account()
    draft_id, keys = await published_draft(council.id, SECTIONS)
    await threads.post_comment("draft_section", keys[0], resident.id, "Good", stance="supports")
    today = clock.today()
    await Draft.update({Draft.comment_opens: today - dt.timedelta(days=20),
                        Draft.comment_closes: today - dt.timedelta(days=1)}).where(Draft.id == draft_id)
    with pytest.raises(threads.ThreadError, match="comment period closed"):
        await threads.post_comment("draft_section", keys[0], resident.id, "Late", stance="supports")
    with pytest.raises(service.DraftError):
        await service.propose_amendment(resident.id, draft_id, keys[0], "New text", "Because")
    await Draft.update({Draft.comment_opens: today + dt.timedelta(days=1),
                        Draft.comment_closes: today + dt.timedelta(days=9)}).where(Draft.id == draft_id)
    with pytest.raises(threads.ThreadError, match="opens on"):
        await threads.post_comment("draft_section", keys[0], resident.id, "Early", stance="supports")
    page = await service.draft_page(draft_id, resident)
    assert not page.draft.is_open and not page.sections[0].thread.can_post
    assert page.sections[0].thread.total == 1


async def test_unpublished_drafts_take_no_comments(db) -> None:
    council = await make_account("council")
    resident = await make_account()
    draft_id = await service.create_draft(council.id, "Unfinished", "")
    key = await service.add_section(council.id, draft_id, "One", "Text")
    with pytest.raises(threads.NotFound):
        await threads.post_comment("draft_section", key, resident.id, "Hi", stance="neutral")


async def test_only_councils_edit_publish_and_decide(db) -> None:
    council = await make_account("council")
    moderator = await make_account("moderator")
    resident = await make_account()
    with pytest.raises(service.DraftError):
        await service.create_draft(resident.id, "Mine", "")
    draft_id, keys = await published_draft(council.id, SECTIONS)
    amendment = await service.propose_amendment(resident.id, draft_id, keys[1], "Within 20 days.", "Faster")
    for actor in (resident, moderator):
        with pytest.raises(service.DraftError, match="Only council"):
            await service.start_new_version(actor.id, draft_id)
        with pytest.raises(service.DraftError, match="Only council"):
            await service.publish_version(actor.id, draft_id, "x", clock.today(), clock.today())
        with pytest.raises(service.DraftError, match="Only council"):
            await service.decide_amendment(actor.id, amendment, "accepted", "")
        with pytest.raises(service.DraftError, match="Only council"):
            await service.set_section_summary(actor.id, draft_id, keys[0], "We heard you")


async def test_declining_needs_a_public_reason(db) -> None:
    council = await make_account("council")
    resident = await make_account()
    draft_id, keys = await published_draft(council.id, SECTIONS)
    amendment = await service.propose_amendment(resident.id, draft_id, keys[1], "Within 2 days.", "Faster")
    with pytest.raises(service.DraftError) as err:
        await service.decide_amendment(council.id, amendment, "declined", "   ")
    assert "decision_reason" in err.value.errors
    page = await service.draft_page(draft_id, None)
    assert page.sections[1].amendments[0].status == "pending"
    await service.decide_amendment(council.id, amendment, "declined", "Two days is not possible with our staff.")
    page = await service.draft_page(draft_id, None)
    declined = page.sections[1].amendments[0]
    assert declined.status == "declined" and declined.decision_reason.startswith("Two days")
    assert page.draft.counts == {"pending": 0, "accepted": 0, "declined": 1}
    assert await Notification.count().where((Notification.recipient == resident.id)
                                            & (Notification.kind == "amendment_declined")) == 1
    with pytest.raises(service.DraftError, match="already decided"):
        await service.decide_amendment(council.id, amendment, "accepted", "")


async def test_new_version_applies_amendment_credits_it_and_diffs(db) -> None:
    council = await make_account("council")
    resident = await make_account(name="Amira Haddad")
    commenter = await make_account()
    draft_id, keys = await published_draft(
        council.id, [("Scope", "All complaints."), ("Answer", "Answered within 30 days."),
                     ("Records", "Kept a year."), ("Review", "Reviewed yearly.")])
    await threads.post_comment("draft_section", keys[2], commenter.id, "Why a year?", stance="concerns")
    amendment = await service.propose_amendment(resident.id, draft_id, keys[1], "Answered within 20 days.", "Faster")
    await service.decide_amendment(council.id, amendment, "accepted", "Agreed.")
    working = await service.editor_sections(draft_id)
    assert [s.body for s in working if s.key == keys[1]] == ["Answered within 20 days."]
    by_key = {s.key: s for s in working}
    await service.remove_section(council.id, draft_id, by_key[keys[2]].id)
    await service.move_section(council.id, draft_id, by_key[keys[3]].id, -1)
    await service.move_section(council.id, draft_id, by_key[keys[3]].id, -1)
    await service.move_section(council.id, draft_id, by_key[keys[3]].id, -1)
    await service.update_section(council.id, draft_id, by_key[keys[0]].id, "Scope of this procedure",
                                 "All complaints.")
    new_key = await service.add_section(council.id, draft_id, "Appeals", "You can appeal.")
    with pytest.raises(service.DraftError, match="what changed"):
        await service.publish_version(council.id, draft_id, "", clock.today(), clock.today())
    number = await service.publish_version(council.id, draft_id, "Faster answers; records moved to policy.",
                                           clock.today(), clock.today() + dt.timedelta(days=7))
    assert number == 2
    page = await service.version_page(draft_id, 2)
    status = {c.key: (c.status, c.moved) for c in page.changes}
    assert status[new_key] == ("added", False)
    assert status[keys[2]] == ("removed", False)
    assert status[keys[3]] == ("unchanged", True)
    assert status[keys[1]] == ("changed", False)
    assert status[keys[0]][0] == "changed"
    assert [c.author_name for c in page.credits] == ["Amira Haddad"]
    v1 = await service.version_page(draft_id, 1)
    assert [s.heading for s in v1.sections] == ["Scope", "Answer", "Records", "Review"]  # old versions stay
    assert await Notification.count().where((Notification.recipient == commenter.id)
                                            & (Notification.kind == "draft_new_version")) == 1
    current = await service.draft_page(draft_id, None)
    assert current.version.number == 2
    assert current.sections[0].thread.total == 0
    assert [s.key for s in current.sections] == [keys[3], keys[0], keys[1], new_key]


async def test_export_contains_every_comment_and_no_emails(db) -> None:
    council = await make_account("council")
    residents = [await make_account() for _ in range(3)]
    draft_id, keys = await published_draft(council.id, SECTIONS)
    ids = []
    for i, r in enumerate(residents):
        top = await threads.post_comment("draft_section", keys[i], r.id, f"Comment {i}", stance="neutral")
        ids += [top, await threads.post_comment("draft_section", keys[i], council.id, f"Answer {i}", parent_id=top)]
    amendment = await service.propose_amendment(residents[0].id, draft_id, keys[0], "Better", "Clearer")
    ids.append(await threads.post_comment("amendment", amendment, residents[1].id, "I agree"))
    await threads.delete_comment(ids[0], residents[0].id)
    data = await service.export(draft_id)
    assert sorted(c["id"] for c in data["comments"]) == sorted(ids)
    assert [a["id"] for a in data["amendments"]] == [amendment]
    dumped = json.dumps(data)
    for r in [*residents, council]:
        assert r.email not in dumped
    emails = [row["email"] for row in await Account.select(Account.email)]
    assert not any(e in dumped for e in emails)
    official = [c for c in data["comments"] if c["official"]]
    assert len(official) == 3


async def test_blocked_residents_cannot_amend_or_support(db) -> None:
    council = await make_account("council")
    resident = await make_account()
    blocked = await make_account()
    draft_id, keys = await published_draft(council.id, SECTIONS)
    amendment = await service.propose_amendment(resident.id, draft_id, keys[0], "Better", "Clearer")
    await Account.update({Account.blocked: True}).where(Account.id == blocked.id)
    with pytest.raises(service.DraftError, match="blocked"):
        await service.propose_amendment(blocked.id, draft_id, keys[0], "Spam", "Spam")
    with pytest.raises(service.DraftError, match="blocked"):
        await service.toggle_support(amendment, blocked.id)
