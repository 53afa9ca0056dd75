"""Who may reach each route of the indicators domain (indicators and surveys): its part of the
access matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from web.security.access_matrix import ALLOW, COUNCIL, DENY, PUBLIC, SIGNIN, Access, World, access


async def an_indicator(world: World, role: str) -> dict[str, Any]:
    from factories.indicators import make_indicator

    return {"slug": await make_indicator()}


async def an_open_survey(world: World, role: str) -> dict[str, Any]:
    """A published survey open to everyone, with one optional question."""
    from factories.indicators import make_survey, question

    return {"survey_id": await make_survey(question())}


async def a_text_answer(world: World, role: str) -> dict[str, Any]:
    """A counted survey with one free-text answer waiting for moderation."""
    from factories.indicators import make_survey, question
    from support import make_account

    from indicators.surveys import service

    survey_id = await make_survey(question("text"))
    survey = await service.get_survey(survey_id)
    assert survey is not None
    person = await make_account(neighborhood_id=world.neighborhood_id)
    await service.respond(survey_id, person.id, {str(survey.questions[0].id): "Lights work now"}, "en")
    await service.count(survey_id, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
    answers = await service.text_answers(survey_id)
    return {"survey_id": survey_id, "answer_id": answers[0].id}


async def a_counted_survey(world: World, role: str) -> dict[str, Any]:
    return {"survey_id": (await a_text_answer(world, role))["survey_id"]}


ENTRIES: dict[tuple[str, str], Access] = {
    # indicators
    ("GET", "/indicators"): PUBLIC,
    ("GET", "/indicators/{slug:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=an_indicator),
    ("GET", "/indicators/{slug:str}/data.csv"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=an_indicator),
    ("GET", "/indicators/{slug:str}/data.json"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=an_indicator),
    ("GET", "/council/indicators"): COUNCIL,
    ("POST", "/council/indicators"): COUNCIL,
    ("GET", "/council/indicators/{slug:str}"): access(SIGNIN, DENY, DENY, ALLOW, params=an_indicator),
    ("POST", "/council/indicators/{slug:str}"): access(SIGNIN, DENY, DENY, ALLOW, params=an_indicator),
    ("POST", "/council/indicators/{slug:str}/import"): access(SIGNIN, DENY, DENY, ALLOW, params=an_indicator),
    ("POST", "/council/indicators/{slug:str}/breaks"): access(SIGNIN, DENY, DENY, ALLOW, params=an_indicator),
    # surveys: answering is like voting, so a blocked account (blocked from posting) may answer
    ("GET", "/surveys"): PUBLIC,
    ("GET", "/surveys/{survey_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=an_open_survey),
    ("POST", "/surveys/{survey_id:int}"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=an_open_survey),
    ("GET", "/surveys/{survey_id:int}/results.csv"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_counted_survey),
    ("GET", "/council/surveys"): COUNCIL,
    ("POST", "/council/surveys"): COUNCIL,
    ("GET", "/council/surveys/{survey_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=an_open_survey),
    ("POST", "/council/surveys/{survey_id:int}/questions"): access(SIGNIN, DENY, DENY, ALLOW, params=an_open_survey),
    ("POST", "/council/surveys/{survey_id:int}/publish"): access(SIGNIN, DENY, DENY, ALLOW, params=an_open_survey),
    ("POST", "/council/surveys/{survey_id:int}/paper"): access(SIGNIN, DENY, DENY, ALLOW, params=an_open_survey),
    ("POST", "/council/surveys/{survey_id:int}/texts/{answer_id:str}"): access(
        SIGNIN, DENY, DENY, ALLOW, params=a_text_answer, form={"decision": "publish"}),
}
