"""Attack our own database as the survey threat model allows (indicators/surveys/DESIGN.md, the same
as ballots/DESIGN.md): a copy taken while the survey is open and one after it is counted, with system
columns (PostgreSQL xmin/ctid, SQLite rowid), row order, `pg_dump` output and the SQLite file's
bytes, but without SECRET_KEY. Every respondent gives answers no one else gives, so any method that
pairs respondents with responses shows as a long run in participation order."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import random
import shutil
from bisect import bisect_left
from pathlib import Path
from urllib.parse import urlparse

from factories.indicators import make_survey, question
from piccolo.engine.base import Engine
from support import make_account, make_neighborhood

from indicators.surveys import service
from indicators.surveys.tables import SurveyParticipation, SurveyResponse, TextAnswer
from server.database import write_transaction

RESPONDENTS = 24
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)


def monotone_run(sequence: list[int]) -> int:
    def lis(seq: list[int]) -> int:
        tails: list[int] = []
        for x in seq:
            i = bisect_left(tails, x)
            tails[i:i + 1] = [x]
        return len(tails)

    return max(lis(sequence), lis([-x for x in sequence]))


class World:
    def __init__(self) -> None:
        self.choices: dict[int, str] = {}  # account -> its answers to the multiple-choice question (JSON)
        self.texts: dict[int, str] = {}  # account -> its free-text answer


async def answer_everything(world: World) -> int:
    hood = await make_neighborhood("Riverside")
    survey_id = await make_survey(question("multiple", options=[f"Option {i}" for i in range(8)]), question("text"))
    survey = await service.get_survey(survey_id)
    assert survey is not None
    multiple, text = (q.id for q in survey.questions)
    subsets = [list(c) for c in itertools.combinations(range(8), 3)]
    random.Random(3).shuffle(subsets)
    for i in range(RESPONDENTS):
        account = await make_account(neighborhood_id=hood, birth_year=random.choice([1950, 1980, 2001]))
        chosen, token = subsets[i], f"tok{os.urandom(6).hex()}"
        await service.respond(survey_id, account.id, {str(multiple): chosen, str(text): token}, "es")
        world.choices[account.id] = json.dumps({str(multiple): chosen}, separators=(",", ":"))
        world.texts[account.id] = token
        if i % 8 == 3:
            await service.enter_paper(survey_id, {str(multiple): subsets[-1 - i]}, hood, "25-44", "en")
    return survey_id


class Copy:
    def __init__(self, raw: bytes, participation: list[dict], responses: list[dict], texts: list[dict]) -> None:
        self.raw, self.participation, self.responses, self.texts = raw, participation, responses, texts


async def take_copy(db: Engine, tmp_path: Path, name: str) -> Copy:
    if db.engine_type == "sqlite":
        await SurveyParticipation.raw("PRAGMA wal_checkpoint(TRUNCATE)")
        participation = await SurveyParticipation.raw("SELECT rowid AS sys, account FROM survey_participation "
                                                      "ORDER BY rowid")
        responses = await SurveyResponse.raw("SELECT rowid AS sys, * FROM survey_response ORDER BY rowid")
        texts = await TextAnswer.raw("SELECT rowid AS sys, * FROM text_answer ORDER BY rowid")
        copy = tmp_path / f"{name}.sqlite3"
        shutil.copy(Path(db.path), copy)  # type: ignore[attr-defined]
        return Copy(await asyncio.to_thread(copy.read_bytes), participation, responses, texts)
    participation = await SurveyParticipation.raw(
        "SELECT xmin::text AS xmin, ctid::text AS sys, account FROM survey_participation ORDER BY ctid")
    responses = await SurveyResponse.raw("SELECT xmin::text AS xmin, ctid::text AS sys, * FROM survey_response "
                                         "ORDER BY ctid")
    texts = await TextAnswer.raw("SELECT xmin::text AS xmin, ctid::text AS sys, * FROM text_answer ORDER BY ctid")
    dsn = urlparse(db.config["dsn"])  # type: ignore[attr-defined]
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed for this test (the postgresql-client package)"
    proc = await asyncio.create_subprocess_exec(
        pg_dump, "-h", dsn.hostname or "127.0.0.1", "-p", str(dsn.port or 5432), "-U", dsn.username or "postgres",
        dsn.path.lstrip("/"), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PGPASSWORD": dsn.password or ""})
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return Copy(out, participation, responses, texts)


def order_attack(participation: list[dict], owner_of: dict[str, int], found: list[str]) -> int:
    position = {r["account"]: i for i, r in enumerate(participation)}
    return monotone_run([position[owner_of[v]] for v in found if v in owner_of])


def raw_order(raw: bytes, values: list[str]) -> list[str]:
    return [v for _, v in sorted((raw.find(v.encode()), v) for v in values if raw.find(v.encode()) >= 0)]


def canonical(answers: object) -> str:
    data = json.loads(answers) if isinstance(answers, str) else answers
    return json.dumps(data, separators=(",", ":"))


async def test_a_copy_of_the_database_pairs_no_respondent_with_a_response(db: Engine, tmp_path: Path) -> None:
    world = World()
    survey_id = await answer_everything(world)
    chance = 0.6 * RESPONDENTS  # a random order keeps runs of about 2 * sqrt(24), about 10

    open_copy = await take_copy(db, tmp_path, "open")
    for value in [*world.choices.values(), *world.texts.values()]:
        assert value.encode() not in open_copy.raw, f"{value} readable while the survey is open"
    assert open_copy.responses == [] and open_copy.texts == []

    assert await service.count(survey_id, now=LATER) == RESPONDENTS + 3
    after = await take_copy(db, tmp_path, "after")
    assert sorted(canonical(r["answers"]) for r in after.responses if canonical(r["answers"]) in set(
        world.choices.values())) == sorted(world.choices.values())
    owner_of_choices = {v: k for k, v in world.choices.items()}
    owner_of_texts = {v: k for k, v in world.texts.items()}
    # By row order (rowid / ctid), and by where each value sits in the dump or the file.
    assert order_attack(after.participation, owner_of_choices,
                        [canonical(r["answers"]) for r in after.responses]) <= chance
    assert order_attack(after.participation, owner_of_texts, [r["body"] for r in after.texts]) <= chance
    assert order_attack(after.participation, owner_of_texts, raw_order(after.raw, list(world.texts.values()))) <= chance
    if db.engine_type == "postgres":
        assert len({r["xmin"] for r in [*after.responses, *after.texts]}) == 1  # one transaction wrote them all
        assert not {r["xmin"] for r in after.responses} & {p["xmin"] for p in after.participation}
    # Counted rows carry nothing else: no date, no group, and keys never stored while open.
    assert set(after.responses[0]) - {"sys", "xmin"} == {"id", "survey", "answers"}
    for row in after.responses:
        assert str(row["id"]).encode() not in open_copy.raw
    # The attack finds what it looks for in the after copy.
    assert all(t.encode() in after.raw for t in world.texts.values())


async def test_the_naive_way_fails_these_attacks(db: Engine, tmp_path: Path) -> None:
    """Writing who and what together, as a plain survey tool does, pairs every respondent."""
    import uuid

    from indicators.surveys.tables import Survey

    world = World()
    survey_id = await make_survey(question("text"))
    for _ in range(20):
        account = await make_account()
        token = f"tok{os.urandom(6).hex()}"
        async with write_transaction():
            await SurveyParticipation.insert(SurveyParticipation(survey=survey_id, account=account.id))
            await TextAnswer.insert(TextAnswer(id=uuid.uuid4(), survey=survey_id, question=1, body=token))
        world.texts[account.id] = token
    assert await Survey.exists().where(Survey.id == survey_id)
    copy = await take_copy(db, tmp_path, "naive")
    owner = {v: k for k, v in world.texts.items()}
    assert order_attack(copy.participation, owner, [r["body"] for r in copy.texts]) == 20
    assert order_attack(copy.participation, owner, raw_order(copy.raw, list(world.texts.values()))) > 0.6 * 20
