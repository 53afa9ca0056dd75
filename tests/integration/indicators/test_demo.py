"""The demo's indicators and surveys: two years of monthly values for four imported indicators (one
series break, one missed target), a counted survey of 300 responses in three languages, and the
computed indicators equal to a hand calculation on the demo's own rows."""

from __future__ import annotations

import json
from collections import Counter

from indicators import service, trends
from indicators.surveys.tables import Survey, SurveyGroup, SurveyQuestion, SurveyResponse
from server import clock
from server.demo import DemoContext


async def test_demo_indicators_and_survey(demo: DemoContext) -> None:
    from ballots.tables import Ballot, TurnoutCount

    ctx = demo
    closed, _open = ctx.extra["survey_ids"]  # type: ignore[misc]
    details = {d.indicator.slug: d for d in await service.details()}
    imported = ["response-days", "without-escalation", "service-referrals", "safe-at-night"]
    for slug in imported:
        city = [v for v in details[slug].values if v.neighborhood_id is None and not v.breakdown]
        assert len(city) == 24, slug
    assert [b.period for b in details["without-escalation"].breaks]
    assert service.assess(details["response-days"]).target_status == trends.MISSED
    assert {v.flag for v in details["service-referrals"].values} == {"", "provisional", "revised"}

    # The survey: 300 responses, in three languages, counted.
    assert await SurveyResponse.count().where(SurveyResponse.survey == closed) == 300
    languages = {r["grp"]: r["n"] for r in await SurveyGroup.select().where(
        (SurveyGroup.survey == closed) & (SurveyGroup.question == 0) & (SurveyGroup.dimension == "language"))}
    assert set(languages) == {"en", "es", "ar"} and sum(languages.values()) == 300

    # The trust index by hand, from the counted responses: mean point of the trust question, (m - 1) / 4 * 100.
    trust_q = await SurveyQuestion.select(SurveyQuestion.id).where(
        (SurveyQuestion.survey == closed) & SurveyQuestion.trust.eq(True)).first()
    assert trust_q is not None
    points = [json.loads(r["answers"])[str(trust_q["id"])][0] for r in await SurveyResponse.select(
        SurveyResponse.answers).where(SurveyResponse.survey == closed)]
    by_hand = round((sum(points) / len(points) - 1) / 4 * 100, 1)
    closes = await Survey.select(Survey.closes_at).where(Survey.id == closed).first()
    assert closes is not None
    period = clock.to_local(closes["closes_at"]).strftime("%Y-%m")
    trust = {v.period: v.value for v in details["trust-index"].values if v.neighborhood_id is None}
    assert trust == {period: by_hand}

    # Participation by hand: every closed ballot's turnout counts, by the month voting closed.
    now = clock.now()
    expected: Counter[str] = Counter()
    closed_ballots = {b["id"]: b for b in await Ballot.select(Ballot.id, Ballot.closes_at).where(
        Ballot.closes_at <= now)}
    for row in await TurnoutCount.select():
        if row["ballot"] in closed_ballots:
            expected[clock.to_local(closed_ballots[row["ballot"]]["closes_at"]).strftime("%Y-%m")] += row["n"]
    assert expected, "the demo has a closed ballot"
    got = {v.period: v.value for v in details["participation"].values
           if v.neighborhood_id is None and not v.breakdown}
    assert got == {p: float(n) if n >= 5 else None for p, n in expected.items()}
