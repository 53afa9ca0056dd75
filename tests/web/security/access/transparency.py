"""Who may reach each route of the transparency domain: its part of the access matrix."""

from __future__ import annotations

from web.security.access.indicators import a_counted_survey, an_indicator
from web.security.access_matrix import (
    ALLOW,
    PUBLIC,
    Access,
    a_cycle,
    a_draft,
    access,
    delivery_item,
    open_ballot,
    others_proposal,
    published_ballot,
)

ENTRIES: dict[tuple[str, str], Access] = {
    # dashboard
    ("GET", "/dashboard"): PUBLIC,
    ("GET", "/dashboard/{cycle_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_cycle),
    # open data API (read-only, public)
    ("GET", "/api/v1"): PUBLIC,
    ("GET", "/api/v1/cycles"): PUBLIC,
    ("GET", "/api/v1/cycles/{cycle_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_cycle),
    ("GET", "/api/v1/proposals"): PUBLIC,
    ("GET", "/api/v1/proposals/{proposal_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=others_proposal),
    ("GET", "/api/v1/ballots"): PUBLIC,
    ("GET", "/api/v1/ballots/{ballot_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=open_ballot),
    ("GET", "/api/v1/ballots/{ballot_id:int}/results"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=published_ballot),
    ("GET", "/api/v1/drafts"): PUBLIC,
    ("GET", "/api/v1/drafts/{draft_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_draft),
    ("GET", "/api/v1/delivery"): PUBLIC,
    ("GET", "/api/v1/delivery/{item_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=delivery_item),
    ("GET", "/api/v1/indicators"): PUBLIC,
    ("GET", "/api/v1/indicators/{slug:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=an_indicator),
    ("GET", "/api/v1/surveys/{survey_id:int}/results"): access(ALLOW, ALLOW, ALLOW, ALLOW,
                                                               params=a_counted_survey),
}
