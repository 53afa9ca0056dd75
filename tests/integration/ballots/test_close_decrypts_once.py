"""The close decrypts each sealed ballot once: counting keeps the payloads it opened, by exact
ciphertext, and the write-out (`unseal`) takes a deleted row's payload from there. What is written
is still exactly the rows the write-out deleted: a row the count did not open is decrypted then,
and a payload kept for a ciphertext no longer stored is not written."""

from __future__ import annotations

import datetime as dt

from factories.ballots import make_ballot
from piccolo.engine.base import Engine
from support import make_account

from ballots import sealing, service
from ballots.counting import service as counting
from ballots.tables import CastBallot, SealedBallot

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)


async def _written(ballot_id: int) -> list[list[int]]:
    rows = await CastBallot.select(CastBallot.ranking).where(CastBallot.ballot == ballot_id)
    return sorted(service._ranking(r["ranking"]) for r in rows)


async def test_the_write_out_reuses_the_counts_payloads_and_writes_only_deleted_rows(db: Engine) -> None:
    s = await make_ballot()
    for i in range(4):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1990)
        await service.cast_online(s.ballot_id, voter.id, [s.proposals[i % 2]])
    opened: service.Opened = {}
    data = await service.election_data(s.ballot_id, LATER, opened)
    assert data is not None and sum(w for _, w in data.ballots) == 4
    assert len(opened) == 4
    # Proof that the write-out takes the kept payload rather than decrypting again: change one.
    first = next(iter(opened))
    opened[first] = sealing.Payload([s.proposals[3]], "online", "", "", opened[first].fingerprint, "")
    # A ciphertext kept by the count but no longer stored must not be written.
    opened[b"not a stored row"] = sealing.Payload([s.proposals[2]], "online", "", "", "", "")
    # A ballot cast after the count read (not in `opened`) is decrypted by the write-out itself.
    late = await make_account(neighborhood_id=s.hood, birth_year=1990)
    await service.cast_online(s.ballot_id, late.id, [s.proposals[1]])

    written = await service.unseal(s.ballot_id, LATER, opened)
    assert written is not None
    expected = sorted([p.ranking for sealed, p in opened.items() if sealed != b"not a stored row"]
                      + [[s.proposals[1]]])
    assert [s.proposals[3]] in expected and [s.proposals[2]] not in expected
    assert sorted(written) == expected
    assert await _written(s.ballot_id) == expected
    assert await SealedBallot.count().where(SealedBallot.ballot == s.ballot_id) == 0


async def test_count_ballot_writes_out_every_counted_ballot(db: Engine) -> None:
    s = await make_ballot()
    cast = []
    for i in range(5):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1990)
        ranking = [s.proposals[i % 4], s.proposals[(i + 1) % 4]]
        await service.cast_online(s.ballot_id, voter.id, ranking)
        cast.append(ranking)
    view = await counting.count_ballot(s.ballot_id, now=LATER)
    assert view.status == "done" and view.ballots_counted == 5
    assert await _written(s.ballot_id) == sorted(cast)
    assert await SealedBallot.count() == 0
    # Reading the count back needs only the candidates' titles, and names every project.
    again = await counting.get_count(view.id)
    assert again is not None and {p.title for p in again.projects} == {p.title for p in view.projects}
    assert all(p.title != str(p.proposal_id) for p in again.projects)
