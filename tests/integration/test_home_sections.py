"""The home page's sections read through queries of their own, cut down to what the page shows (issue 21):
each must give what the full service functions give, on both engines."""

from __future__ import annotations

import datetime as dt

from factories.assemblies import council_member, make_commitment, make_meeting
from factories.delivery import make_item
from factories.drafts import published_draft
from factories.proposals import make_cycle, make_proposal, make_proposals
from support import make_account, make_neighborhood

from assemblies import service as assemblies
from delivery import service as delivery
from delivery.tables import DeliveryItem
from proposals import phases
from proposals import service as proposals
from proposals.drafts import service as drafts
from server import clock


async def test_proposal_counts_of_a_neighborhood_for_every_cycle_in_one_query(db: object) -> None:
    hood, other = await make_neighborhood("Riverside"), await make_neighborhood("Old Town")
    ideas = await make_cycle(phases.IDEAS, name="Ideas")
    review = await make_cycle(phases.REVIEW, name="Review")
    quiet = await make_cycle(phases.IDEAS, name="Quiet")
    author = await make_account(neighborhood_id=hood)
    await make_proposal(author, ideas)
    await make_proposal(author, ideas, submit=False)  # a draft counts for nothing
    await make_proposal(await make_account(neighborhood_id=other), ideas)
    await make_proposals(review, hood, author.id, [1000, 2000])
    await make_proposals(review, hood, author.id, [3000], status="not_feasible")
    cycles = [ideas, review, quiet]
    counts = await proposals.status_counts_in(hood, cycles)
    assert counts == {c: await proposals.status_counts(c, hood) for c in cycles}
    assert counts[review] == {"feasible": 2, "not_feasible": 1} and counts[quiet] == {}


async def test_drafts_open_for_comment_are_those_open_drafts_lists(db: object) -> None:
    council = (await make_account("council")).id
    today = clock.today()
    day = dt.timedelta(days=1)
    open_now, _ = await published_draft(council, [("One", "Text")], title="Open")
    await published_draft(council, [("One", "Text")], title="Upcoming", opens=today + day, closes=today + 9 * day)
    await published_draft(council, [("One", "Text")], title="Closed", opens=today - 9 * day, closes=today - day)
    last_day, _ = await published_draft(council, [("One", "Text")], title="Last day", opens=today - day, closes=today)
    await drafts.create_draft(council, "Never published", "")
    # A second published version of an open draft lists it once.
    await drafts.start_new_version(council, open_now)
    await drafts.publish_version(council, open_now, "Second", today - day, today + 5 * day)
    found = await drafts.open_for_comment()
    assert [(d.id, d.title, d.comment_closes) for d in found] == [
        (d.id, d.title, d.comment_closes) for d in await drafts.open_drafts()]
    assert [d.id for d in found] == [last_day, open_now]


async def test_delivery_counts_of_a_neighborhood(db: object) -> None:
    hood, other = await make_neighborhood("Riverside"), await make_neighborhood("Old Town")
    today = clock.today()
    late = await make_item("Late", neighborhood_id=hood)
    await make_item("Fine", neighborhood_id=hood)
    cancelled = await make_item("Cancelled", neighborhood_id=hood)
    elsewhere = await make_item("Elsewhere", neighborhood_id=other)
    for item in (late, cancelled, elsewhere):
        await delivery.add_milestone(item, actor_role="council", name="Survey", planned_date=today - dt.timedelta(3))
    await DeliveryItem.update({DeliveryItem.status: "cancelled"}).where(DeliveryItem.id == cancelled)
    for neighborhood_id in (hood, other, None):
        items = await delivery.list_items(neighborhood_id=neighborhood_id)
        counts = await delivery.status_counts(neighborhood_id)
        assert (counts.total, counts.overdue, counts.cancelled) == (
            len(items), sum(1 for i in items if i.overdue_count and i.status != "cancelled"),
            sum(1 for i in items if i.status == "cancelled"))
    assert (await delivery.status_counts(hood)).overdue == 1


async def test_next_meetings_and_overdue_commitments(db: object) -> None:
    hood, other = await make_neighborhood("Riverside"), await make_neighborhood("Old Town")
    now = clock.now()
    staff = await council_member()
    for days, neighborhood_id in ((1, hood), (2, other), (3, None), (4, hood), (5, None), (-3, None)):
        await make_meeting(f"In {days} days", starts=now + dt.timedelta(days=days), by=staff,
                           neighborhood_id=neighborhood_id)
    for neighborhood_id in (hood, other, None):
        full = await assemblies.list_meetings(when="upcoming", neighborhood_id=neighborhood_id,
                                              limit=assemblies.HOME_MEETINGS)
        brief = await assemblies.next_meetings(neighborhood_id)
        assert [(m.id, m.title, m.starts_at, m.status) for m in brief] == [
            (m.id, m.title, m.starts_at, m.status) for m in full]
    assert [m.title for m in await assemblies.next_meetings(hood)] == ["In 1 days", "In 3 days", "In 4 days"]
    today = clock.today()
    await make_commitment("Future", by=staff, promised=today + dt.timedelta(days=3))
    past = await make_commitment("Past", by=staff, promised=today + dt.timedelta(days=1))
    await make_commitment("Also past", by=staff, promised=today + dt.timedelta(days=2))
    assert await assemblies.overdue_count(today + dt.timedelta(days=3)) == len(
        await assemblies.list_commitments(overdue_only=True, today=today + dt.timedelta(days=3))) == 2
    assert past and await assemblies.overdue_count(today) == 0
