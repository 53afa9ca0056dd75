"""A budget cycle's ways of verification stay what its ballots were set up with: once a ballot of the
cycle has opened they are frozen (changing them would change who may vote mid-vote), and before
that an edit that would leave a ballot's "who may vote" setting without a way is refused, naming it."""

from __future__ import annotations

import datetime as dt

from ballots.eligibility import allowed_voters
from ballots.tables import Ballot
from proposals.schemas import CycleInput
from proposals.tables import BudgetCycle
from server import clock
from server.i18n import gettext as _
from server.verification import paths


async def paths_fit_ballots(cycle_id: int, data: CycleInput) -> str | None:
    row = await BudgetCycle.select(BudgetCycle.verification_paths).where(BudgetCycle.id == cycle_id).first()
    if row is None or paths.decode(row["verification_paths"]) == paths.decode(data.verification_paths):
        return None
    allowed = allowed_voters(paths.decode(data.verification_paths))
    now = clock.now()
    for ballot in await Ballot.select(Ballot.title, Ballot.opens_at, Ballot.voters).where(
            Ballot.cycle == cycle_id).order_by(Ballot.id):
        opens = ballot["opens_at"] if ballot["opens_at"].tzinfo else ballot["opens_at"].replace(tzinfo=dt.UTC)
        if opens <= now:
            return _("“%(title)s” has opened, so the ways of verification of this cycle can no longer change.",
                     title=ballot["title"])
        if ballot["voters"] not in allowed:
            return _("“%(title)s” needs a way of verification you turned off. Change who may vote on it first.",
                     title=ballot["title"])
    return None
