"""Error summaries say which field is wrong, and forms report every problem at once (issue 20, item 8)."""

from __future__ import annotations

import httpx
from factories.proposals import make_cycle, make_proposal, move_to_phase
from support import make_account, make_neighborhood, post_form, signed_in_as, text_of

from proposals.tables import Proposal


async def test_sign_up_reports_a_short_and_mismatched_password_by_field(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood()
    response = await post_form(client, "/signup", {
        "display_name": "Amira", "email": "amira@example.org", "password": "short",
        "password_confirm": "shorter", "neighborhood_id": str(hood), "birth_year": "1988"})
    assert response.status_code == 400
    page = text_of(response.text)
    assert "Password: Please use at least 10 characters." in page
    assert "Repeat password: The two passwords do not match." in page


async def test_summary_names_the_field_in_the_readers_language(client: httpx.AsyncClient) -> None:
    await make_neighborhood()
    response = await post_form(client, "/signup", {"display_name": "Amira"}, headers={"Accept-Language": "es"})
    page = text_of(response.text)
    assert "Correo electrónico: " in page and "Año de nacimiento: " in page


async def test_merge_into_is_not_labelled_optional_and_a_final_cost_of_zero_is_accepted(
        client: httpx.AsyncClient) -> None:
    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await move_to_phase(cycle, "review")
    await signed_in_as(client, "council")
    form = await client.get(f"/council/review/{pid}")
    assert "Merge into (optional)" not in text_of(form.text)
    merged = await post_form(client, f"/council/review/{pid}", {"decision": "merged"})
    assert merged.status_code == 400
    assert "Merge into: Please choose the proposal this one duplicates." in text_of(merged.text)
    free = await post_form(client, f"/council/review/{pid}", {"decision": "feasible", "final_cost": "0",
                                                             "reason": "Only a change to the patrol route."})
    assert free.status_code == 303
    row = await Proposal.select(Proposal.status, Proposal.final_cost).where(Proposal.id == pid).first()
    assert row == {"status": "feasible", "final_cost": 0}
