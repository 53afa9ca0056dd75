"""Who may reach each route of the ballots domain: its part of the access matrix."""

from __future__ import annotations

from typing import Any

from web.security.access_matrix import (
    ALLOW,
    COUNCIL,
    DENY,
    PUBLIC,
    SIGNIN,
    Access,
    World,
    access,
    open_ballot,
    paper_sheet,
    published_ballot,
)


async def requested_batch(world: World, role: str) -> dict[str, Any]:
    """A batch asked for by another council member on an open ballot: the council role may confirm it."""
    from support import make_account

    from ballots import batch_service
    from ballots.schemas import BatchSpec

    params = await open_ballot(world, role)
    asker = await make_account("council")
    issued = await batch_service.issue_batch(params["ballot_id"], BatchSpec("Matrix", 2), asker.id)
    return {**params, "batch_id": issued.batch_id}


async def partners_batch(world: World, role: str) -> dict[str, Any]:
    """An issued batch of an open ballot, assigned to the partner role's account."""
    from ballots import batch_service

    params = await requested_batch(world, role)
    confirmer = world.accounts["council"]
    assert confirmer is not None
    await batch_service.confirm_batch(params["batch_id"], confirmer.id)
    from support import make_account

    from ballots.tables import CodeBatch

    # The access matrix's world has a partner; other tests that reuse these entries may not.
    partner = world.accounts.get("partner") or await make_account("partner")
    await CodeBatch.update({CodeBatch.partner: partner.id}).where(CodeBatch.id == params["batch_id"])
    return params


# A partner runs booths and hands out code batches; council does everything a partner does.
PARTNERS = access(SIGNIN, DENY, DENY, ALLOW, partner=ALLOW)

ENTRIES: dict[tuple[str, str], Access] = {
    # ballots: voting (no guard: the handlers send signed-out people to sign in, and anyone may use a code)
    ("GET", "/ballots"): PUBLIC,
    ("GET", "/ballots/{ballot_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=open_ballot),
    ("GET", "/ballots/{ballot_id:int}/turnout"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=open_ballot),
    ("GET", "/ballots/{ballot_id:int}/vote"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=open_ballot),
    ("POST", "/ballots/{ballot_id:int}/vote"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=open_ballot),
    ("POST", "/ballots/{ballot_id:int}/review"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=open_ballot,
                                                        note="an empty ranking comes back with errors (400)"),
    ("POST", "/ballots/{ballot_id:int}/cast"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=open_ballot,
                                                      note="an empty ranking comes back with errors (400)"),
    ("POST", "/ballots/{ballot_id:int}/replace"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=open_ballot),
    ("GET", "/ballots/receipt"): PUBLIC,
    ("POST", "/ballots/receipt"): access(ALLOW, ALLOW, ALLOW, ALLOW, form={"receipt": "AAAA-BBBB-CCCC-DDDD"}),
    ("GET", "/vote"): PUBLIC,
    ("POST", "/vote"): access(ALLOW, ALLOW, ALLOW, ALLOW, form={"code": "ABCDE-FGH23"}),
    # ballots: council
    ("GET", "/council/ballots"): COUNCIL,
    ("GET", "/council/ballots/new"): COUNCIL,
    ("POST", "/council/ballots/new"): COUNCIL,
    ("GET", "/council/ballots/{ballot_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=open_ballot),
    ("GET", "/council/ballots/{ballot_id:int}/edit"): access(SIGNIN, DENY, DENY, ALLOW, params=open_ballot),
    ("POST", "/council/ballots/{ballot_id:int}/edit"): access(SIGNIN, DENY, DENY, ALLOW, params=open_ballot),
    ("POST", "/council/ballots/{ballot_id:int}/extend"): access(SIGNIN, DENY, DENY, ALLOW, params=open_ballot),
    ("POST", "/council/ballots/{ballot_id:int}/codes"): access(SIGNIN, DENY, DENY, ALLOW, params=open_ballot,
                                                               form={"count": "2", "label": "Library"}),
    ("GET", "/council/ballots/{ballot_id:int}/paper"): access(SIGNIN, DENY, DENY, ALLOW, params=open_ballot),
    ("POST", "/council/ballots/{ballot_id:int}/paper"): access(SIGNIN, DENY, DENY, ALLOW, params=open_ballot),
    ("POST", "/council/ballots/{ballot_id:int}/paper/{sheet_id:int}/discard"): access(
        SIGNIN, DENY, DENY, ALLOW, params=paper_sheet),
    ("GET", "/council/ballots/{ballot_id:int}/count"): access(SIGNIN, DENY, DENY, ALLOW, params=published_ballot),
    ("POST", "/council/ballots/{ballot_id:int}/count"): access(SIGNIN, DENY, DENY, ALLOW, params=published_ballot),
    ("GET", "/council/ballots/{ballot_id:int}/publish"): access(SIGNIN, DENY, DENY, ALLOW, params=published_ballot),
    ("POST", "/council/ballots/{ballot_id:int}/publish"): access(SIGNIN, DENY, DENY, ALLOW,
                                                                 params=published_ballot),
    # ballots: code batches (issue 15)
    ("POST", "/council/ballots/{ballot_id:int}/batches/{batch_id:int}/confirm"): access(
        SIGNIN, DENY, DENY, ALLOW, params=requested_batch),
    ("POST", "/council/ballots/{ballot_id:int}/batches/{batch_id:int}/refuse"): access(
        SIGNIN, DENY, DENY, ALLOW, params=requested_batch),
    ("GET", "/council/ballots/{ballot_id:int}/batches/{batch_id:int}/void"): access(
        SIGNIN, DENY, DENY, ALLOW, params=partners_batch),
    ("POST", "/council/ballots/{ballot_id:int}/batches/{batch_id:int}/void"): access(
        SIGNIN, DENY, DENY, ALLOW, params=partners_batch, form={"reason": "Lost"}),
    ("GET", "/partner/batches"): PARTNERS,
    ("GET", "/batches/{batch_id:int}/print"): access(SIGNIN, DENY, DENY, ALLOW, partner=ALLOW, params=partners_batch),
    # ballots: polling booths (issue 15)
    ("GET", "/booth"): PARTNERS,
    ("GET", "/booth/{ballot_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, partner=ALLOW, params=open_ballot),
    ("POST", "/booth/{ballot_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, partner=ALLOW, params=open_ballot,
                                               form={"how": "account", "email": "nobody@example.org"},
                                               note="an unknown email comes back with an error (400)"),
    # results (public once published)
    ("GET", "/ballots/{ballot_id:int}/results"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=published_ballot),
    ("POST", "/ballots/{ballot_id:int}/results/find"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=published_ballot,
                                                              form={"receipt": "AAAA-BBBB-CCCC-DDDD"}),
    ("GET", "/ballots/{ballot_id:int}/results/ballots.pb"): access(ALLOW, ALLOW, ALLOW, ALLOW,
                                                                   params=published_ballot),
    ("GET", "/ballots/{ballot_id:int}/results/results.csv"): access(ALLOW, ALLOW, ALLOW, ALLOW,
                                                                    params=published_ballot),
    ("GET", "/ballots/{ballot_id:int}/results/results.json"): access(ALLOW, ALLOW, ALLOW, ALLOW,
                                                                     params=published_ballot),
    ("GET", "/ballots/{ballot_id:int}/results/turnout.csv"): access(ALLOW, ALLOW, ALLOW, ALLOW,
                                                                    params=published_ballot),
}
