"""A budget cycle's voting phase covers its ballots: an edit of the cycle's dates that would leave a
ballot's voting days outside the voting phase is refused, naming the ballot and its times."""

from __future__ import annotations

from ballots.tables import Ballot
from ballots.voting_window import fields_outside
from proposals.schemas import CycleInput
from server import clock
from server.i18n import fmt_date, fmt_datetime
from server.i18n import gettext as _


async def voting_phase_covers_ballots(cycle_id: int, data: CycleInput) -> str | None:
    ballots = await Ballot.select(Ballot.title, Ballot.opens_at, Ballot.closes_at).where(
        Ballot.cycle == cycle_id).order_by(Ballot.id)
    for ballot in ballots:
        first_day = clock.local_date(ballot["opens_at"])
        last_day = clock.local_date(ballot["closes_at"])
        if fields_outside(first_day, last_day, data.voting_open, data.results_open):
            return _("“%(title)s” is open for voting from %(opens)s until %(closes)s, so the voting phase must "
                     "start on or before %(first)s and the results phase must start after %(last)s.",
                     title=ballot["title"], opens=fmt_datetime(ballot["opens_at"], "short", zone=True),
                     closes=fmt_datetime(ballot["closes_at"], "short", zone=True), first=fmt_date(first_day),
                     last=fmt_date(last_day))
    return None
