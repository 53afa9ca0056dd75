"""A ballot open when sealing arrived: its ballots were plain `cast_ballot` rows (origin, age band,
day, salted receipt hash). After the upgrade they keep counting, their receipts keep working (and
can replace the ballot with the voter's credential), new ballots are sealed, and the close rewrites
everything the sealed way, turnout included."""

from __future__ import annotations

import datetime as dt
import json

from factories.ballots import make_ballot
from piccolo.engine.base import Engine
from support import make_account

from ballots import codes, service
from ballots.counting import service as counting
from ballots.tables import Ballot, CastBallot, Participation, SealedBallot

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)


async def test_a_ballot_open_at_upgrade_keeps_working_and_closes_sealed(db: Engine) -> None:
    s = await make_ballot()
    # As the migration leaves a ballot made before sealing: no seal salt, no key check.
    await Ballot.update({Ballot.seal_salt: "", Ballot.key_check: ""}).where(Ballot.id == s.ballot_id)
    salt = (await Ballot.select(Ballot.salt).where(Ballot.id == s.ballot_id).first())["salt"]
    old_voters, old_receipts = [], []
    for i in range(6):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1980)
        receipt = codes.new_receipt()
        await Participation.insert(Participation(ballot=s.ballot_id, account=voter.id))
        await CastBallot.insert(CastBallot(ballot=s.ballot_id, ranking=json.dumps([s.proposals[i % 2]]),
                                           origin="online", age_band="45-64", receipt_hash=codes.digest(salt, receipt),
                                           cast_on=dt.date.today()))
        old_voters.append(voter)
        old_receipts.append(receipt)
    assert (await service.turnout(s.ballot_id)).total == 6
    seen = await service.lookup_receipt(old_receipts[0])
    assert seen is not None and seen.can_replace and seen.origin == "online"
    # Replacing an old ballot needs the voter's account too; the new one is sealed.
    other = await make_account(neighborhood_id=s.hood)
    await service.cast_online(s.ballot_id, other.id, [s.proposals[3]])
    try:
        await service.replace_ballot(s.ballot_id, old_receipts[0], [s.proposals[2]], None)
        raise AssertionError("replaced without a credential")
    except service.NotYourBallot:
        pass
    await service.replace_ballot(s.ballot_id, old_receipts[0], [s.proposals[2]], ("account", old_voters[0].id))
    assert (await service.turnout(s.ballot_id)).total == 7
    assert await SealedBallot.count().where(SealedBallot.ballot == s.ballot_id) == 2
    before = await service.counted_ballots(s.ballot_id)
    assert sum(w for _, w in before) == 7

    view = await counting.count_ballot(s.ballot_id, now=LATER)
    assert view.status == "done" and view.ballots_counted == 7
    assert await service.counted_ballots(s.ballot_id) == before
    assert await SealedBallot.count() == 0
    rows = await CastBallot.select().where(CastBallot.ballot == s.ballot_id)
    assert len(rows) == 7 and {(r["origin"], r["age_band"], r["superseded"]) for r in rows} == {("", "", False)}
    assert len({r["cast_on"] for r in rows}) == 1
    turnout = await service.turnout(s.ballot_id)
    assert turnout.total == 7 and {g.key: g.count for g in turnout.by_origin}["online"] == 7
    # Old receipts still show their ballot after the close, under the hash the .pb lists.
    late = await service.lookup_receipt(old_receipts[1], now=LATER)
    assert late is not None and late.fingerprint == codes.digest(salt, old_receipts[1]) and not late.can_replace
    assert await service.ballots_to_unseal(LATER) == []
