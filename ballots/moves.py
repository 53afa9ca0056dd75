"""Moving neighborhoods during a budget cycle's vote: refused once the person has voted on a
neighborhood's fund in a cycle whose voting is not over, or they could vote on a second
neighborhood's fund in the same cycle (one vote per person per cycle on the neighborhood funds)."""

from __future__ import annotations

import datetime as dt

from ballots.tables import Ballot, Participation
from server.i18n import gettext as _


async def cycles_still_voting_where_voted(account_id: int, now: dt.datetime) -> list[int]:
    """Cycles in which the account voted on a neighborhood fund and some ballot has not closed yet."""
    voted = await Participation.select(Participation.ballot.cycle.as_alias("cycle")).where(
        (Participation.account == account_id) & Participation.ballot.neighborhood.is_not_null())
    cycles = sorted({int(r["cycle"]) for r in voted})
    if not cycles:
        return []
    open_rows = await Ballot.select(Ballot.cycle).where(Ballot.cycle.is_in(cycles) & (Ballot.closes_at > now))
    return sorted({int(r["cycle"]) for r in open_rows})


async def no_second_neighborhood_vote(account_id: int, neighborhood_id: int, now: dt.datetime) -> str | None:
    if await cycles_still_voting_where_voted(account_id, now):
        return _("You have already voted on your neighborhood's fund in a budget cycle whose voting is "
                 "still open. You can change your neighborhood once that voting has closed.")
    return None
