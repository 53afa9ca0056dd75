"""Receipts are not bearer tokens (replacing needs the voter's own account or access code), find my
ballot from the receipt alone (page, documented recipe, `townsquare tally --find`), and start-up
refuses a SECRET_KEY that cannot open sealed ballots (issues 13 and 16)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import httpx
from factories.ballots import make_ballot, make_codes
from piccolo.engine.base import Engine
from support import make_account, post_form, signed_in_as

from ballots import sealing, service
from ballots.counting import service as counting
from ballots.results import service as results
from ballots.tables import Ballot
from server import secret

ROOT = Path(__file__).resolve().parents[3]


def receipt_in(html: str) -> str:
    match = re.search(r'class="receipt-code"[^>]*><code>([0-9A-Z-]{19})</code>', html)
    assert match, "no receipt on the page"
    return match.group(1)


async def test_a_receipt_alone_cannot_replace_a_ballot(client: httpx.AsyncClient,
                                                       other_client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    voter = await signed_in_as(client, neighborhood_id=s.hood)
    cast = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[0]]})
    receipt = receipt_in(cast.text)
    assert "keep it private" in cast.text and "cannot change your ballot" in cast.text
    # Someone else, signed in, holding the receipt: may see the ranking, may not change it.
    await signed_in_as(other_client, neighborhood_id=s.hood)
    seen = await post_form(other_client, "/ballots/receipt", {"receipt": receipt})
    assert seen.status_code == 200 and "Project 1" in seen.text and "keep it private" in seen.text
    refused = await post_form(other_client, f"/ballots/{s.ballot_id}/replace", {"receipt": receipt})
    assert refused.status_code == 303 and refused.headers["location"] == "/ballots/receipt"
    forced = await post_form(other_client, f"/ballots/{s.ballot_id}/cast",
                             {"rank": [s.proposals[1]], "receipt": receipt})
    assert forced.status_code == 303
    assert await service.counted_ballots(s.ballot_id) == [([s.proposals[0]], 1)]
    # The voter's own account may.
    mine = await post_form(client, f"/ballots/{s.ballot_id}/replace", {"receipt": receipt})
    assert mine.status_code == 200
    new = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[2]], "receipt": receipt})
    assert new.status_code == 200 and receipt_in(new.text) != receipt
    assert await service.counted_ballots(s.ballot_id) == [([s.proposals[2]], 1)]
    assert voter.id


async def test_a_code_voter_replaces_with_the_same_code_only(client: httpx.AsyncClient,
                                                             other_client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    codes = await make_codes(s.ballot_id, 2)
    assert (await post_form(client, "/vote", {"code": codes[0]})).status_code == 303
    receipt = receipt_in((await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[0]]})).text)
    # Another browser with the receipt and the other (unused) code: refused.
    wrong = await post_form(other_client, f"/ballots/{s.ballot_id}/replace", {"receipt": receipt, "code": codes[1]})
    assert wrong.status_code == 303 and wrong.headers["location"] == "/ballots/receipt"
    check = await post_form(other_client, "/ballots/receipt", {"receipt": receipt})
    assert 'name="code"' in check.text  # the replace form asks a signed-out person for their code
    # With the code it was cast with: allowed, from any browser.
    ok = await post_form(other_client, f"/ballots/{s.ballot_id}/replace", {"receipt": receipt, "code": codes[0]})
    assert ok.status_code == 200 and "You are replacing your ballot" in ok.text
    new = await post_form(other_client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[3]], "receipt": receipt})
    assert new.status_code == 200
    assert await service.counted_ballots(s.ballot_id) == [([s.proposals[3]], 1)]


async def _published(client: httpx.AsyncClient) -> tuple[int, list[str], list[list[int]], str]:
    s = await make_ballot()
    receipts, rankings = [], []
    for i in range(6):
        voter = await make_account(neighborhood_id=s.hood)
        ranking = [s.proposals[i % 4], s.proposals[(i + 1) % 4]]
        receipts.append(await service.cast_online(s.ballot_id, voter.id, ranking))
        rankings.append(ranking)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    run = await counting.count_ballot(s.ballot_id, now=later)
    await results.publish(s.ballot_id, run.id, "Published", s.council_id)
    pb = (await client.get(f"/ballots/{s.ballot_id}/results/ballots.pb")).text
    return s.ballot_id, receipts, rankings, pb


async def test_find_my_ballot_on_the_results_page_and_the_receipt_check(client: httpx.AsyncClient) -> None:
    ballot_id, receipts, rankings, pb = await _published(client)
    page = await client.get(f"/ballots/{ballot_id}/results")
    assert "Find my ballot" in page.text and f"townsquare-receipt:{ballot_id}:" in page.text
    found = await post_form(client, f"/ballots/{ballot_id}/results/find", {"receipt": receipts[2].lower()})
    assert found.status_code == 200
    fingerprint = re.search(r'class="hash receipt-fingerprint"[^>]*>([0-9a-f]+)<', found.text).group(1)
    line = next(row for row in pb.split("VOTES", 1)[1].splitlines() if row.endswith(fingerprint))
    assert line.split(";")[1] == ",".join(map(str, rankings[2]))
    assert f"line {line.split(';')[0]}" in found.text
    # The receipt check shows the same fingerprint, exactly as in the file.
    check = await post_form(client, "/ballots/receipt", {"receipt": receipts[2]})
    assert re.search(r'class="hash receipt-fingerprint"[^>]*>([0-9a-f]+)<', check.text).group(1) == fingerprint
    bad = await post_form(client, f"/ballots/{ballot_id}/results/find", {"receipt": "not a receipt"})
    assert bad.status_code == 400 and 'value="not a receipt"' in bad.text
    unknown = await post_form(client, f"/ballots/{ballot_id}/results/find", {"receipt": "AAAA-BBBB-CCCC-DDDD"})
    assert unknown.status_code == 200 and "No counted ballot" in unknown.text


async def test_find_my_ballot_with_the_documented_recipe(client: httpx.AsyncClient, tmp_path: Path) -> None:
    """The README's recipe, standard library only, against the published file; then the CLI."""
    ballot_id, receipts, rankings, pb = await _published(client)
    meta = dict(line.split(";", 1) for line in pb.split("PROJECTS")[0].splitlines()[2:] if ";" in line)
    assert meta["ballot_id"] == str(ballot_id)
    votes = [line.split(";") for line in pb.split("VOTES", 1)[1].strip().splitlines()[1:]]
    for receipt, ranking in zip(receipts, rankings, strict=True):
        typed = receipt.lower().replace("-", " ")
        normalized = "".join(c for c in typed.upper() if c.isalnum())
        fingerprint = hashlib.sha256(f"townsquare-receipt:{meta['ballot_id']}:{normalized}".encode()).hexdigest()[:20]
        assert fingerprint == sealing.fingerprint(ballot_id, receipt)
        [row] = [v for v in votes if v[-1] == fingerprint]
        assert row[1] == ",".join(map(str, ranking))
    # Nothing without the receipt: the file holds no salt, and no fingerprint of a made-up receipt.
    salt = (await Ballot.select(Ballot.salt).where(Ballot.id == ballot_id).first())["salt"]
    assert salt not in pb
    path = tmp_path / "ballots.pb"
    await asyncio.to_thread(path.write_text, pb)
    out = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "server.cli", "tally", str(path), "--find",
                                                   receipts[0]], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert ",".join(map(str, rankings[0])) in out.stdout and sealing.fingerprint(ballot_id, receipts[0]) in out.stdout
    missing = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "server.cli", "tally", str(path),
                                                       "--find", "AAAA-BBBB-CCCC-DDDD"],
                                      cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no ballot" in missing.stderr


async def test_start_up_refuses_a_changed_secret_key(db: Engine, tmp_path: Path) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood)
    await service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
    assert await service.key_problem() is None
    original = secret.secret_key()
    try:
        secret.set_secret_key("another-secret-key-that-is-long-enough-0123456789")
        problem = await service.key_problem()
        assert problem is not None and "\n" not in problem
        assert problem.startswith("SECRET_KEY:") and f"ballot {s.ballot_id}" in problem
    finally:
        secret.set_secret_key(original)
    # Once the ballot has closed and been unsealed, nothing needs the old key any more.
    await service.unseal(s.ballot_id, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=8))
    secret.set_secret_key("another-secret-key-that-is-long-enough-0123456789")
    try:
        assert await service.key_problem() is None
    finally:
        secret.set_secret_key(original)


def test_serve_prints_one_line_and_stops(tmp_path: Path) -> None:
    """The whole command: a sealed ballot in a SQLite file, then `townsquare serve` with another key."""
    env_db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    script = f"""
import asyncio, datetime as dt
from server.database import engine_from_url, migrate
from server import secret
secret.set_secret_key("first-secret-key-that-is-long-enough-0123456789")
async def main():
    await migrate(engine_from_url({env_db!r}))
    from ballots.tables import Ballot, SealedBallot
    from proposals.tables import BudgetCycle
    from ballots import sealing
    today = dt.date.today()
    cycle = (await BudgetCycle.insert(BudgetCycle(name="C", ideas_open=today, deliberation_open=today,
        review_open=today, voting_open=today, results_open=today, delivery_open=today,
        delivery_close=today)).returning(BudgetCycle.id))[0]["id"]
    salt = sealing.new_seal_salt()
    keys = sealing.keys_for(secret.secret_key(), salt)
    now = dt.datetime.now(dt.UTC)
    ballot = (await Ballot.insert(Ballot(cycle=cycle, title="B", budget=1, max_ranks=1, opens_at=now,
        closes_at=now + dt.timedelta(days=1), salt="x", seal_salt=salt,
        key_check=keys.check)).returning(Ballot.id))[0]["id"]
    await SealedBallot.insert(SealedBallot(ballot=ballot, sealed=b"x"))
asyncio.run(main())
"""
    env = {"PATH": "/usr/bin:/bin", "TOWNSQUARE_VAR_DIR": str(tmp_path), "DATABASE_URL": env_db,
           "SECRET_KEY": "first-secret-key-that-is-long-enough-0123456789"}
    made = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    env["SECRET_KEY"] = "second-secret-key-that-is-long-enough-0123456789"
    out = subprocess.run([sys.executable, "-m", "server.cli", "serve", "--port", "0"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("townsquare: SECRET_KEY:") and "ballot 1 (B)" in lines[0]
