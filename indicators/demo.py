"""Demo indicators and surveys: two years of monthly values for four indicators imported as the
city's Open SDG CSV (one with a change of method, one that missed its target, one with provisional
and revised values), the three computed indicators (delivery on time, participation, trust), a
counted survey of about 300 responses in three languages, and an open one to answer.

The counted survey's responses are sealed and counted exactly as real ones are, but written in bulk
without participation records (no demo accounts answered them), so the demo loads in a second."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from indicators import service
from indicators.schemas import IndicatorInput
from indicators.surveys import sealing
from indicators.surveys import service as surveys
from indicators.surveys.schemas import QuestionInput, SurveyInput
from indicators.surveys.tables import SealedResponse, TextAnswer
from server import clock
from server.demo import DemoContext, DemoStep
from server.secret import secret_key

HOODS = ["Riverside", "Hillcrest", "Old Town", "Eastgate"]


def _months(today: dt.date, n: int = 24) -> list[str]:
    first = dt.date(today.year, today.month, 1)
    out = []
    for back in range(n, 0, -1):
        year, month = first.year, first.month - back
        while month <= 0:
            month += 12
            year -= 1
        out.append(f"{year}-{month:02d}")
    return out


def _csv(rows: list[tuple[str, int | None, float, str]], unit: str) -> str:
    lines = ["Year,Units,GeoCode,OBS_STATUS,Value"]
    lines += [f"{p},{unit},{'' if h is None else h},{flag},{round(v, 1)}" for p, h, v, flag in rows]
    return "\n".join(lines) + "\n"


def _indicator(slug: str, name: dict[str, str], description: dict[str, str], unit: str, lower: bool,
               target: float | None = None, target_date: dt.date | None = None, source: str = "",
               source_notes: str = "", method_notes: str = "") -> IndicatorInput:
    return IndicatorInput(slug, name, description, unit, lower, target, target_date, True, source, source_notes,
                          method_notes)


async def _indicators(ctx: DemoContext) -> None:
    today = clock.today()
    months = _months(today)
    rng = random.Random(19)
    hoods = [ctx.neighborhoods[h] for h in HOODS if h in ctx.neighborhoods]
    council = ctx.accounts.get("council")

    # 1. Response times: improving in most places, but Riverside got worse, and the target date passed
    # with the city above its target. The page says so.
    await service.create_indicator(_indicator(
        "response-days",
        {"en": "Median days to first response to non-emergency reports",
         "es": "Mediana de días hasta la primera respuesta a avisos no urgentes",
         "ar": "متوسط الأيام حتى أول رد على البلاغات غير الطارئة"},
        {"en": "How long residents wait before the council first answers a report about a non-emergency safety "
               "problem (a broken lamp, an unsafe crossing)."},
        "days", True, 2, today - dt.timedelta(days=45), source_notes="City contact centre records.",
        method_notes="Median of working days between a report and the first reply, per month."), council)
    rows = []
    for i, period in enumerate(months):
        city = 4.6 - 1.4 * i / 23 + rng.uniform(-0.3, 0.3)
        rows.append((period, None, max(1.0, city), ""))
        for n, hood in enumerate(hoods):
            trend = 0.9 * i / 23 if n == 0 else -1.6 * i / 23  # Riverside worsens
            rows.append((period, hood, max(1.0, 4.2 + trend + rng.uniform(-0.4, 0.4)), ""))
    await service.import_csv("response-days", _csv(rows, "days"))

    # 2. Resolved without escalation: the way incidents are counted changed ten months ago.
    await service.create_indicator(_indicator(
        "without-escalation",
        {"en": "Incidents resolved without escalation", "es": "Incidentes resueltos sin escalar",
         "ar": "الحوادث التي حُلّت دون تصعيد"},
        {"en": "Share of incidents handled by mediators and community responders that ended without police or "
               "court involvement."},
        "percent", False, 75, today + dt.timedelta(days=365), source_notes="Community mediation service.",
        method_notes="Since the change of method, cases are counted when closed, not when opened."), council)
    rows = []
    for i, period in enumerate(months):
        base = 58 + 6 * i / 23 if i < 14 else 64 + 4 * (i - 14) / 9
        rows.append((period, None, base + rng.uniform(-1.5, 1.5), ""))
        for hood in hoods:
            rows.append((period, hood, base + rng.uniform(-6, 6), ""))
    await service.import_csv("without-escalation", _csv(rows, "percent"))
    await service.add_break("without-escalation", months[14], {
        "en": "Cases are now counted when they close, not when they open.",
        "es": "Los casos se cuentan ahora al cerrarse, no al abrirse.",
        "ar": "تُحسب الحالات الآن عند إغلاقها، لا عند فتحها."})

    # 3. Referrals to support services: the last two months are provisional, one earlier month revised.
    await service.create_indicator(_indicator(
        "service-referrals",
        {"en": "Residents referred to support services", "es": "Residentes derivados a servicios de apoyo",
         "ar": "السكان المحالون إلى خدمات الدعم"},
        {"en": "People that community responders referred to housing, health or youth services."},
        "count", False, source_notes="Community responders' referral log.",
        method_notes="Counted once per person per month."), council)
    rows = []
    for i, period in enumerate(months):
        flag = "P" if i >= 22 else ("R" if i == 15 else "")
        rows.append((period, None, float(round(40 + 25 * i / 23 + rng.uniform(-4, 4))), flag))
        for hood in hoods:
            rows.append((period, hood, float(round(8 + 7 * i / 23 + rng.uniform(-2, 2))), flag))
    await service.import_csv("service-referrals", _csv(rows, "count"))

    # 4. Feeling safe at night (the city's own panel): slowly better, met its target.
    await service.create_indicator(_indicator(
        "safe-at-night",
        {"en": "Residents who feel safe walking at night", "es": "Residentes que se sienten seguros de noche",
         "ar": "السكان الذين يشعرون بالأمان عند المشي ليلاً"},
        {"en": "From the city's monthly resident panel."}, "percent", False, 60, today - dt.timedelta(days=30),
        source_notes="City resident panel, about 800 people a month.", method_notes="Share answering 'safe' or "
        "'very safe'."), council)
    rows = [(period, None, 55 + 9 * i / 23 + rng.uniform(-1.5, 1.5), "") for i, period in enumerate(months)]
    await service.import_csv("safe-at-night", _csv(rows, "percent"))

    for slug, source, name, unit in (
            ("delivery-on-time", "delivery-on-time", {"en": "Funded projects delivered on time",
                                                      "es": "Proyectos financiados entregados a tiempo",
                                                      "ar": "المشاريع الممولة المنجزة في موعدها"}, "percent"),
            ("participation", "participation", {"en": "People who voted on participatory budgets",
                                                "es": "Personas que votaron en presupuestos participativos",
                                                "ar": "الأشخاص الذين صوّتوا في الموازنات التشاركية"}, "count")):
        await service.create_indicator(_indicator(slug, name, {}, unit, False, source=source), council)
    ctx.notes.append("Indicators: /indicators (council: /council/indicators)")


TRUST = {"en": "How much do you trust the council's work on neighborhood safety?",
         "es": "¿Cuánto confía en el trabajo del ayuntamiento sobre la seguridad del barrio?",
         "ar": "إلى أي حد تثق في عمل المجلس بشأن أمان الحي؟"}
SAFE = {"en": "How safe do you feel walking in your neighborhood after dark?",
        "es": "¿Qué tan seguro se siente caminando por su barrio de noche?",
        "ar": "ما مدى شعورك بالأمان عند المشي في حيك بعد حلول الظلام؟"}
ENDS = [[{"en": "Not at all", "es": "Nada", "ar": "إطلاقاً"}, {"en": "Completely", "es": "Totalmente", "ar": "تماماً"}],
        [{"en": "Very unsafe", "es": "Muy inseguro", "ar": "غير آمن إطلاقاً"},
         {"en": "Very safe", "es": "Muy seguro", "ar": "آمن جداً"}]]
REPORTED = ({"en": "Did you report a safety problem to the council in the last year?",
             "es": "¿Avisó al ayuntamiento de algún problema de seguridad el último año?",
             "ar": "هل أبلغت المجلس عن مشكلة أمان خلال العام الماضي؟"},
            [{"en": "Yes, and I was satisfied with the response", "es": "Sí, y quedé satisfecho con la respuesta",
              "ar": "نعم، وكنت راضياً عن الرد"},
             {"en": "Yes, but I was not satisfied", "es": "Sí, pero no quedé satisfecho",
              "ar": "نعم، لكنني لم أكن راضياً"},
             {"en": "No", "es": "No", "ar": "لا"}])
SAFER = ({"en": "What would make you feel safer? Choose all that apply.",
          "es": "¿Qué le haría sentirse más seguro? Elija todas las que correspondan.",
          "ar": "ما الذي يجعلك تشعر بأمان أكبر؟ اختر كل ما ينطبق."},
         [{"en": "Better street lighting", "es": "Mejor alumbrado", "ar": "إنارة أفضل للشوارع"},
          {"en": "Youth programs", "es": "Programas juveniles", "ar": "برامج للشباب"},
          {"en": "Community responders", "es": "Equipos comunitarios de respuesta", "ar": "فرق استجابة مجتمعية"},
          {"en": "Safer crossings", "es": "Cruces más seguros", "ar": "معابر أكثر أماناً"}])
FREE = {"en": "Anything else you want the council to know?", "es": "¿Algo más que quiera decir al ayuntamiento?",
        "ar": "هل هناك شيء آخر تود أن يعرفه المجلس؟"}
COMMENTS = {
    "en": ["The new lamps on Canal Road made a real difference.", "Please answer reports faster in Riverside.",
           "More activities for teenagers in the evening, please."],
    "es": ["El parque de Eastgate necesita más luz.", "Gracias por los mediadores, ayudaron mucho en mi calle."],
    "ar": ["نحتاج إلى ممر آمن قرب المدرسة.", "شكراً على تحسين الإنارة في البلدة القديمة."],
}


def _questions() -> list[QuestionInput]:
    return [
        QuestionInput("likert", TRUST, ENDS[0], 5, True, True),
        QuestionInput("likert", SAFE, ENDS[1], 5, True, False),
        QuestionInput("single", REPORTED[0], REPORTED[1], 5, False, False),
        QuestionInput("multiple", SAFER[0], SAFER[1], 5, False, False),
        QuestionInput("text", FREE, [], 5, False, False),
    ]


async def _surveys(ctx: DemoContext) -> None:
    now = clock.now()
    rng = random.Random(7)
    council = ctx.accounts.get("council")
    closed = await surveys.create_survey(SurveyInput(
        title={"en": "Safety and trust survey, spring", "es": "Encuesta de seguridad y confianza, primavera",
               "ar": "استبيان الأمان والثقة، الربيع"},
        intro={"en": "Ten minutes about how safe you feel and how the council responds.",
               "es": "Diez minutos sobre cómo se siente de seguro y cómo responde el ayuntamiento.",
               "ar": "عشر دقائق حول شعورك بالأمان وكيفية استجابة المجلس."},
        neighborhood_id=None, age_min=12, age_max=None, opens_at=now - dt.timedelta(days=50),
        closes_at=now - dt.timedelta(days=20)), council)
    for q in _questions():
        await surveys.add_question(closed, q)
    await surveys.publish(closed)
    survey = await surveys.get_survey(closed, now - dt.timedelta(days=30))
    assert survey is not None
    ids = [q.id for q in survey.questions]
    keys = sealing.keys_for(secret_key(), await surveys.salt_of(closed))
    size = sealing.padded_length([(q.kind, len(q.options)) for q in survey.questions])
    hood_ids = [ctx.neighborhoods[h] for h in HOODS if h in ctx.neighborhoods]
    rows = []
    for n in range(300):
        language = rng.choices(["en", "es", "ar"], [0.55, 0.3, 0.15])[0]
        hood = rng.choices(hood_ids, [0.4, 0.25, 0.2, 0.15][:len(hood_ids)])[0] if hood_ids else None
        riverside = hood == (hood_ids[0] if hood_ids else None)
        trust = rng.choices([1, 2, 3, 4, 5], [0.12, 0.18, 0.3, 0.28, 0.12] if riverside else [0.06, 0.12, 0.27,
                                                                                              0.35, 0.2])[0]
        answers: dict[str, list[int] | str] = {
            str(ids[0]): [trust], str(ids[1]): [max(1, min(5, trust + rng.choice([-1, 0, 0, 1])))],
            str(ids[2]): [rng.choices([0, 1, 2], [0.25, 0.2, 0.55])[0]],
            str(ids[3]): sorted(rng.sample(range(4), rng.choice([1, 1, 2, 3]))),
        }
        if n % 30 == 0:
            answers[str(ids[4])] = rng.choice(COMMENTS[language])
        band = rng.choices(["12-17", "18-24", "25-44", "45-64", "65+"], [0.08, 0.14, 0.38, 0.26, 0.14])[0]
        payload = sealing.Payload(answers, str(hood or ""), band, language, "paper" if n % 12 == 0 else "online")
        rows.append(SealedResponse(id=uuid.uuid4(), survey=closed, sealed=sealing.seal(keys, closed, payload, size)))
    for start in range(0, len(rows), 500):
        await SealedResponse.insert(*rows[start:start + 500])
    await surveys.count(closed)
    texts = await TextAnswer.select(TextAnswer.id).where(TextAnswer.survey == closed).order_by(TextAnswer.body)
    for i, row in enumerate(texts):
        if i % 3 != 2:  # a few wait for moderation
            await surveys.moderate(closed, str(row["id"]), True)

    open_id = await surveys.create_survey(SurveyInput(
        title={"en": "Street lighting check-in", "es": "Consulta sobre el alumbrado", "ar": "استطلاع حول الإنارة"},
        intro={"en": "Two questions about the lamps on your street.",
               "es": "Dos preguntas sobre las farolas de su calle.", "ar": "سؤالان حول مصابيح شارعك."},
        neighborhood_id=None, age_min=None, age_max=None, opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=25)), council)
    await surveys.add_question(open_id, QuestionInput("likert", SAFE, ENDS[1], 5, True, True))
    await surveys.add_question(open_id, QuestionInput("single", {
        "en": "Is the lamp nearest your home working?", "es": "¿Funciona la farola más cercana a su casa?",
        "ar": "هل يعمل المصباح الأقرب إلى منزلك؟"}, [{"en": "Yes", "es": "Sí", "ar": "نعم"},
                                                    {"en": "No", "es": "No", "ar": "لا"},
                                                    {"en": "I don't know", "es": "No lo sé", "ar": "لا أعرف"}],
        5, False, False))
    await surveys.add_question(open_id, QuestionInput("text", FREE, [], 5, False, False))
    await surveys.publish(open_id)
    await service.create_indicator(_indicator(
        "trust-index", {"en": "Trust in the council's safety work", "es": "Confianza en el trabajo de seguridad",
                        "ar": "الثقة في عمل المجلس بشأن الأمان"}, {}, "score", False, 60, None,
        source="trust-index"), council)
    ctx.extra["survey_ids"] = [closed, open_id]
    ctx.notes.append(f"Surveys: /surveys (counted: /surveys/{closed}, open: /surveys/{open_id})")


DEMO_STEPS: list[DemoStep] = [("Safety indicators", _indicators), ("Community surveys", _surveys)]
