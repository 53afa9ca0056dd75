"""Surveys on a real database: audiences by the ballots' rules, one response per person, paper
responses, counting at close, results against a hand calculation with small groups hidden,
moderation of free text, and the trust index."""

from __future__ import annotations

import datetime as dt

import pytest
from factories.indicators import make_indicator, make_survey, question
from support import make_account, make_neighborhood

from indicators import service as indicators
from indicators.surveys import service
from indicators.surveys.tables import SealedResponse, Survey, SurveyResponse, SurveyTally

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)


async def test_audience_and_one_response_per_person(db: object) -> None:
    hood = await make_neighborhood("Riverside")
    other = await make_neighborhood("Hillcrest")
    survey_id = await make_survey(question(), neighborhood_id=hood, age_min=18)
    survey = await service.get_survey(survey_id)
    assert survey is not None
    young = await make_account(neighborhood_id=hood, birth_year=dt.date.today().year - 12)
    away = await make_account(neighborhood_id=other)
    resident = await make_account(neighborhood_id=hood)
    assert (await service.standing(survey, young.id)).kind == "ineligible"
    assert (await service.standing(survey, away.id)).reason == "wrong_neighborhood"
    with pytest.raises(service.Ineligible):
        await service.respond(survey_id, away.id, {}, "en")
    q = survey.questions[0].id
    await service.respond(survey_id, resident.id, {str(q): [4]}, "es")
    assert (await service.standing(survey, resident.id)).kind == "answered"
    with pytest.raises(service.AlreadyAnswered):
        await service.respond(survey_id, resident.id, {str(q): [5]}, "es")
    assert await service.response_count(survey_id) == 1


async def test_a_survey_for_verified_residents_follows_the_ballots_rules(db: object) -> None:
    """Issue 19, item 4 with issue 15: an audience of verified residents refuses unconfirmed and
    unverified accounts, and takes the same person once verified (in person here)."""
    from server.verification import service as verification

    hood = await make_neighborhood("Riverside")
    council = await make_account("council", neighborhood_id=hood)
    survey_id = await make_survey(question(), neighborhood_id=hood, voters="verified")
    survey = await service.get_survey(survey_id)
    assert survey is not None and survey.voters == "verified"
    unconfirmed = await make_account(neighborhood_id=hood, confirmed=False)
    resident = await make_account(neighborhood_id=hood)
    assert (await service.standing(survey, unconfirmed.id)).reason == "unconfirmed"
    assert (await service.standing(survey, resident.id)).reason == "not_verified"
    with pytest.raises(service.Ineligible):
        await service.respond(survey_id, resident.id, {str(survey.questions[0].id): [3]}, "en")
    await verification.verify_in_person(resident.email, hood, 1985, by=council.id)
    assert (await service.standing(survey, resident.id)).kind == "may"
    await service.respond(survey_id, resident.id, {str(survey.questions[0].id): [3]}, "en")
    # A survey for any confirmed account still takes the unverified resident's neighbor.
    open_to_all = await service.get_survey(await make_survey(question(), neighborhood_id=hood))
    assert open_to_all is not None and (await service.standing(open_to_all, unconfirmed.id)).reason == "unconfirmed"
    other = await make_account(neighborhood_id=hood)
    assert (await service.standing(open_to_all, other.id)).kind == "may"


async def test_drafts_are_not_shown_and_published_questions_are_locked(db: object) -> None:
    survey_id = await make_survey(publish=False)
    assert await service.get_survey(survey_id) is None
    assert await service.get_survey(survey_id, drafts=True) is not None
    await service.publish(survey_id)
    with pytest.raises(service.Locked):
        await service.add_question(survey_id, question())


async def test_results_equal_a_hand_calculation(db: object) -> None:
    riverside = await make_neighborhood("Riverside")
    hillcrest = await make_neighborhood("Hillcrest")
    survey_id = await make_survey(question("likert", trust=True), question("single", options=["Yes", "No"]),
                                  question("text"))
    survey = await service.get_survey(survey_id)
    assert survey is not None
    likert, single, text = (q.id for q in survey.questions)
    # Riverside: 6 people answering 5,5,4,4,4,2 and Yes x4, No x2; Hillcrest: 2 answering 1,1 and No, No;
    # one paper response from Riverside: 3 and Yes.
    answers = [(riverside, p, y) for p, y in [(5, 0), (5, 0), (4, 0), (4, 0), (4, 1), (2, 1)]]
    answers += [(hillcrest, 1, 1), (hillcrest, 1, 1)]
    for hood, point, yes in answers:
        person = await make_account(neighborhood_id=hood)
        await service.respond(survey_id, person.id, {str(likert): [point], str(single): [yes],
                                                     str(text): f"Note {point}"}, "en")
    await service.enter_paper(survey_id, {str(likert): [3], str(single): [0]}, riverside, "45-64", "es")
    assert await service.count(survey_id) is None  # still open
    assert await service.count(survey_id, now=LATER) == 9
    assert await service.count(survey_id, now=LATER) is None  # counted once
    assert await SealedResponse.count() == 0
    assert await SurveyResponse.count().where(SurveyResponse.survey == survey_id) == 9
    results = await service.results(survey_id)
    assert results is not None and results.respondents == 9
    scale, yes_no, free = results.questions
    # Mean by hand: (5+5+4+4+4+2+1+1+3) / 9 = 29 / 9; but the points 2 and 3 are one person each,
    # so those cells are hidden (with secondary suppression) and no mean is shown.
    assert [o.count for o in scale.options][:3] == [None, None, None]
    assert scale.mean is None
    # Yes 5 of 9 (Wilson by hand: 0.2667 to 0.8000), No 4 of 9 hidden, so Yes is hidden too.
    assert [o.count for o in yes_no.options] == [None, None]
    # Hillcrest's 2 people are never stored as a group; Riverside (7) is, with the rest hidden.
    stored_groups = {r["grp"] for r in await SurveyTally.select(SurveyTally.grp).where(
        SurveyTally.dimension == "neighborhood")}
    assert str(hillcrest) not in stored_groups
    # Free text waits for moderation.
    assert free.texts == []
    pending = await service.text_answers(survey_id)
    assert len(pending) == 8 and {p.status for p in pending} == {"pending"}
    assert await service.moderate(survey_id, pending[0].id, True)
    assert await service.moderate(survey_id, pending[1].id, False)
    results = await service.results(survey_id)
    assert results is not None and results.questions[2].texts == [pending[0].body]


async def test_shares_intervals_and_means_with_enough_people(db: object) -> None:
    hood = await make_neighborhood("Eastgate")
    survey_id = await make_survey(question("likert", trust=True), question("single", options=["Yes", "No"]))
    survey = await service.get_survey(survey_id)
    assert survey is not None
    likert, single = (q.id for q in survey.questions)
    # 10 people: points 5 x5, 4 x5; Yes x5, No x5. Mean 4.5; Yes 50%, Wilson (0.2366, 0.7634).
    for i in range(10):
        person = await make_account(neighborhood_id=hood)
        await service.respond(survey_id, person.id, {str(likert): [5 if i < 5 else 4], str(single): [i % 2]}, "en")
    await service.count(survey_id, now=LATER)
    results = await service.results(survey_id)
    assert results is not None
    scale, yes_no = results.questions
    assert scale.mean == pytest.approx(4.5)
    assert [o.count for o in scale.options] == [0, 0, 0, 5, 5]
    share = yes_no.options[0].share
    assert share is not None and share.share == 0.5
    assert share.low == pytest.approx(0.2366, abs=1e-4) and share.high == pytest.approx(0.7634, abs=1e-4)
    row = results.questions[0].breakdowns["neighborhood"][0]
    assert (row.group, row.answered, row.cells, row.mean) == (str(hood), 10, [0, 0, 0, 5, 5], 4.5)
    # The trust index by hand: (4.5 - 1) / 4 * 100 = 87.5, for the city and for Eastgate.
    closes = await Survey.select(Survey.closes_at).where(Survey.id == survey_id).first()
    assert closes is not None
    slug = await make_indicator("trust", unit="score", lower_is_better=False, source="trust-index")
    detail = await indicators.get_indicator(slug)
    period = closes["closes_at"].strftime("%Y-%m")
    assert [(v.period, v.neighborhood_id, v.value) for v in detail.values] == [
        (period, None, 87.5), (period, hood, 87.5)]


async def test_start_up_refuses_a_key_that_cannot_open_sealed_responses(db: object) -> None:
    from server import secret

    survey_id = await make_survey(question())
    survey = await service.get_survey(survey_id)
    assert survey is not None
    person = await make_account()
    await service.respond(survey_id, person.id, {str(survey.questions[0].id): [3]}, "en")
    assert await service.key_problem() is None
    before = secret.secret_key()
    secret.set_secret_key("another key entirely, long enough to be a key")
    try:
        problem = await service.key_problem()
    finally:
        secret.set_secret_key(before)
    assert problem is not None and f"survey {survey_id}" in problem


async def test_counting_waits_for_the_grace_after_close(db: object) -> None:
    closes = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    survey_id = await make_survey(question(), closes_at=closes)
    assert await service.count(survey_id, now=closes + dt.timedelta(seconds=30)) is None
    assert survey_id not in await service.surveys_to_count(now=closes + dt.timedelta(seconds=30))
    assert survey_id in await service.surveys_to_count(now=closes + service.COUNT_GRACE)
    assert await service.count(survey_id, now=closes + service.COUNT_GRACE) == 0
