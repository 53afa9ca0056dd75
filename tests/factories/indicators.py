"""The indicators domain's factories: indicators and surveys, made through the services."""

from __future__ import annotations

import datetime as dt
import itertools

from indicators import service
from indicators.schemas import IndicatorInput
from indicators.surveys import service as surveys
from indicators.surveys.schemas import QuestionInput, SurveyInput

_n = itertools.count(1)


async def make_indicator(slug: str | None = None, *, unit: str = "days", lower_is_better: bool = True,
                         target: float | None = None, target_date: dt.date | None = None, source: str = "") -> str:
    slug = slug or f"indicator-{next(_n)}"
    return await service.create_indicator(IndicatorInput(
        slug=slug, name={"en": f"Indicator {slug}", "es": f"Indicador {slug}"}, description={"en": "What it measures"},
        unit=unit, lower_is_better=lower_is_better, target=target, target_date=target_date, by_neighborhood=True,
        source=source, source_notes="City records", method_notes="Median"), None)


def question(kind: str = "likert", *, options: list[str] | None = None, trust: bool = False,
             required: bool = False) -> QuestionInput:
    if options is None:
        options = ["Not at all", "Completely"] if kind == "likert" else (["Yes", "No"] if kind != "text" else [])
    return QuestionInput(kind=kind, text={"en": f"Question {next(_n)}?", "es": "¿Pregunta?"},
                         options=[{"en": o} for o in options], scale=5, required=required, trust=trust)


async def make_survey(*questions: QuestionInput, neighborhood_id: int | None = None, age_min: int | None = None,
                      opens_at: dt.datetime | None = None, closes_at: dt.datetime | None = None,
                      publish: bool = True, voters: str = "confirmed") -> int:
    now = dt.datetime.now(dt.UTC)
    survey_id = await surveys.create_survey(SurveyInput(
        title={"en": f"Survey {next(_n)}", "es": "Encuesta", "ar": "استبيان"}, intro={"en": "Tell us."},
        neighborhood_id=neighborhood_id, age_min=age_min, age_max=None,
        opens_at=opens_at or now - dt.timedelta(days=1), closes_at=closes_at or now + dt.timedelta(days=7),
        voters=voters), None)
    for q in questions or (question(),):
        await surveys.add_question(survey_id, q)
    if publish:
        await surveys.publish(survey_id)
    return survey_id
