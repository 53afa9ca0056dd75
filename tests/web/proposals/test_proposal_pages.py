from __future__ import annotations

import asyncio

import httpx
from factories.proposals import dates_for_phase, make_cycle, make_proposal, move_to_phase
from support import make_account, make_neighborhood, post_form, sign_in, signed_in_as, text_of

from proposals import service
from proposals.tables import Proposal, Support

FORM = {
    "title": "Safe routes to Lincoln Elementary",
    "summary": "Crossing guards and raised crosswalks on Elm Street.",
    "description": "Children cross four lanes on Elm Street. **Raised crosswalks** slow cars down.",
    "category": "safe_routes",
    "estimated_cost": "85,000",
    "location": "Elm Street at Lincoln Elementary",
}
SCRIPT = "<script>alert(1)</script>"


async def test_list_page_is_public_and_shows_the_phase(client: httpx.AsyncClient) -> None:
    author = await make_account()
    cycle = await make_cycle(name="2027 Safety Fund")
    await make_proposal(author, cycle)
    page = await client.get("/proposals")
    assert page.status_code == 200
    assert "Brighter lights on the river path" in page.text
    assert 'aria-current="step"' in page.text
    assert "Now: Idea collection" in text_of(page.text)


async def test_submit_a_proposal(client: httpx.AsyncClient) -> None:
    await make_cycle()
    viewer = await signed_in_as(client)
    form_page = await client.get("/proposals/new")
    assert form_page.status_code == 200 and 'name="title"' in form_page.text
    cycle_id = (await service.cycles_accepting_ideas())[0].id
    response = await post_form(client, "/proposals/new", {**FORM, "cycle": cycle_id, "action": "submit"})
    assert response.status_code == 303
    pid = int(response.headers["location"].rsplit("/", 1)[1])
    row = await Proposal.select().where(Proposal.id == pid).first()
    assert (row["status"], row["estimated_cost"], row["author"]) == ("submitted", 85000, viewer.id)
    assert row["neighborhood"] == viewer.neighborhood_id
    detail = await client.get(f"/proposals/{pid}")
    assert "<strong>Raised crosswalks</strong>" in detail.text
    assert "Submitted by" in text_of(detail.text)


async def test_failed_submit_keeps_input_and_explains(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    await signed_in_as(client)
    data = {**FORM, "title": "x" * 130, "summary": "", "cycle": cycle, "co_authors": "ghost@example.org"}
    response = await post_form(client, "/proposals/new", data)
    assert response.status_code == 400
    text = text_of(response.text)
    assert "Please keep this to 120 characters or fewer" in text
    assert "This field is required." in text
    assert FORM["description"].replace("**", "") in text or "Raised crosswalks" in response.text
    assert 'value="Elm Street at Lincoln Elementary"' in response.text
    # once the rest is valid, unknown co-authors get their own clear message, input kept
    response = await post_form(client, "/proposals/new", {**FORM, "cycle": cycle, "co_authors": "ghost@example.org"})
    assert response.status_code == 400
    assert "No account uses these emails: ghost@example.org" in text_of(response.text)
    assert 'value="ghost@example.org"' in response.text
    assert await Proposal.count() == 0


async def test_htmx_form_errors_come_back_as_200(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    await signed_in_as(client)
    response = await post_form(client, "/proposals/new", {**FORM, "title": "", "cycle": cycle},
                               headers={"hx-request": "true"})
    assert response.status_code == 200 and "This field is required." in response.text


async def test_cannot_submit_outside_idea_collection(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle("deliberation")
    await signed_in_as(client)
    page = await client.get("/proposals/new")
    assert "Idea collection is closed" in page.text
    response = await post_form(client, "/proposals/new", {**FORM, "cycle": cycle})
    assert response.status_code == 400
    assert "Idea collection is closed" in text_of(response.text)
    assert await Proposal.count() == 0


async def test_signed_out_cannot_submit(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    response = await post_form(client, "/proposals/new", {**FORM, "cycle": cycle})
    assert response.status_code in (302, 303, 401)
    assert await Proposal.count() == 0


async def test_drafts_are_private(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await signed_in_as(client)
    response = await post_form(client, "/proposals/new", {**FORM, "cycle": cycle, "action": "draft"})
    pid = int(response.headers["location"].rsplit("/", 1)[1])
    assert (await client.get(f"/proposals/{pid}")).status_code == 200
    assert FORM["title"] in (await client.get("/proposals")).text
    await signed_in_as(other_client)
    assert (await other_client.get(f"/proposals/{pid}")).status_code == 404
    assert FORM["title"] not in (await other_client.get("/proposals")).text
    # submitting the draft from the edit form publishes it
    response = await post_form(client, f"/proposals/{pid}/edit", {**FORM, "action": "submit"})
    assert response.status_code == 303
    assert (await other_client.get(f"/proposals/{pid}")).status_code == 200
    assert author.id


async def test_edit_keeps_revisions_and_strangers_cannot_edit(client: httpx.AsyncClient,
                                                              other_client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await signed_in_as(client)
    pid = await make_proposal(author, cycle)
    edit = await client.get(f"/proposals/{pid}/edit")
    assert edit.status_code == 200 and 'value="Brighter lights on the river path"' in edit.text
    response = await post_form(client, f"/proposals/{pid}/edit", {**FORM, "action": "save"})
    assert response.status_code == 303
    revisions = await other_client.get(f"/proposals/{pid}/revisions")
    assert revisions.status_code == 200
    assert "<ins>" in revisions.text and "<del>" in revisions.text and "Revision 2" in revisions.text
    await signed_in_as(other_client)
    assert (await other_client.get(f"/proposals/{pid}/edit")).status_code == 403
    response = await post_form(other_client, f"/proposals/{pid}/edit", {**FORM, "title": "Taken over by a stranger"})
    assert response.status_code == 403
    assert (await Proposal.select(Proposal.title).where(Proposal.id == pid).first())["title"] == FORM["title"]


async def test_co_author_can_edit(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await signed_in_as(client)
    co = await signed_in_as(other_client)
    response = await post_form(client, "/proposals/new", {**FORM, "cycle": cycle, "co_authors": co.email})
    pid = int(response.headers["location"].rsplit("/", 1)[1])
    response = await post_form(other_client, f"/proposals/{pid}/edit",
                               {**FORM, "title": "Safe routes to Lincoln Elementary School", "co_authors": ""})
    assert response.status_code == 303
    detail = await service.get_proposal(pid, None)
    assert detail.title == "Safe routes to Lincoln Elementary School"
    assert [p.id for p in detail.co_authors] == [co.id]  # a co-author cannot drop co-authors
    assert author.id != co.id


async def test_edit_closes_with_the_phase(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await signed_in_as(client)
    pid = await make_proposal(author, cycle)
    await move_to_phase(cycle, "deliberation")
    response = await post_form(client, f"/proposals/{pid}/edit", {**FORM, "action": "save"})
    assert response.status_code == 400 and "Deliberation" in response.text


async def test_support_toggle_and_double_post(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await signed_in_as(client)
    detail = await client.get(f"/proposals/{pid}")
    assert "Supports count from residents of Testville. Authors do not support their own proposal." in text_of(
        detail.text)
    assert (await post_form(client, f"/proposals/{pid}/support")).status_code == 303
    assert (await post_form(client, f"/proposals/{pid}/support")).status_code == 303
    assert await Support.count() == 1
    fragment = await post_form(client, f"/proposals/{pid}/unsupport", headers={"hx-request": "true"})
    assert fragment.status_code == 200 and f'id="support-{pid}"' in fragment.text and "<html" not in fragment.text
    assert await Support.count() == 0
    detail = await client.get(f"/proposals/{pid}")
    assert "Support this proposal" in detail.text


async def test_two_concurrent_support_posts_count_once(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await signed_in_as(client)
    responses = await asyncio.gather(post_form(client, f"/proposals/{pid}/support"),
                                     post_form(client, f"/proposals/{pid}/support"))
    assert [r.status_code for r in responses] == [303, 303]
    assert await Support.count() == 1
    assert (await Proposal.select(Proposal.support_count).where(Proposal.id == pid).first())["support_count"] == 1


async def test_follow_and_notification_on_review(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await signed_in_as(client)
    assert (await post_form(client, f"/proposals/{pid}/follow")).status_code == 303
    assert "Stop following" in (await client.get(f"/proposals/{pid}")).text
    await move_to_phase(cycle, "review")
    await signed_in_as(other_client, "council")
    response = await post_form(other_client, f"/council/review/{pid}",
                               {"decision": "feasible", "final_cost": "40000", "ballot_eligible": "on"})
    assert response.status_code == 303
    notes = await client.get("/notifications")
    assert "was found feasible" in notes.text
    fragment = await post_form(client, f"/proposals/{pid}/unfollow", headers={"hx-request": "true"})
    assert "Follow this proposal" in fragment.text


async def test_resident_cannot_review(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle("review")
    await move_to_phase(cycle, "ideas")
    pid = await make_proposal(await make_account(), cycle)
    await move_to_phase(cycle, "review")
    await signed_in_as(client)
    assert (await client.get("/council/review")).status_code == 403
    response = await post_form(client, f"/council/review/{pid}", {"decision": "feasible", "final_cost": "1"})
    assert response.status_code == 403
    assert (await Proposal.select(Proposal.status).where(Proposal.id == pid).first())["status"] == "submitted"


async def test_not_feasible_needs_a_reason(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await move_to_phase(cycle, "review")
    await signed_in_as(client, "council")
    response = await post_form(client, f"/council/review/{pid}", {"decision": "not_feasible", "reason": "  "})
    assert response.status_code == 400
    assert "public reason" in text_of(response.text)
    response = await post_form(client, f"/council/review/{pid}",
                               {"decision": "not_feasible", "reason": "The river path belongs to the state."})
    assert response.status_code == 303
    page = await client.get(f"/proposals/{pid}")
    assert "The river path belongs to the state." in page.text


async def test_review_queue_filters(client: httpx.AsyncClient) -> None:
    hill = await make_neighborhood("Hillcrest")
    cycle = await make_cycle()
    a = await make_proposal(await make_account(), cycle, title="Riverside lamps")
    await make_proposal(await make_account(neighborhood_id=hill), cycle, title="Hillcrest mentoring")
    await move_to_phase(cycle, "review")
    await signed_in_as(client, "council")
    page = await client.get("/council/review")
    assert "Riverside lamps" in page.text and "Hillcrest mentoring" in page.text
    page = await client.get(f"/council/review?neighborhood={hill}")
    assert "Riverside lamps" not in page.text and "Hillcrest mentoring" in page.text
    await post_form(client, f"/council/review/{a}", {"decision": "feasible", "final_cost": "900"})
    page = await client.get("/council/review?state=submitted")
    assert "Riverside lamps" not in page.text
    page = await client.get("/council/review?state=feasible")
    assert "Riverside lamps" in page.text
    form = await client.get(f"/council/review/{a}")
    assert form.status_code == 200 and "Record decision" in form.text


async def test_merge_from_the_review_page(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await make_account()
    main = await make_proposal(author, cycle, title="River path lighting")
    dup = await make_proposal(author, cycle, title="Lamps for the river path")
    await move_to_phase(cycle, "review")
    await signed_in_as(client, "council")
    page = await client.get(f"/council/review/{dup}")
    assert f'<option value="{main}"' in page.text
    response = await post_form(client, f"/council/review/{dup}", {"decision": "merged"})
    assert response.status_code == 400
    response = await post_form(client, f"/council/review/{dup}", {"decision": "merged", "merge_into": str(main)})
    assert response.status_code == 303
    page = await client.get(f"/proposals/{dup}")
    assert f'href="/proposals/{main}"' in page.text and "Merged into" in page.text


async def test_script_is_inert_everywhere(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    await signed_in_as(client)
    data = {"title": f"Lights {SCRIPT}", "summary": f"Summary {SCRIPT}", "description": f"Text {SCRIPT}",
            "category": "other", "estimated_cost": "10", "location": f"Here {SCRIPT}", "cycle": cycle}
    response = await post_form(client, "/proposals/new", data)
    assert response.status_code == 303, response.text
    pid = int(response.headers["location"].rsplit("/", 1)[1])
    await move_to_phase(cycle, "review")
    await signed_in_as(other_client, "council")
    await post_form(other_client, f"/council/review/{pid}", {"decision": "not_feasible", "reason": f"No {SCRIPT}"})
    for url in (f"/proposals/{pid}", "/proposals", f"/proposals/{pid}/revisions", "/council/review?state=all",
                f"/council/review/{pid}"):
        page = await other_client.get(url)
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text, url
    page = await other_client.get(f"/proposals/{pid}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_list_search_filters_and_htmx_fragment(client: httpx.AsyncClient) -> None:
    hill = await make_neighborhood("Hillcrest")
    cycle = await make_cycle()
    await make_proposal(await make_account(), cycle, title="River path LIGHTS")
    await make_proposal(await make_account(neighborhood_id=hill), cycle, title="Youth mentoring at the rec center",
                        category="youth_programs")
    page = await client.get("/proposals?q=lights")
    assert "River path LIGHTS" in page.text and "Youth mentoring" not in page.text
    page = await client.get(f"/proposals?neighborhood={hill}&sort=supported")
    assert "River path LIGHTS" not in page.text and "Youth mentoring" in page.text
    assert f'<option value="{hill}" selected>' in page.text
    page = await client.get("/proposals?category=youth_programs&status=submitted&neighborhood=&cycle=")
    assert page.status_code == 200 and "Youth mentoring" in page.text and "River path" not in page.text
    fragment = await client.get("/proposals?q=mentoring", headers={"hx-request": "true", "hx-target": "results"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="results"') and "<html" not in fragment.text
    assert "Youth mentoring" in fragment.text
    fragment = await client.get("/proposals?q=mentoring&neighborhood=&category=&sort=newest&page=1",
                                headers={"hx-request": "true", "hx-target": "results"})
    assert fragment.headers["hx-push-url"] == "/proposals?q=mentoring"


async def test_list_pagination(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await make_account()
    for i in range(service.PAGE_SIZE + 2):
        await make_proposal(author, cycle, title=f"Proposal number {i:02d}")
    first = await client.get("/proposals?sort=newest")
    assert "Next page" in first.text and "Proposal number 21" in first.text
    second = await client.get("/proposals?page=2")
    assert "Proposal number 00" in second.text and "Proposal number 21" not in second.text


async def test_council_creates_and_edits_cycles(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    dates = {k: v.isoformat() for k, v in dates_for_phase("ideas").items()}
    bad = {**dates, "name": "2027 Safety Fund", "review_open": dates["ideas_open"]}
    response = await post_form(client, "/council/cycles/", bad)
    assert response.status_code == 400
    assert "This date must come after" in text_of(response.text)
    assert 'value="2027 Safety Fund"' in response.text
    response = await post_form(client, "/council/cycles/", {**dates, "name": "2027 Safety Fund"})
    assert response.status_code == 303
    cycle = (await service.list_cycles())[0]
    assert cycle.phase == "ideas"
    page = await client.get(f"/cycles/{cycle.id}")
    assert 'aria-current="step"' in page.text and "Idea collection" in page.text
    moved = {k: v.isoformat() for k, v in dates_for_phase("deliberation").items()}
    response = await post_form(client, f"/council/cycles/{cycle.id}/edit", {**moved, "name": "2027 Safety Fund"})
    assert response.status_code == 303
    assert (await service.get_cycle(cycle.id)).phase == "deliberation"
    assert (await client.get("/council/cycles")).status_code == 200
    assert (await client.get(f"/council/cycles/{cycle.id}/edit")).status_code == 200


async def test_residents_cannot_manage_cycles(client: httpx.AsyncClient) -> None:
    await signed_in_as(client)
    assert (await client.get("/council/cycles")).status_code == 403
    dates = {k: v.isoformat() for k, v in dates_for_phase("ideas").items()}
    assert (await post_form(client, "/council/cycles/", {**dates, "name": "Sneaky"})).status_code == 403


async def test_home_section_and_navigation(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood("Riverside")
    cycle = await make_cycle(name="Spring 2027")
    await make_proposal(await make_account(neighborhood_id=hood), cycle)
    viewer = await make_account(neighborhood_id=hood)
    await sign_in(client, viewer.email)
    home = await client.get("/")
    text = text_of(home.text)
    assert "Spring 2027" in text and "Now: Idea collection" in text
    assert "1 proposal in this neighborhood so far." in text
    assert 'href="/proposals/new"' in home.text and 'href="/proposals"' in home.text
    assert 'href="/council/review"' not in home.text
    client.cookies.clear()
    await signed_in_as(client, "council")
    home = await client.get("/")
    assert 'href="/council/review"' in home.text and 'href="/council/cycles"' in home.text


async def test_drafts_cannot_be_supported_and_blocked_accounts_cannot_post(client: httpx.AsyncClient) -> None:
    from server.accounts.tables import Account

    cycle = await make_cycle()
    author = await signed_in_as(client)
    draft = await make_proposal(author, cycle, submit=False)
    assert (await post_form(client, f"/proposals/{draft}/support")).status_code == 404
    public = await make_proposal(await make_account(), cycle)
    await Account.update({Account.blocked: True}).where(Account.id == author.id)
    assert (await post_form(client, f"/proposals/{public}/support")).status_code == 403
    response = await post_form(client, "/proposals/new", {**FORM, "cycle": cycle})
    assert response.status_code == 403
    assert await Support.count() == 0


async def test_support_after_deliberation_is_refused_with_a_message(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await move_to_phase(cycle, "review")
    await signed_in_as(client)
    page = await client.get(f"/proposals/{pid}")
    assert "Support this proposal" not in page.text
    fragment = await post_form(client, f"/proposals/{pid}/support", headers={"hx-request": "true"})
    assert fragment.status_code == 200 and "Council review" in fragment.text
    assert await Support.count() == 0


async def test_missing_things_are_404(client: httpx.AsyncClient) -> None:
    for url in ("/proposals/999", "/proposals/999/revisions", "/cycles/999"):
        assert (await client.get(url)).status_code == 404, url
    await signed_in_as(client, "council")
    assert (await client.get("/council/review/999")).status_code == 404
    assert (await client.get("/council/cycles/999/edit")).status_code == 404


async def test_feasible_reason_is_public_and_kept_when_deciding_again(client: httpx.AsyncClient) -> None:
    """Issue 20, item 10: the reason given with a feasible decision is shown, and re-deciding
    starts from it, so a changed reason replaces it and an unchanged one is not dropped."""
    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await move_to_phase(cycle, "review")
    await signed_in_as(client, "council")
    first = {"decision": "feasible", "final_cost": "40000", "ballot_eligible": "on",
             "reason": "Public Works can install the lamps within the fund."}
    assert (await post_form(client, f"/council/review/{pid}", first)).status_code == 303
    assert first["reason"] in text_of((await client.get(f"/proposals/{pid}")).text)
    form = await client.get(f"/council/review/{pid}")
    assert "Public Works can install the lamps within the fund.</textarea>" in form.text
    again = {**first, "final_cost": "42000", "reason": "Lamp prices rose; still within the fund."}
    assert (await post_form(client, f"/council/review/{pid}", again)).status_code == 303
    public = text_of((await client.get(f"/proposals/{pid}")).text)
    assert "Lamp prices rose; still within the fund." in public and first["reason"] in public


async def test_a_draft_needs_only_a_title_and_can_be_deleted(client: httpx.AsyncClient) -> None:
    """Issue 20, item 6: saving a draft asks only for its title; submitting asks for the rest; the
    author can delete a draft."""
    await make_cycle()
    await signed_in_as(client)
    cycle_id = (await service.cycles_accepting_ideas())[0].id
    saved = await post_form(client, "/proposals/new", {"title": "Lamps by the bus stop", "cycle": cycle_id,
                                                       "action": "draft"})
    assert saved.status_code == 303
    pid = int(saved.headers["location"].rsplit("/", 1)[1])
    edit = await client.get(f"/proposals/{pid}/edit")
    assert 'name="estimated_cost" type="text" value=""' in edit.text
    submit = await post_form(client, f"/proposals/{pid}/edit", {"title": "Lamps by the bus stop", "action": "submit"})
    assert submit.status_code == 400 and "Summary: This field is required." in text_of(submit.text)
    page = await client.get(f"/proposals/{pid}")
    assert "Delete this draft" in page.text and "Withdraw this proposal" not in page.text
    assert (await post_form(client, f"/proposals/{pid}/delete")).status_code == 303
    assert await Proposal.count().where(Proposal.id == pid) == 0


async def test_author_withdraws_a_submitted_proposal(client: httpx.AsyncClient,
                                                     other_client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await signed_in_as(client)
    pid = await make_proposal(author, cycle)
    follower = await signed_in_as(other_client)
    await post_form(other_client, f"/proposals/{pid}/follow")
    assert "Withdraw this proposal" not in (await other_client.get(f"/proposals/{pid}")).text
    assert (await post_form(other_client, f"/proposals/{pid}/withdraw")).status_code == 403
    assert (await post_form(client, f"/proposals/{pid}/delete")).status_code == 303  # refused: not a draft
    assert await Proposal.count().where(Proposal.id == pid) == 1
    assert "Withdraw this proposal" in (await client.get(f"/proposals/{pid}")).text
    assert (await post_form(client, f"/proposals/{pid}/withdraw")).status_code == 303
    row = await Proposal.select(Proposal.status).where(Proposal.id == pid).first()
    assert row["status"] == "withdrawn"
    public = text_of((await client.get(f"/proposals/{pid}")).text)
    assert f"Withdrawn by {author.display_name}." in public
    listed = await client.get("/proposals", params={"status": "withdrawn"})
    assert f'href="/proposals/{pid}"' in listed.text
    assert "was withdrawn by" in (await other_client.get("/notifications")).text
    assert follower.id != author.id


async def test_authors_and_other_neighborhoods_are_told_why_they_cannot_support(client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    author = await signed_in_as(client)
    pid = await make_proposal(author, cycle)
    page = await client.get(f"/proposals/{pid}")
    assert "You are an author of this proposal" in text_of(page.text)
    assert "Support this proposal" not in page.text
    refused = await post_form(client, f"/proposals/{pid}/support", headers={"hx-request": "true"})
    assert "You are an author of this proposal" in text_of(refused.text)
    await post_form(client, "/signout")
    await signed_in_as(client, neighborhood_id=await make_neighborhood("Far Hills"))
    refused = await post_form(client, f"/proposals/{pid}/support")
    assert refused.status_code == 303
    assert "neighborhood can support it." in text_of(
        (await client.get(f"/proposals/{pid}")).text)
    assert await Support.count() == 0
