"""Who may reach each route of the ballots domain: its part of the access matrix."""

from __future__ import annotations

from web.security.access_matrix import (
    ALLOW,
    COUNCIL,
    DENY,
    PUBLIC,
    SIGNIN,
    Access,
    access,
    open_ballot,
    paper_sheet,
    published_ballot,
)

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
