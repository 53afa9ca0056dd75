"""Budget cycles and their phases, safety project proposals, supports, follows and council review.

For other domains (ballots may import from here, never the reverse):
- `proposals.service.ballot_candidates(cycle_id, neighborhood_id) -> list[BallotCandidate]`: the
  feasible, ballot-eligible proposals of a cycle in a neighborhood (None: all, for a city-wide
  fund), with the `cost` a ballot funds. Ballots take their candidates from here and nowhere else.
- `proposals.service.get_cycle(cycle_id) -> CycleView | None` (`.phase` is computed from today's
  date), `list_cycles()`, `current_cycles()`.
- `proposals.phases`: pure phase rules (`current_phase(CycleDates, today)`, `VOTING`, ...).
"""
