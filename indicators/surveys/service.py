"""Survey use cases: council writes and publishes a survey; residents answer once (sealed while
open); staff type in paper responses; a job counts closed surveys, writing every response out at
once in a random order (indicators/surveys/DESIGN.md); results with small groups hidden; free-text
answers published after moderation."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
import uuid
from collections import Counter
from typing import Any

import msgspec

from indicators import texts
from indicators.surveys import audience, sealing, stats
from indicators.surveys.schemas import Question, QuestionInput, Standing, Survey, SurveyInput
from indicators.surveys.tables import (
    SealedResponse,
    SurveyGroup,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTally,
    TextAnswer,
)
from indicators.surveys.tables import Survey as SurveyRow
from server import clock
from server.accounts.tables import Account
from server.database import current_engine, is_sqlite, is_unique_violation, write_transaction
from server.neighborhoods.tables import Neighborhood
from server.secret import secret_key
from server.small_groups import shown_total, suppress, suppress_table

DIMENSIONS = ("neighborhood", "age", "language", "channel")
# Counting waits this long after the close, so that a response accepted in the survey's last second
# (checked open, then written) is sealed before the count deletes the sealed rows.
COUNT_GRACE = dt.timedelta(minutes=2)


class NotFound(Exception):
    pass


class NotOpen(Exception):
    pass


class AlreadyAnswered(Exception):
    pass


class Ineligible(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Locked(Exception):
    """Questions cannot change once a survey is published."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or clock.now()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _state(row: dict[str, Any], now: dt.datetime) -> str:
    if not row["published"]:
        return "draft"
    if now < _aware(row["opens_at"]):
        return "upcoming"
    return "open" if now < _aware(row["closes_at"]) else "closed"


async def create_survey(data: SurveyInput, by: int | None) -> int:
    salt = sealing.new_salt()
    rows = await SurveyRow.insert(SurveyRow(
        title=json.dumps(data.title), intro=json.dumps(data.intro), neighborhood=data.neighborhood_id,
        age_min=data.age_min, age_max=data.age_max, voters=data.voters, opens_at=data.opens_at,
        closes_at=data.closes_at, seal_salt=salt, key_check=sealing.keys_for(secret_key(), salt).check, created_by=by,
    )).returning(SurveyRow.id)
    return int(rows[0]["id"])


async def add_question(survey_id: int, data: QuestionInput) -> int:
    row = await SurveyRow.select(SurveyRow.published).where(SurveyRow.id == survey_id).first()
    if row is None:
        raise NotFound()
    if row["published"]:
        raise Locked()
    count = await SurveyQuestion.count().where(SurveyQuestion.survey == survey_id)
    rows = await SurveyQuestion.insert(SurveyQuestion(
        survey=survey_id, position=count + 1, kind=data.kind, text=json.dumps(data.text),
        options=json.dumps(data.options), scale=data.scale, required=data.required, trust=data.trust,
    )).returning(SurveyQuestion.id)
    return int(rows[0]["id"])


async def publish(survey_id: int) -> None:
    await SurveyRow.update({SurveyRow.published: True}).where(SurveyRow.id == survey_id)


def _question(row: dict[str, Any], locale: str | None = None) -> Question:
    options = row["options"]
    options = json.loads(options) if isinstance(options, str) else options
    return Question(id=row["id"], kind=row["kind"], text=texts.pick(texts.load(row["text"]), locale),
                    options=[texts.pick(texts.load(o), locale) for o in options], scale=row["scale"],
                    required=row["required"], trust=row["trust"])


async def _questions(survey_ids: list[int], locale: str | None = None) -> dict[int, list[Question]]:
    out: dict[int, list[Question]] = {i: [] for i in survey_ids}
    if survey_ids:
        rows = await SurveyQuestion.select().where(SurveyQuestion.survey.is_in(survey_ids)).order_by(
            SurveyQuestion.position)
        for r in rows:
            out[r["survey"]].append(_question(r, locale))
    return out


_SURVEY_COLUMNS = (SurveyRow.id, SurveyRow.title, SurveyRow.intro, SurveyRow.neighborhood, SurveyRow.age_min,
                   SurveyRow.age_max, SurveyRow.opens_at, SurveyRow.closes_at, SurveyRow.published, SurveyRow.counted,
                   SurveyRow.voters, SurveyRow.neighborhood.name.as_alias("neighborhood_name"))


def _survey(row: dict[str, Any], now: dt.datetime, questions: list[Question]) -> Survey:
    return Survey(
        id=row["id"], title=texts.pick(texts.load(row["title"])), intro=texts.pick(texts.load(row["intro"])),
        neighborhood_id=row["neighborhood"], neighborhood_name=row["neighborhood_name"] or "",
        age_min=row["age_min"], age_max=row["age_max"], opens_at=_aware(row["opens_at"]),
        closes_at=_aware(row["closes_at"]), published=row["published"], counted=row["counted"],
        state=_state(row, now), questions=questions, voters=row["voters"])


async def get_survey(survey_id: int, now: dt.datetime | None = None, *, drafts: bool = False,
                     locale: str | None = None) -> Survey | None:
    row = await SurveyRow.select(*_SURVEY_COLUMNS).where(SurveyRow.id == survey_id).first()
    if row is None or (not row["published"] and not drafts):
        return None
    return _survey(row, _now(now), (await _questions([survey_id], locale))[survey_id])


async def list_surveys(now: dt.datetime | None = None, *, drafts: bool = False) -> list[Survey]:
    query = SurveyRow.select(*_SURVEY_COLUMNS).order_by(SurveyRow.closes_at, ascending=False)
    if not drafts:
        query = query.where(SurveyRow.published.eq(True))
    current = _now(now)
    return [_survey(r, current, []) for r in await query]


async def standing(survey: Survey, account_id: int | None, now: dt.datetime | None = None) -> Standing:
    if survey.state != "open":
        return Standing("not_open")
    if account_id is None:
        return Standing("signed_out")
    row = await Account.select(Account.neighborhood, Account.birth_year, Account.confirmed_at,
                               Account.verified_via).where(Account.id == account_id).first()
    if row is None:
        return Standing("signed_out")
    refusal = audience.refusal(neighborhood_id=survey.neighborhood_id, age_min=survey.age_min,
                               age_max=survey.age_max, closing_year=survey.closes_at.year,
                               person_neighborhood=row["neighborhood"], birth_year=row["birth_year"],
                               voters=survey.voters, confirmed=row["confirmed_at"] is not None,
                               verified_via=row["verified_via"] or "")
    if refusal is not None:
        return Standing("ineligible", refusal.value)
    answered = await SurveyParticipation.exists().where(
        (SurveyParticipation.survey == survey.id) & (SurveyParticipation.account == account_id))
    return Standing("answered" if answered else "may")


async def _keys(survey_id: int) -> sealing.Keys:
    row = await SurveyRow.select(SurveyRow.seal_salt, SurveyRow.key_check).where(SurveyRow.id == survey_id).first()
    if row is None:
        raise NotFound()
    keys = sealing.keys_for(secret_key(), row["seal_salt"])
    if not hmac.compare_digest(keys.check, row["key_check"]):
        raise sealing.KeyMismatch(survey_id)
    return keys


async def _sealed_row(survey: Survey, payload: sealing.Payload) -> SealedResponse:
    size = sealing.padded_length([(q.kind, len(q.options)) for q in survey.questions])
    return SealedResponse(id=uuid.uuid4(), survey=survey.id,
                          sealed=sealing.seal(await _keys(survey.id), survey.id, payload, size))


async def respond(survey_id: int, account_id: int, answers: dict[str, list[int] | str], language: str,
                  now: dt.datetime | None = None) -> None:
    """Record a resident's response: who answered and what (sealed), in one transaction; the unique
    index on participation makes a second response, even a simultaneous one, AlreadyAnswered."""
    survey = await get_survey(survey_id, now)
    if survey is None:
        raise NotFound()
    found = await standing(survey, account_id, now)
    if found.kind == "not_open":
        raise NotOpen()
    if found.kind == "ineligible":
        raise Ineligible(found.reason)
    if found.kind == "answered":
        raise AlreadyAnswered()
    person = await Account.select(Account.neighborhood, Account.birth_year).where(Account.id == account_id).first()
    assert person is not None
    payload = sealing.Payload(answers, str(person["neighborhood"]),
                              audience.band(person["birth_year"], survey.closes_at.year),
                              language if language in texts.LANGUAGES else "en", "online")
    row = await _sealed_row(survey, payload)
    try:
        async with write_transaction():
            await SurveyParticipation.insert(SurveyParticipation(survey=survey_id, account=account_id))
            await SealedResponse.insert(row)
    except Exception as exc:
        if is_unique_violation(exc):
            raise AlreadyAnswered() from exc
        raise


async def enter_paper(survey_id: int, answers: dict[str, list[int] | str], neighborhood_id: int | None,
                      band: str, language: str, now: dt.datetime | None = None) -> None:
    """A paper response typed in by staff while the survey is open (no participation: nobody signed)."""
    survey = await get_survey(survey_id, now)
    if survey is None:
        raise NotFound()
    if survey.state != "open":
        raise NotOpen()
    payload = sealing.Payload(answers, "" if neighborhood_id is None else str(neighborhood_id), band,
                              language if language in texts.LANGUAGES else "en", "paper")
    await SealedResponse.insert(await _sealed_row(survey, payload))


async def response_count(survey_id: int) -> int:
    row = await SurveyGroup.select(SurveyGroup.n).where(
        (SurveyGroup.survey == survey_id) & (SurveyGroup.question == 0) & (SurveyGroup.dimension == "")).first()
    if row is not None:
        return int(row["n"])
    return await SealedResponse.count().where(SealedResponse.survey == survey_id)


async def surveys_to_count(now: dt.datetime | None = None) -> list[int]:
    rows = await SurveyRow.select(SurveyRow.id).where(
        SurveyRow.published.eq(True) & SurveyRow.counted.eq(False) & (SurveyRow.closes_at <= _now(now) - COUNT_GRACE))
    return [int(r["id"]) for r in rows]


def tallies(payloads: list[sealing.Payload], questions: list[Question]) -> tuple[
        Counter[tuple[int, int, str, str]], Counter[tuple[int, str, str]], list[tuple[int, str]]]:
    """Counts from the responses (no I/O): (question, answer, dimension, group) -> n; (question,
    dimension, group) -> how many answered (question 0: responded); and the free texts. Per
    dimension, only the groups `suppress` shows are kept: the few people of a small group are
    never stored as a group, not even where only someone holding the database would see it."""
    counts: Counter[tuple[int, int, str, str]] = Counter()
    answered: Counter[tuple[int, str, str]] = Counter()
    free: list[tuple[int, str]] = []
    kinds = {q.id: q.kind for q in questions}
    for p in payloads:
        groups = [("", ""), ("neighborhood", p.neighborhood), ("age", p.age_band), ("language", p.language),
                  ("channel", p.channel)]
        for dim, grp in groups:
            answered[(0, dim, grp)] += 1
        for key, answer in p.answers.items():
            qid = int(key)
            if qid not in kinds:
                continue
            if isinstance(answer, str):
                free.append((qid, answer))
                continue
            for dim, grp in groups:
                answered[(qid, dim, grp)] += 1
                for a in answer:
                    counts[(qid, a, dim, grp)] += 1
    for dim in DIMENSIONS:
        sizes = {grp: n for (q, d, grp), n in answered.items() if q == 0 and d == dim}
        shown = {c.key for c in suppress(sizes, sorted(sizes)) if c.count is not None}
        if shown_total(len(payloads)) is None:
            shown = set()
        for key in [k for k in answered if k[1] == dim and k[2] not in shown]:
            del answered[key]
        for key in [k for k in counts if k[2] == dim and k[3] not in shown]:
            del counts[key]
    return counts, answered, free


async def count(survey_id: int, now: dt.datetime | None = None) -> int | None:
    """After close: open every sealed response, delete them, and write the responses (answers only),
    the free texts and the group counts, in one transaction, each list in an order drawn from the
    operating system's random source, with random keys. Deleting claims the rows, so two workers
    count a survey once. Returns how many responses were written, None if the survey is not closed."""
    current = _now(now)
    survey = await get_survey(survey_id, current)
    if survey is None or survey.counted or current < survey.closes_at + COUNT_GRACE:
        return None
    keys = await _keys(survey_id)
    async with write_transaction():
        if is_sqlite(current_engine()):  # the IMMEDIATE transaction holds the file
            sealed = await SealedResponse.raw("SELECT sealed FROM sealed_response WHERE survey = {}", survey_id)
            await SealedResponse.raw("DELETE FROM sealed_response WHERE survey = {}", survey_id)
        else:
            sealed = await SealedResponse.raw("DELETE FROM sealed_response WHERE survey = {} RETURNING sealed",
                                              survey_id)
        claimed = await SurveyRow.update({SurveyRow.counted: True}).where(
            (SurveyRow.id == survey_id) & SurveyRow.counted.eq(False)).returning(SurveyRow.id)
        if not claimed:
            return None
        payloads = [sealing.unseal(keys, survey_id, r["sealed"]) for r in sealed]
        counts, answered, free = tallies(payloads, survey.questions)
        rng = secrets.SystemRandom()
        responses = [{k: v for k, v in p.answers.items() if not isinstance(v, str)} for p in payloads]
        rng.shuffle(responses)
        rng.shuffle(free)
        for start in range(0, len(responses), 500):
            await SurveyResponse.insert(*(SurveyResponse(id=uuid.uuid4(), survey=survey_id,
                                                         answers=msgspec.json.encode(a).decode())
                                          for a in responses[start:start + 500]))
        for start in range(0, len(free), 500):
            await TextAnswer.insert(*(TextAnswer(id=uuid.uuid4(), survey=survey_id, question=q, body=body)
                                      for q, body in free[start:start + 500]))
        if counts:
            await SurveyTally.insert(*(SurveyTally(survey=survey_id, question=q, answer=a, dimension=d, grp=g, n=n)
                                       for (q, a, d, g), n in sorted(counts.items())))
        if answered:
            await SurveyGroup.insert(*(SurveyGroup(survey=survey_id, question=q, dimension=d, grp=g, n=n)
                                       for (q, d, g), n in sorted(answered.items())))
    return len(payloads)


async def count_job() -> None:
    for survey_id in await surveys_to_count():
        await count(survey_id)


# Results ---------------------------------------------------------------------------------------


class OptionResult(msgspec.Struct, frozen=True):
    answer: int
    label: str
    count: int | None
    share: stats.Share | None
    fewer_than_5: bool


class GroupRow(msgspec.Struct, frozen=True):
    group: str  # stored group key
    answered: int | None
    cells: list[int | None]  # per option, in the question's order
    mean: float | None  # Likert only; None also when any cell of the row is hidden


class QuestionResult(msgspec.Struct, frozen=True):
    question: Question
    answered: int | None
    options: list[OptionResult]
    mean: float | None
    breakdowns: dict[str, list[GroupRow]]
    texts: list[str]  # published free-text answers


class Results(msgspec.Struct, frozen=True):
    survey: Survey
    respondents: int | None
    questions: list[QuestionResult]


async def results(survey_id: int, locale: str | None = None) -> Results | None:
    """A counted survey's results, small groups hidden (server/small_groups.py)."""
    survey = await get_survey(survey_id, locale=locale)
    if survey is None or not survey.counted:
        return None
    tally_rows = await SurveyTally.select().where(SurveyTally.survey == survey_id)
    group_rows = await SurveyGroup.select().where(SurveyGroup.survey == survey_id)
    published = await TextAnswer.select(TextAnswer.question, TextAnswer.body).where(
        (TextAnswer.survey == survey_id) & (TextAnswer.status == "published")).order_by(TextAnswer.body)
    counts = {(r["question"], r["answer"], r["dimension"], r["grp"]): r["n"] for r in tally_rows}
    answered = {(r["question"], r["dimension"], r["grp"]): r["n"] for r in group_rows}
    respondents = shown_total(answered.get((0, "", ""), 0))
    out = []
    for q in survey.questions:
        out.append(_question_result(q, counts, answered, respondents is None,
                                    [r["body"] for r in published if r["question"] == q.id]))
    return Results(survey, respondents, out)


def _question_result(q: Question, counts: dict[tuple[int, int, str, str], int],
                     answered: dict[tuple[int, str, str], int], all_hidden: bool,
                     published: list[str]) -> QuestionResult:
    of = answered.get((q.id, "", ""), 0)
    choices = q.choices
    if q.kind == "text":
        return QuestionResult(q, None if all_hidden else shown_total(of), [], None, {}, [] if all_hidden else published)
    overall = {str(a): counts.get((q.id, a, "", ""), 0) for a, _ in choices}
    cells = {c.key: c for c in suppress(overall, list(overall))}
    hidden_total = all_hidden or shown_total(of) is None
    options = []
    for a, label in choices:
        cell = cells[str(a)]
        shown = None if hidden_total else cell.count
        options.append(OptionResult(a, label, shown, stats.share(shown, of) if shown is not None else None,
                                    cell.fewer_than_threshold))
    mean = None
    if q.kind == "likert" and not hidden_total and all(o.count is not None for o in options):
        mean = stats.likert_mean({a: overall[str(a)] for a, _ in choices})
    breakdowns: dict[str, list[GroupRow]] = {}
    if not hidden_total:
        for dim in DIMENSIONS:
            groups = sorted({g for (qq, d, g) in answered if qq == q.id and d == dim})
            if not groups:
                continue
            table = suppress_table({(g, str(a)): counts.get((q.id, a, dim, g), 0) for g in groups for a, _ in choices},
                                   groups, [str(a) for a, _ in choices],
                                   row_totals={g: answered[(q.id, dim, g)] for g in groups},
                                   column_totals=overall)
            rows = []
            for g in groups:
                row_cells = [table.cells[g][str(a)] for a, _ in choices]
                row_mean = None
                if q.kind == "likert" and table.row_totals[g] is not None and all(c is not None for c in row_cells):
                    row_mean = stats.likert_mean({a: c or 0 for (a, _), c in zip(choices, row_cells, strict=True)})
                rows.append(GroupRow(g, table.row_totals[g], row_cells, row_mean))
            breakdowns[dim] = rows
    return QuestionResult(q, shown_total(of) if not all_hidden else None, options, mean, breakdowns, published)


async def group_labels() -> dict[str, str]:
    return {str(r["id"]): r["name"] for r in await Neighborhood.select(Neighborhood.id, Neighborhood.name)}


# Moderation of free text -----------------------------------------------------------------------


class PendingText(msgspec.Struct, frozen=True):
    id: str
    question: int
    body: str
    status: str


async def text_answers(survey_id: int) -> list[PendingText]:
    rows = await TextAnswer.select().where(TextAnswer.survey == survey_id).order_by(TextAnswer.id)
    order = {"pending": 0, "published": 1, "rejected": 2}
    return sorted((PendingText(str(r["id"]), r["question"], r["body"], r["status"]) for r in rows),
                  key=lambda t: order.get(t.status, 3))


async def moderate(survey_id: int, answer_id: str, publish_it: bool) -> bool:
    try:
        key = uuid.UUID(answer_id)
    except ValueError:
        return False
    rows = await TextAnswer.update({TextAnswer.status: "published" if publish_it else "rejected"}).where(
        (TextAnswer.id == key) & (TextAnswer.survey == survey_id)).returning(TextAnswer.id)
    return bool(rows)


# The trust index: an indicator source declared by this domain ----------------------------------


async def trust_index() -> list[Any]:
    """Per counted survey with trust questions: the mean of those questions' Likert indices (0-100),
    for the whole city and each neighborhood group kept at count, in the month the survey closed."""
    from server.measures import Measure

    surveys = await SurveyRow.select(SurveyRow.id, SurveyRow.closes_at).where(SurveyRow.counted.eq(True))
    if not surveys:
        return []
    ids = [s["id"] for s in surveys]
    questions = await SurveyQuestion.select().where(SurveyQuestion.survey.is_in(ids) & SurveyQuestion.trust.eq(True)
                                                    & (SurveyQuestion.kind == "likert"))
    tally_rows = await SurveyTally.select().where(SurveyTally.survey.is_in(ids) & SurveyTally.dimension.is_in(
        ["", "neighborhood"]))
    group_rows = await SurveyGroup.select().where(SurveyGroup.survey.is_in(ids) & (SurveyGroup.question == 0)
                                                  & SurveyGroup.dimension.is_in(["", "neighborhood"]))
    out = []
    for s in surveys:
        mine = [q for q in questions if q["survey"] == s["id"]]
        if not mine:
            continue
        period = clock.to_local(s["closes_at"]).strftime("%Y-%m")
        groups = [(g["dimension"], g["grp"], g["n"]) for g in group_rows if g["survey"] == s["id"]]
        for dim, grp, people in groups:
            indices = []
            for q in mine:
                points = {t["answer"]: t["n"] for t in tally_rows
                          if t["survey"] == s["id"] and t["question"] == q["id"] and t["dimension"] == dim
                          and t["grp"] == grp}
                index = stats.likert_index(points, q["scale"])
                if index is not None:
                    indices.append(index)
            if indices and (dim == "" or grp.isdigit()):
                out.append(Measure(period=period, neighborhood_id=int(grp) if dim else None,
                                   value=round(sum(indices) / len(indices), 1), people=people))
    return out


async def salt_of(survey_id: int) -> str:
    """The survey's seal salt (the demo seals its responses in bulk with it)."""
    row = await SurveyRow.select(SurveyRow.seal_salt).where(SurveyRow.id == survey_id).first()
    if row is None:
        raise NotFound()
    return str(row["seal_salt"])


async def key_problem() -> str | None:
    """One line naming the problem when SECRET_KEY is not the key some survey's sealed responses were
    sealed with (they could not be counted); None when all is well. Checked at start-up."""
    rows = await SurveyRow.raw(
        "SELECT s.id AS id, s.seal_salt AS seal_salt, s.key_check AS key_check FROM survey s "
        "WHERE EXISTS (SELECT 1 FROM sealed_response r WHERE r.survey = s.id)")
    key = secret_key()
    wrong = [str(r["id"]) for r in rows
             if not hmac.compare_digest(sealing.keys_for(key, r["seal_salt"]).check, r["key_check"])]
    if not wrong:
        return None
    return (f"SECRET_KEY: not the key that sealed the responses of survey {', '.join(wrong)}; start with the "
            "previous SECRET_KEY (see README, Rotating SECRET_KEY), or they cannot be counted")
