"""The anonymous ballots of a counted ballot as a pabulib `.pb` file: the field's open format, so
that anyone can recount with `townsquare tally` or pabutools. Ballots are listed sorted by the
fingerprint of their receipt (never in casting order), so a voter can find their own ballot from the
receipt alone (README, "Find my ballot"; ballots/sealing.py `fingerprint`). Origin and age band are
left out: with few paper or older voters they could single a person out."""

from __future__ import annotations

from ballots.counting.schemas import CountView
from ballots.schemas import BallotView
from ballots.tally.pabulib import PabulibFile, completion_meta, write
from server import clock


def ballot_file(ballot: BallotView, count: CountView, votes: list[tuple[list[int], str | None]]) -> str:
    """`votes`: (ranking of proposal ids, receipt fingerprint or None), already in the export order."""
    points = {p.proposal_id: p.points for p in count.projects}
    supporters: dict[int, int] = {}
    for ranking, _ in votes:
        for pid in ranking:
            supporters[pid] = supporters.get(pid, 0) + 1
    meta = {
        "description": ballot.title,
        "ballot_id": str(ballot.id),  # part of each receipt's fingerprint
        "unit": "Townsquare",
        "subunit": ballot.neighborhood_name or "City-wide",
        "instance": ballot.cycle_name,
        "num_projects": str(len(ballot.candidates)),
        "num_votes": str(len(votes)),
        "budget": str(ballot.budget),
        "vote_type": "ordinal",
        "rule": count.rule,
        "min_length": str(ballot.min_ranks),
        "max_length": str(ballot.max_ranks),
        "date_begin": clock.local_date(ballot.opens_at).isoformat(),  # the city's calendar, as pabulib gives
        "date_end": clock.local_date(ballot.closes_at).isoformat(),
        "ballot_set_hash": count.ballot_set_hash,
        "tie_break": count.tie_break,
    }
    if count.completion:
        meta["completion"] = completion_meta(count.completion)
    if count.withdrawn:  # funded by a ballot decided before this one, so not counted here
        meta["withdrawn"] = ",".join(f"{w.proposal_id}:funded_by_ballot_{w.ballot_id}" for w in count.withdrawn)
    if ballot.age_min is not None or ballot.age_max is not None:
        meta["age_window"] = f"{ballot.age_min or ''}-{ballot.age_max or ''}"
    project_rows = [
        [str(c.proposal_id), str(c.cost), c.title, str(supporters.get(c.proposal_id, 0)),
         str(points.get(c.proposal_id, 0))]
        for c in ballot.candidates
    ]
    vote_rows = [[str(i), ",".join(str(pid) for pid in ranking), receipt or ""]
                 for i, (ranking, receipt) in enumerate(votes, start=1)]
    pb = PabulibFile(meta=meta, project_header=["project_id", "cost", "name", "votes", "score"],
                     project_rows=project_rows, vote_header=["voter_id", "vote", "receipt_fingerprint"],
                     vote_rows=vote_rows, election=None)  # type: ignore[arg-type]
    return write(pb, selected=[str(p.proposal_id) for p in count.funded])
