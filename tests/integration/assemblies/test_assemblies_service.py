"""The assemblies services on a real database (both engines): who runs a body's meetings, minutes and
who is told, registration, calendar sequence, agenda links, and the commitment register's revisions,
statuses, overdue notices and counts."""

from __future__ import annotations

import datetime as dt

import pytest
from factories.assemblies import (
    council_member,
    held_meeting,
    make_body,
    make_commitment,
    make_meeting,
    meeting_input,
)
from factories.delivery import make_item
from support import make_account

from assemblies import rules, service
from assemblies.schemas import MemberInput, MinutesInput
from server import clock, links
from server.notifications.tables import Notification

MINUTES = MinutesInput(30, "Thirty residents came.", "- Survey lamps.", "1. Fix the lamps.", "")


async def kinds_for(account_id: int) -> list[str]:
    rows = await Notification.select(Notification.kind).where(Notification.recipient == account_id).order_by(
        Notification.id)
    return [r["kind"] for r in rows]


async def test_co_chairs_run_their_own_body_only(db: object) -> None:
    co_chair = await make_account("resident")
    other = await make_account("resident")
    body = await make_body(co_chair=co_chair)
    elsewhere = await make_body()
    meeting = await service.create_meeting(co_chair, body, meeting_input("Board meeting"))
    assert (await service.get_meeting(meeting)).body_id == body  # type: ignore[union-attr]
    with pytest.raises(service.NotAllowed):
        await service.create_meeting(co_chair, elsewhere, meeting_input())
    with pytest.raises(service.NotAllowed):
        await service.create_meeting(co_chair, None, meeting_input())  # city-wide meetings are the council's
    with pytest.raises(service.NotAllowed):
        await service.create_meeting(other, body, meeting_input())
    assert [b.id for b in await service.bodies_run_by(co_chair)] == [body]
    assert await service.bodies_run_by(other) == []


async def test_a_term_that_ended_no_longer_runs_meetings(db: object) -> None:
    staff = await council_member()
    co_chair = await make_account("resident")
    body = await make_body(co_chair=co_chair)
    [member] = await service.members_of(body)
    await service.end_membership(body, member.id, staff, clock.today() - dt.timedelta(days=1))
    with pytest.raises(service.NotAllowed):
        await service.create_meeting(co_chair, body, meeting_input())
    assert (await service.members_of(body))[0].current is False  # kept as history


async def test_members_without_an_account_and_unknown_emails(db: object) -> None:
    staff = await council_member()
    body = await make_body()
    start = clock.today()
    await service.add_member(body, staff, MemberInput("Rev. Ada Mensah", "", rules.MEMBER, "Faith Forum", start, None))
    with pytest.raises(service.Refused) as refused:
        await service.add_member(body, staff, MemberInput("", "nobody@example.org", rules.CO_CHAIR, "", start, None))
    assert "account_email" in refused.value.errors
    [member] = await service.members_of(body)
    assert (member.person_name, member.account_id, member.label) == ("Rev. Ada Mensah", None, "Faith Forum")
    resident = await make_account("resident")
    with pytest.raises(service.NotAllowed):
        await service.add_member(body, resident, MemberInput("X", "", rules.MEMBER, "", start, None))


async def test_minutes_tell_followers_of_the_meeting_and_body_and_those_registered_once(db: object) -> None:
    co_chair = await make_account("resident")
    body = await make_body(co_chair=co_chair)
    meeting = await service.create_meeting(co_chair, body, meeting_input(
        "Board meeting", starts=clock.now() + dt.timedelta(minutes=1), registration=True))
    follower, body_follower, attendee, bystander = [await make_account("resident") for _ in range(4)]
    await service.follow(service.MEETING, meeting, follower.id)
    await service.follow(service.BODY, body, body_follower.id)
    await service.register(meeting, attendee.id)
    with pytest.raises(service.Refused):  # not started yet
        await service.publish_minutes(meeting, co_chair, MINUTES)
    await service.update_meeting(meeting, co_chair, meeting_input(
        "Board meeting", starts=clock.now() - dt.timedelta(minutes=5), registration=True))
    await service.publish_minutes(meeting, co_chair, MINUTES)
    for person in (follower, body_follower, attendee):
        assert (await kinds_for(person.id))[-1] == "meeting_minutes"
    assert await kinds_for(bystander.id) == []
    assert await kinds_for(co_chair.id) == []  # whoever published is not told
    view = await service.get_meeting(meeting)
    assert view is not None and view.status == rules.HELD and view.attendance == 30 and view.has_minutes
    # A correction does not tell everyone again.
    await service.publish_minutes(meeting, co_chair, MinutesInput(31, "Thirty-one residents came.", "", "", ""))
    assert (await kinds_for(follower.id)).count("meeting_minutes") == 1
    assert (await service.get_meeting(meeting)).attendance == 31  # type: ignore[union-attr]


async def test_changes_raise_the_calendar_sequence_and_cancelling_needs_a_reason(db: object) -> None:
    staff = await council_member()
    follower = await make_account("resident")
    meeting = await make_meeting(by=staff)
    await service.follow(service.MEETING, meeting, follower.id)
    later = clock.now() + dt.timedelta(days=9)
    await service.update_meeting(meeting, staff, meeting_input(starts=later))
    view = await service.get_meeting(meeting)
    assert view is not None and view.sequence == 1 and view.starts_at == later.replace(microsecond=later.microsecond)
    assert await kinds_for(follower.id) == ["meeting_changed"]
    with pytest.raises(service.Refused) as refused:
        await service.cancel_meeting(meeting, staff, "flood")
    assert "reason" in refused.value.errors
    await service.cancel_meeting(meeting, staff, "The hall flooded; a new date follows within two weeks.")
    view = await service.get_meeting(meeting)
    assert view is not None and (view.status, view.sequence) == (rules.CANCELLED, 2)
    assert await kinds_for(follower.id) == ["meeting_changed", "meeting_cancelled"]
    with pytest.raises(service.Refused):
        await service.update_meeting(meeting, staff, meeting_input())


async def test_registration_keeps_to_capacity(db: object) -> None:
    meeting = await make_meeting(registration=True, capacity=2)
    people = [await make_account("resident") for _ in range(3)]
    await service.register(meeting, people[0].id)
    await service.register(meeting, people[0].id)  # twice is once
    await service.register(meeting, people[1].id)
    with pytest.raises(service.Refused):
        await service.register(meeting, people[2].id)
    await service.unregister(meeting, people[0].id)
    await service.register(meeting, people[2].id)
    detail = await service.meeting_detail(meeting, people[2])
    assert detail is not None and detail.registered == 2 and detail.is_registered and detail.seats_left == 0
    staff = await council_member()
    assert await service.registrations(meeting, staff) == [people[1].display_name, people[2].display_name]
    with pytest.raises(service.NotAllowed):  # names are for those who run the meeting
        await service.registrations(meeting, people[2])
    closed = await make_meeting()
    with pytest.raises(service.Refused):
        await service.register(closed, people[0].id)


async def test_agenda_links_must_be_public_and_items_nest(db: object) -> None:
    staff = await council_member()
    meeting = await make_meeting(by=staff)
    project = await make_item("River path lamps")
    top = await service.add_agenda_item(meeting, staff, title="Lighting", notes="", duration_minutes=30,
                                        parent_id=None, link=("delivery_item", project))
    child = await service.add_agenda_item(meeting, staff, title="Questions", notes="", duration_minutes=None,
                                          parent_id=top, link=None)
    await service.add_agenda_item(meeting, staff, title="Open floor", notes="", duration_minutes=None,
                                  parent_id=None, link=None)
    with pytest.raises(service.Refused) as refused:
        await service.add_agenda_item(meeting, staff, title="Ghost", notes="", duration_minutes=None, parent_id=None,
                                      link=("delivery_item", project + 1000))
    assert "link_ref" in refused.value.errors
    other = await make_meeting(by=staff)
    with pytest.raises(service.Refused):  # a parent from another meeting
        await service.add_agenda_item(other, staff, title="X", notes="", duration_minutes=None, parent_id=top,
                                      link=None)
    agenda = await service.agenda_of(meeting)
    assert [(i.number, i.title, i.link_kind) for i in agenda] == [
        ("1", "Lighting", "delivery_item"), ("1.1", "Questions", None), ("2", "Open floor", None)]
    # Reordering moves an item among its siblings, its sub-items with it; the ends stay put.
    await service.move_agenda_item(meeting, top, staff, up=False)
    assert [(i.number, i.title) for i in await service.agenda_of(meeting)] == [
        ("1", "Open floor"), ("2", "Lighting"), ("2.1", "Questions")]
    await service.move_agenda_item(meeting, top, staff, up=False)
    await service.move_agenda_item(meeting, child, staff, up=True)
    assert [i.title for i in await service.agenda_of(meeting)] == ["Open floor", "Lighting", "Questions"]
    await service.move_agenda_item(meeting, top, staff, up=True)
    assert [i.title for i in await service.agenda_of(meeting)] == ["Lighting", "Questions", "Open floor"]
    with pytest.raises(service.NotAllowed):
        await service.move_agenda_item(meeting, top, await make_account("resident"), up=False)
    await service.remove_agenda_item(meeting, top, staff)
    assert [i.title for i in await service.agenda_of(meeting)] == ["Open floor"]
    assert child not in [i.id for i in await service.agenda_of(meeting)]


async def test_meetings_and_commitments_are_link_targets(db: object) -> None:
    meeting = await held_meeting("Autumn assembly")
    commitment = await make_commitment("Fix the lamps", source=("meeting", meeting))
    found = await links.resolve([("meeting", meeting), ("commitment", commitment), ("commitment", commitment + 99)])
    assert found[("meeting", meeting)].url == f"/meetings/{meeting}"
    assert found[("commitment", commitment)].title == "Fix the lamps"
    assert ("commitment", commitment + 99) not in found
    # Linked both ways: the meeting lists what came from it.
    detail = await service.meeting_detail(meeting)
    assert detail is not None and [c.id for c in detail.commitments] == [commitment]


async def test_revisions_are_kept_and_the_first_promise_stays(db: object) -> None:
    staff = await council_member()
    follower = await make_account("resident")
    first = clock.today() + dt.timedelta(days=10)
    commitment = await make_commitment(promised=first, by=staff)
    await service.follow(service.COMMITMENT, commitment, follower.id)
    second, third = first + dt.timedelta(days=20), first + dt.timedelta(days=40)
    await service.revise_date(commitment, staff, second, "The contractor went out of business in May.")
    await service.revise_date(commitment, staff, third, "The new contractor starts after the summer.")
    with pytest.raises(service.Refused) as refused:
        await service.revise_date(commitment, staff, third + dt.timedelta(days=1), "later")
    assert "reason" in refused.value.errors
    detail = await service.commitment_detail(commitment)
    assert detail is not None
    c = detail.commitment
    assert (c.promised_date, c.due_date, c.revisions, c.revised) == (first, third, 2, True)
    revisions = [(e.date_from, e.date_to, e.body) for e in detail.events if e.kind == "revision"]
    assert revisions == [(first, second, "The contractor went out of business in May."),
                         (second, third, "The new contractor starts after the summer.")]
    assert await kinds_for(follower.id) == ["commitment_revised", "commitment_revised"]


async def test_status_changes_updates_and_dropping(db: object) -> None:
    staff = await council_member()
    commitment = await make_commitment(by=staff)
    with pytest.raises(service.Refused) as refused:
        await service.report(commitment, staff, rules.IN_PROGRESS, "")
    assert "body" in refused.value.errors
    await service.report(commitment, staff, rules.IN_PROGRESS, "The contractor started.")
    await service.report(commitment, staff, rules.IN_PROGRESS, "Half of the lamps are fixed.")
    await service.report(commitment, staff, rules.DROPPED, "The lamps are being replaced by the utility company.")
    with pytest.raises(service.Refused) as refused:
        await service.report(commitment, staff, rules.OPEN, "Back on the list.")
    assert "status" in refused.value.errors
    with pytest.raises(service.Refused):
        await service.revise_date(commitment, staff, clock.today() + dt.timedelta(days=90), "x" * 30)
    detail = await service.commitment_detail(commitment)
    assert detail is not None and detail.commitment.status == rules.DROPPED
    assert detail.status_reason == "The lamps are being replaced by the utility company."
    assert [(e.kind, e.status_to) for e in detail.events] == [
        ("created", rules.OPEN), ("status", rules.IN_PROGRESS), ("update", None), ("status", rules.DROPPED)]
    resident = await make_account("resident")
    with pytest.raises(service.NotAllowed):
        await service.report(commitment, resident, rules.DONE, "I did it.")


async def test_overdue_followers_are_told_once_per_date(db: object) -> None:
    staff = await council_member()
    follower = await make_account("resident")
    commitment = await make_commitment(promised=clock.today() - dt.timedelta(days=2), by=staff)
    await service.follow(service.COMMITMENT, commitment, follower.id)
    assert await service.notify_overdue() == 1
    assert await service.notify_overdue() == 0  # a second run, or a second worker, tells nobody again
    [flagged] = await service.list_commitments(overdue_only=True)
    assert (flagged.id, flagged.days_overdue) == (commitment, 2)
    # Revised to tomorrow: no longer overdue; once that date passes too, followers are told again.
    await service.revise_date(commitment, staff, clock.today() + dt.timedelta(days=1), "Parts arrive next week.")
    assert await service.list_commitments(overdue_only=True) == []
    assert await service.notify_overdue(today=clock.today() + dt.timedelta(days=2)) == 1
    assert (await kinds_for(follower.id)).count("commitment_overdue") == 2


async def test_counts_for_the_dashboard(db: object) -> None:
    staff = await council_member()
    today = clock.today()
    on_time = await make_commitment(promised=today + dt.timedelta(days=5), by=staff)
    await service.report(on_time, staff, rules.DONE, "Finished early.")
    late = await make_commitment(promised=today - dt.timedelta(days=5), by=staff)
    await service.report(late, staff, rules.DONE, "Finished at last.")
    await make_commitment(promised=today - dt.timedelta(days=1), by=staff)  # overdue
    dropped = await make_commitment(by=staff)
    await service.report(dropped, staff, rules.DROPPED, "Replaced by the transit authority's own plan.")
    revised = await make_commitment(promised=today - dt.timedelta(days=3), by=staff)
    await service.revise_date(revised, staff, today + dt.timedelta(days=30), "Waiting for the new contract.")
    counts = await service.commitment_counts()
    assert (counts.total, counts.kept_on_time, counts.kept_late, counts.dropped) == (5, 1, 1, 1)
    # Against the first promise, the revised one is late too; against its current date it is not overdue.
    assert (counts.late, counts.overdue, counts.pending) == (2, 1, 0)


async def test_a_commitments_source_must_exist(db: object) -> None:
    staff = await council_member()
    with pytest.raises(service.Refused) as refused:
        await make_commitment(source=("meeting", 12345), by=staff)
    assert "link_ref" in refused.value.errors
    body = await make_body()
    follower = await make_account("resident")
    await service.follow(service.BODY, body, follower.id)
    commitment = await make_commitment(source=("board", body), by=staff)
    assert await kinds_for(follower.id) == ["commitment_new"]
    detail = await service.body_detail(body)
    assert detail is not None and [c.id for c in detail.commitments] == [commitment]


async def test_commitments_kept_on_time_is_an_indicator_source(db: object) -> None:
    """Issue 19's "commitments kept on time", declared by this domain and computed from the register."""
    from assemblies import measures
    from assemblies.tables import Commitment
    from server.measures import sources

    assert "commitments-on-time" in sources()
    staff = await council_member()
    today = clock.today()
    kept = await make_commitment("Repaint the crossing", promised=today + dt.timedelta(days=30), by=staff)
    await service.report(kept, staff, rules.DONE, "Painted.")
    late = await make_commitment("Fix the lamps", promised=today + dt.timedelta(days=30), by=staff)
    past = today - dt.timedelta(days=40)
    await Commitment.update({Commitment.promised_date: past, Commitment.due_date: past}).where(Commitment.id == late)
    found = {m.period: m.value for m in await measures.on_time() if m.neighborhood_id is None}
    assert found == {(today + dt.timedelta(days=30)).strftime("%Y-%m"): 100.0, past.strftime("%Y-%m"): 0.0}
