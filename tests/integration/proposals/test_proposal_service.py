from __future__ import annotations

import asyncio

import pytest
from factories.proposals import feasible, make_cycle, make_proposal, move_to_phase, proposal_input
from piccolo.engine.base import Engine
from support import make_account, make_neighborhood

from proposals import service
from proposals.schemas import ProposalFilters, ReviewInput
from proposals.supports import SupportRefusal
from proposals.tables import Follow, Support
from server.notifications.tables import Notification


async def test_submit_only_during_idea_collection(db: Engine) -> None:
    author = await make_account()
    for phase in ("upcoming", "deliberation", "review", "voting", "closed"):
        cycle = await make_cycle(phase, name=f"Cycle {phase}")
        with pytest.raises(service.PhaseClosed):
            await make_proposal(author, cycle)
    cycle = await make_cycle("ideas")
    pid = await make_proposal(author, cycle)
    detail = await service.get_proposal(pid, None)
    assert detail is not None and detail.status == "submitted" and detail.submitted_at is not None


async def test_drafts_are_private_and_can_be_submitted_later(db: Engine) -> None:
    author = await make_account()
    other = await make_account()
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle, submit=False)
    assert await service.get_proposal(pid, other.id) is None
    assert await service.get_proposal(pid, None) is None
    assert (await service.get_proposal(pid, author.id)).status == "draft"
    assert [p.id for p in (await service.search_proposals(ProposalFilters(), other.id)).items] == []
    assert [p.id for p in (await service.search_proposals(ProposalFilters(), author.id)).items] == [pid]
    await service.update_proposal(pid, author.id, proposal_input(), submit=True)
    assert (await service.get_proposal(pid, other.id)).status == "submitted"


async def test_co_authors_edit_and_unknown_emails_are_refused(db: Engine) -> None:
    author = await make_account()
    co = await make_account(email="co@example.org")
    stranger = await make_account()
    cycle = await make_cycle()
    with pytest.raises(service.UnknownCoAuthors) as info:
        await make_proposal(author, cycle, co_author_emails=("nobody@example.org",))
    assert info.value.emails == ["nobody@example.org"]
    pid = await make_proposal(author, cycle, co_author_emails=("co@example.org",))
    await service.update_proposal(pid, co.id, proposal_input(title="Brighter lamps on the river path"))
    with pytest.raises(service.NotAllowed):
        await service.update_proposal(pid, stranger.id, proposal_input(title="Hijacked title"))
    detail = await service.get_proposal(pid, None)
    assert detail.title == "Brighter lamps on the river path"
    assert [p.id for p in detail.co_authors] == [co.id]
    # both follow automatically; the co-author was told
    assert set(await service.follower_ids(pid)) == {author.id, co.id}
    assert await Notification.exists().where((Notification.recipient == co.id)
                                             & (Notification.kind == "proposal_co_author"))


async def test_edits_are_kept_as_revisions_with_word_diffs(db: Engine) -> None:
    author = await make_account()
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle)
    await service.update_proposal(pid, author.id, proposal_input(description="The path is dark after 4pm in winter."))
    revisions = await service.revisions(pid)
    assert [r.number for r in revisions] == [2, 1]
    latest = dict(revisions[0].changes)
    assert list(latest) == ["description"]
    assert any(p.op == "added" and "4pm" in p.text for p in latest["description"])
    kinds = [e.kind for e in await service.timeline(pid)]
    assert kinds == ["submitted", "edited"]


async def test_editing_closes_with_idea_collection(db: Engine) -> None:
    author = await make_account()
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle)
    await move_to_phase(cycle, "deliberation")
    with pytest.raises(service.PhaseClosed):
        await service.update_proposal(pid, author.id, proposal_input(title="Too late to change"))


async def test_support_counts_once_and_can_be_withdrawn(db: Engine) -> None:
    author = await make_account()
    fan = await make_account()
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle)
    assert (await service.support(pid, fan.id)).count == 1
    again = await service.support(pid, fan.id)
    assert again.count == 1 and not again.changed
    assert (await service.withdraw_support(pid, fan.id)).count == 0
    assert (await service.support(pid, fan.id)).count == 1


async def test_concurrent_supports_count_once(db: Engine) -> None:
    author = await make_account()
    fan = await make_account()
    others = [await make_account() for _ in range(3)]
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle)
    results = await asyncio.gather(service.support(pid, fan.id), service.support(pid, fan.id))
    assert sorted(r.changed for r in results) == [False, True]
    await asyncio.gather(*(service.support(pid, o.id) for o in others))
    assert await Support.count().where(Support.proposal == pid) == 4
    assert (await service.support_state(pid, fan.id)).count == 4


async def test_support_follows_the_phase(db: Engine) -> None:
    author = await make_account()
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle)
    draft = await make_proposal(author, cycle, submit=False, title="A draft nobody sees")
    neighbor = await make_account(neighborhood_id=author.neighborhood_id)
    with pytest.raises(service.NotFound):
        await service.support(draft, neighbor.id)
    await move_to_phase(cycle, "deliberation")
    assert (await service.support(pid, neighbor.id)).count == 1
    await move_to_phase(cycle, "review")
    with pytest.raises(service.PhaseClosed):
        await service.support(pid, neighbor.id)


async def test_review_rules(db: Engine) -> None:
    author = await make_account()
    council = await make_account("council")
    follower = await make_account()
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle)
    await service.follow(pid, follower.id)
    with pytest.raises(service.PhaseClosed):
        await service.review(pid, council.id, feasible())
    await move_to_phase(cycle, "review")
    with pytest.raises(service.NotAllowed):
        await service.review(pid, author.id, feasible())
    with pytest.raises(service.InvalidState):
        await service.review(pid, council.id, ReviewInput("not_feasible", reason="   "))
    await service.review(pid, council.id, ReviewInput("not_feasible", reason="The path belongs to the state."))
    await service.review(pid, council.id, feasible(38000))
    detail = await service.get_proposal(pid, None)
    assert (detail.status, detail.final_cost, detail.ballot_eligible) == ("feasible", 38000, True)
    events = await service.timeline(pid)
    assert [e.kind for e in events] == ["submitted", "not_feasible", "feasible"]
    assert events[1].reason == "The path belongs to the state." and events[1].actor == council.display_name
    kinds = [r["kind"] for r in await Notification.select(Notification.kind).where(
        Notification.recipient == follower.id).order_by(Notification.id)]
    assert kinds == ["proposal_not_feasible", "proposal_feasible"]
    hood = author.neighborhood_id
    assert [c.id for c in await service.ballot_candidates(cycle, hood)] == [pid]


async def test_merge_carries_supporters_without_double_counting(db: Engine) -> None:
    author = await make_account()
    council = await make_account("council")
    both, only_dup, only_main = [await make_account() for _ in range(3)]
    cycle = await make_cycle()
    main = await make_proposal(author, cycle, title="Lights on the river path")
    dup = await make_proposal(author, cycle, title="River path lamps, please")
    for fan in (both, only_main):
        await service.support(main, fan.id)
    for fan in (both, only_dup):
        await service.support(dup, fan.id)
    await service.follow(dup, only_dup.id)
    await move_to_phase(cycle, "review")
    elsewhere = await make_account(neighborhood_id=await make_neighborhood("Elsewhere"))
    await move_to_phase(cycle, "ideas")
    other_hood = await make_proposal(elsewhere, cycle, title="Lights somewhere else")
    await move_to_phase(cycle, "review")
    with pytest.raises(service.InvalidMerge):
        await service.review(dup, council.id, ReviewInput("merged", merge_into=other_hood))
    with pytest.raises(service.InvalidMerge):
        await service.review(dup, council.id, ReviewInput("merged", merge_into=dup))
    await service.review(dup, council.id, ReviewInput("merged", merge_into=main))
    merged = await service.get_proposal(dup, None)
    assert merged.status == "merged" and merged.merged_into_id == main
    target = await service.get_proposal(main, None)
    assert target.support_count == 3 and target.merged_from == [(dup, "River path lamps, please")]
    assert await Support.count().where(Support.proposal == main) == 3
    assert await Follow.exists().where((Follow.proposal == main) & (Follow.account == only_dup.id))
    with pytest.raises(service.InvalidState):
        await service.review(dup, council.id, feasible())


async def test_search_filters_and_sorts(db: Engine) -> None:
    a = await make_account()
    b = await make_account(neighborhood_id=await make_neighborhood("Hillside"))
    cycle = await make_cycle()
    lights = await make_proposal(a, cycle, title="River LIGHTS", estimated_cost=9000)
    mentors = await make_proposal(b, cycle, title="Youth mentoring", category="youth_programs",
                                  summary="Pair teenagers with mentors at the rec center.",
                                  description="Weekly mentoring sessions after school.", estimated_cost=500)
    await service.support(mentors, (await make_account(neighborhood_id=b.neighborhood_id)).id)

    async def ids(**kw: object) -> list[int]:
        return [p.id for p in (await service.search_proposals(ProposalFilters(**kw), None)).items]

    assert await ids(q="lights") == [lights]
    assert await ids(q="MENTORS") == [mentors]
    assert await ids(category="youth_programs") == [mentors]
    assert await ids(neighborhood=a.neighborhood_id) == [lights]
    assert await ids(sort="supported") == [mentors, lights]
    assert await ids(sort="cost") == [mentors, lights]
    assert await ids(sort="newest") == [mentors, lights]
    assert await ids(status="feasible") == []
    assert await ids(cycle=cycle) == [mentors, lights]


async def test_supports_come_from_the_neighborhood_and_not_from_the_authors(db: Engine) -> None:
    author = await make_account()
    co_author = await make_account(neighborhood_id=author.neighborhood_id)
    neighbor = await make_account(neighborhood_id=author.neighborhood_id)
    elsewhere = await make_account(neighborhood_id=await make_neighborhood("Far Hills"))
    cycle = await make_cycle()
    pid = await make_proposal(author, cycle, co_author_emails=(co_author.email,))
    for who, refusal in [(author, SupportRefusal.OWN_PROPOSAL), (co_author, SupportRefusal.OWN_PROPOSAL),
                         (elsewhere, SupportRefusal.OTHER_NEIGHBORHOOD)]:
        with pytest.raises(service.NotSupportable) as refused:
            await service.support(pid, who.id)
        assert refused.value.refusal == refusal
    assert (await service.support(pid, neighbor.id)).count == 1
    assert await service.support_refusal(pid, neighbor.id) is None
