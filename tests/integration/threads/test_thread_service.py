"""The thread service on a real database: posting, replies, votes, edit window, tombstones,
official responses, stances, blocking and reply notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from support import make_account, with_domain

from proposals.threads import registry, service
from proposals.threads.registry import TargetInfo
from proposals.threads.tables import Comment
from server.accounts.tables import Account
from server.domains import Domain
from server.notifications.tables import Notification

OPEN: dict[int, bool] = {}


async def _describe(ids: list[int]) -> dict[int, TargetInfo]:
    return {i: TargetInfo(url=f"/things/{i}", title=f"Thing {i}", is_open=OPEN.get(i, True),
                          closed_reason="The comment period closed on 3 March.") for i in ids if i < 1000}


@pytest.fixture(autouse=True)
def _thing_threads():
    with with_domain(Domain("thing_tests", kinds=[registry.kind("thing", _describe, stances=True)])):
        yield


async def test_replies_votes_and_notifications(db) -> None:
    alice, bob, carol = [await make_account() for _ in range(3)]
    top = await service.post_comment("thing", 1, alice.id, "First!", stance="supports")
    reply = await service.post_comment("thing", 1, bob.id, "Reply", parent_id=top)
    deep = await service.post_comment("thing", 1, carol.id, "Deeper", parent_id=reply)
    deeper = await service.post_comment("thing", 1, alice.id, "Deepest", parent_id=deep)
    assert await Notification.count().where(Notification.recipient == alice.id) == 1
    assert await Notification.count().where(Notification.recipient == bob.id) == 1

    assert await service.toggle_vote(top, bob.id) is True
    assert await service.toggle_vote(top, carol.id) is True
    assert await service.toggle_vote(top, carol.id) is False  # withdrawn
    with pytest.raises(service.ThreadError):
        await service.toggle_vote(top, alice.id)

    thread = await service.load_thread("thing", 1, bob)
    root = thread.comments[0]
    assert (root.votes, root.voted, root.stance) == (1, True, "supports")
    assert thread.stance_counts == {"supports": 1, "concerns": 0, "neutral": 0}
    assert thread.total == 4
    level2 = root.children[0].children[0]
    assert level2.id == deep and level2.level == 2
    assert [(c.id, c.reply_to_name) for c in level2.children] == [(deeper, carol.display_name)]


async def test_stance_required_on_top_level_only_and_closed_threads_refuse(db) -> None:
    alice = await make_account()
    with pytest.raises(service.ThreadError) as err:
        await service.post_comment("thing", 2, alice.id, "No stance")
    assert err.value.field == "stance"
    top = await service.post_comment("thing", 2, alice.id, "Ok", stance="concerns")
    await service.post_comment("thing", 2, alice.id, "Reply has no stance", parent_id=top, stance="supports")
    OPEN[2] = False
    try:
        with pytest.raises(service.ThreadError, match="closed on 3 March"):
            await service.post_comment("thing", 2, alice.id, "Late", stance="neutral")
        thread = await service.load_thread("thing", 2, alice)
        assert not thread.can_post and not thread.comments[0].can_reply
    finally:
        OPEN.pop(2)
    rows = await Comment.select(Comment.stance).order_by(Comment.id)
    assert [r["stance"] for r in rows] == ["concerns", ""]


async def test_edit_window_tombstone_and_official(db) -> None:
    alice = await make_account()
    council = await make_account("council")
    top = await service.post_comment("thing", 3, alice.id, "Typo hre", stance="neutral")
    answer = await service.post_comment("thing", 3, council.id, "We will look at it", parent_id=top)
    await service.edit_comment(top, alice.id, "Typo here")
    with pytest.raises(service.ThreadError):
        await service.edit_comment(top, council.id, "Not mine")
    await Comment.update({Comment.created_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)}).where(
        Comment.id == top)
    with pytest.raises(service.ThreadError, match="15 minutes"):
        await service.edit_comment(top, alice.id, "Too late")
    await service.delete_comment(top, alice.id)
    thread = await service.load_thread("thing", 3, None)
    root = thread.comments[0]
    assert root.deleted and root.body == "" and root.edited
    assert root.children[0].id == answer and root.children[0].official
    assert thread.stance_counts["neutral"] == 0  # deleted comments do not count


async def test_blocked_accounts_cannot_post_or_vote(db) -> None:
    alice = await make_account()
    mallory = await make_account()
    top = await service.post_comment("thing", 4, alice.id, "Hello", stance="neutral")
    await Account.update({Account.blocked: True}).where(Account.id == mallory.id)
    with pytest.raises(service.ThreadError, match="blocked"):
        await service.post_comment("thing", 4, mallory.id, "Spam", stance="neutral")
    with pytest.raises(service.ThreadError, match="blocked"):
        await service.toggle_vote(top, mallory.id)


async def test_many_threads_load_together_and_unknown_targets_are_left_out(db) -> None:
    alice = await make_account()
    for target in (5, 6, 7):
        for n in range(3):
            await service.post_comment("thing", target, alice.id, f"c{n}", stance="neutral")
    views = await service.load_threads("thing", [5, 6, 7, 8, 5000], alice)
    assert sorted(views) == [5, 6, 7, 8]
    assert [views[t].total for t in (5, 6, 7, 8)] == [3, 3, 3, 0]
    with pytest.raises(service.NotFound):
        await service.load_thread("thing", 5000, None)
