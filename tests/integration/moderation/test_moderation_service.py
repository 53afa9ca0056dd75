"""Moderation on a real database: one report per person, hiding after 3 distinct reporters,
moderator hide/restore/block with a logged reason."""

from __future__ import annotations

import pytest
from factories.drafts import published_draft
from support import make_account

from proposals.drafts import service as drafts
from proposals.moderation import service
from proposals.moderation.tables import ModerationAction
from proposals.threads import service as threads


async def test_hidden_after_three_distinct_reporters(db) -> None:
    council = await make_account("council")
    author = await make_account()
    _draft_id, keys = await published_draft(council.id, [("One", "Text")])
    comment = await threads.post_comment("draft_section", keys[0], author.id, "Buy cheap watches", stance="neutral")
    first, second, third = [await make_account() for _ in range(3)]
    assert await service.report("comment", comment, first.id, "spam") == "reported"
    assert await service.report("comment", comment, first.id, "offensive") == "already"
    assert await service.report("comment", comment, second.id, "spam") == "reported"
    assert await service.hidden_map("comment", [comment]) == {}
    assert await service.report("comment", comment, third.id, "spam") == "hidden"
    hidden = await service.hidden_map("comment", [comment])
    assert hidden[comment].message == "Hidden pending review after several reports"
    thread = await threads.load_thread("draft_section", keys[0], None)
    assert thread.comments[0].hidden and thread.comments[0].body == ""
    queue = await service.queue()
    assert [(q.kind, q.content_id, q.report_count, q.reasons) for q in queue] == [
        ("comment", comment, 3, {"spam": 3})]
    assert queue[0].status == "pending" and queue[0].url.endswith(f"#comment-{comment}")


async def test_moderator_actions_need_a_reason_and_are_logged(db) -> None:
    council = await make_account("council")
    moderator = await make_account("moderator")
    author = await make_account()
    draft_id, keys = await published_draft(council.id, [("One", "Text")])
    amendment = await drafts.propose_amendment(author.id, draft_id, keys[0], "My phone is 555-0100", "Call me")
    with pytest.raises(service.ModerationError):
        await service.hide("amendment", amendment, moderator.id, "personal_data", "  ")
    await service.hide("amendment", amendment, moderator.id, "personal_data", "Phone number in the text")
    page = await drafts.draft_page(draft_id, None)
    a = page.sections[0].amendments[0]
    assert a.hidden and a.hidden_message == "Hidden by a moderator: personal data" and a.text == ""
    await service.restore("amendment", amendment, moderator.id, "Number removed by agreement")
    assert await service.hidden_map("amendment", [amendment]) == {}
    assert await service.block_author("amendment", amendment, moderator.id, "Repeated spam") == author.id
    assert await service.is_blocked(author.id)
    with pytest.raises(threads.ThreadError, match="blocked"):
        await threads.post_comment("draft_section", keys[0], author.id, "Still here", stance="neutral")
    entries, _more = await service.log()
    assert [e.action for e in entries] == ["block", "restore", "hide"]
    assert entries[0].target_name == author.display_name and entries[0].moderator_name == moderator.display_name
    assert await ModerationAction.count() == 3


async def test_authors_are_told_when_their_words_are_hidden_or_restored(db) -> None:
    from server.notifications.service import page_for

    council = await make_account("council")
    moderator = await make_account("moderator")
    author = await make_account()
    _draft_id, keys = await published_draft(council.id, [("One", "Text")])
    long_text = "Buy cheap watches at my shop today, best prices in the whole city, come early and bring friends too"
    comment = await threads.post_comment("draft_section", keys[0], author.id, long_text, stance="neutral")
    for reporter in [await make_account() for _ in range(3)]:
        await service.report("comment", comment, reporter.id, "spam")
    await service.hide("comment", comment, moderator.id, "spam", "Advertising")
    await service.restore("comment", comment, moderator.id, "It was a joke among neighbours")
    notes = (await page_for(author.id)).items
    start = long_text[:79].rstrip()
    assert [n.text for n in notes] == [
        f"“{start}…” is visible again: a moderator reviewed it.",
        f"A moderator hid “{start}…” as spam.",
        f"“{start}…” is hidden while a moderator looks at reports about it.",
    ]
    assert all(n.url.endswith(f"#comment-{comment}") for n in notes)
    # Dismissing reports on something that was never hidden tells the author nothing.
    other = await threads.post_comment("draft_section", keys[0], author.id, "Fine words", stance="neutral")
    await service.report("comment", other, moderator.id, "off_topic")
    await service.restore("comment", other, moderator.id, "Nothing wrong here")
    assert len((await page_for(author.id)).items) == 3


async def test_three_fresh_accounts_cannot_hide_a_proposal(db) -> None:
    from factories.proposals import make_cycle, make_proposal

    author = await make_account()
    proposal = await make_proposal(author, await make_cycle())
    fresh = [await make_account(new=True) for _ in range(3)]
    for reporter in fresh:
        assert await service.report("proposal", proposal, reporter.id, "spam") == "reported"
    assert await service.hidden_map("proposal", [proposal]) == {}
    # Two established residents' reports on top of theirs do hide it, pending review (3 x 1 + 2 x 2).
    assert await service.report("proposal", proposal, (await make_account()).id, "spam") == "reported"
    assert await service.report("proposal", proposal, (await make_account()).id, "spam") == "hidden"
