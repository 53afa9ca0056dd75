"""A ballot says who may vote and, to someone who cannot yet, what they need and where to get it, in
their language (issue 15: verified residents, code holders, confirmed accounts)."""

from __future__ import annotations

import httpx
from factories.ballots import make_ballot, make_codes
from support import make_account, post_form, sign_in, signed_in_as, text_of

from ballots import service
from server.verification import service as verification


async def test_a_verified_residents_ballot_tells_each_person_what_they_need(client: httpx.AsyncClient) -> None:
    setup = await make_ballot(voters="verified_codes")
    page = text_of((await client.get(f"/ballots/{setup.ballot_id}")).text)
    assert "Verified residents and access code holders." in page
    assert "Vote with an access code" in page

    unconfirmed = await make_account(neighborhood_id=setup.hood, confirmed=False)
    await sign_in(client, unconfirmed.email)
    page = text_of((await client.get(f"/ballots/{setup.ballot_id}")).text)
    assert "To vote, first confirm your e-mail address" in page
    await post_form(client, "/signout")

    resident = await signed_in_as(client, neighborhood_id=setup.hood)
    page = text_of((await client.get(f"/ballots/{setup.ballot_id}")).text)
    assert "This ballot is for verified residents." in page
    assert "match yourself on your account page" in page and "verify you in person" in page
    assert "vote with an access code handed out at events" in page
    refused = await client.get(f"/ballots/{setup.ballot_id}/vote")
    assert refused.status_code == 403 and "This ballot is for verified residents." in text_of(refused.text)

    client.cookies.set("lang", "es")
    page = text_of((await client.get(f"/ballots/{setup.ballot_id}")).text)
    assert "Esta votación es para vecinos verificados." in page
    assert "Vecinos verificados y quienes tengan un código de acceso." in page
    client.cookies.delete("lang")

    await verification.verify_in_person(resident.email, setup.hood, 1990, by=setup.council_id)
    page = text_of((await client.get(f"/ballots/{setup.ballot_id}")).text)
    assert "Vote now" in page


async def test_a_ballot_without_codes_refuses_them_at_the_code_form(client: httpx.AsyncClient) -> None:
    setup = await make_ballot(voters="confirmed")
    [code] = await make_codes(setup.ballot_id, 1)
    page = text_of((await client.get(f"/ballots/{setup.ballot_id}")).text)
    assert "Vote with an access code" not in page
    refused = await post_form(client, "/vote", {"code": code})
    assert refused.status_code == 400
    assert "This ballot does not take access codes" in text_of(refused.text)


async def test_council_chooses_who_may_vote_within_the_cycles_ways(client: httpx.AsyncClient) -> None:
    import datetime as dt

    from factories.ballots import NOW

    from proposals.tables import BudgetCycle

    s = await make_ballot()
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    page = await client.get(f"/council/ballots/new?cycle_id={s.cycle_id}&fund={s.hood}")
    assert 'name="voters" value="verified_codes"' in page.text
    data = {"cycle_id": str(s.cycle_id), "fund": str(s.hood), "title": "Riverside 2027", "budget": "90000",
            "candidates": [str(p) for p in s.proposals[:3]], "max_ranks": "3", "min_ranks": "1",
            "opens_at": (NOW + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (NOW + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"), "rule": "greedy",
            "explanation": "", "decided_after": str(s.ballot_id), "voters": "verified"}
    # As if council had turned the roll and in-person ways off before the cycle's first ballot opened.
    await BudgetCycle.update({BudgetCycle.verification_paths: "codes"}).where(BudgetCycle.id == s.cycle_id)
    refused = await post_form(client, "/council/ballots/new", data)
    assert refused.status_code == 400
    assert "The budget cycle does not enable this way of verification" in text_of(refused.text)
    assert 'value="verified" checked' in refused.text  # the choice comes back as made
    created = await post_form(client, "/council/ballots/new", {**data, "voters": "codes"})
    assert created.status_code == 303
    new_id = int(created.headers["location"].rsplit("/", 1)[1])
    ballot = await service.get_ballot(new_id)
    assert ballot is not None and ballot.voters == "codes" and not ballot.accepts_accounts
