"""Survey structs for pages and the API, and the checks of council's and respondents' forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import msgspec

from ballots.schemas import parse_datetime
from indicators import texts
from indicators.surveys import audience
from indicators.surveys.sealing import MAX_TEXT
from server import forms
from server.i18n import gettext as _
from server.navigation import N_

KINDS = {"single": N_("One choice"), "multiple": N_("Several choices"), "likert": N_("Scale (Likert)"),
         "text": N_("Free text")}
MAX_OPTIONS = 12


class SurveyInput(msgspec.Struct, frozen=True):
    title: dict[str, str]
    intro: dict[str, str]
    neighborhood_id: int | None
    age_min: int | None
    age_max: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime
    voters: str = "confirmed"


class QuestionInput(msgspec.Struct, frozen=True):
    kind: str
    text: dict[str, str]
    options: list[dict[str, str]]  # choices; for a Likert scale, the labels of its two ends
    scale: int
    required: bool
    trust: bool


class Question(msgspec.Struct, frozen=True):
    id: int
    kind: str
    text: str
    options: list[str]
    scale: int
    required: bool
    trust: bool

    @property
    def choices(self) -> list[tuple[int, str]]:
        """(stored answer, label): option indexes, or the Likert points 1..scale."""
        if self.kind == "likert":
            low, high = [*self.options, "", ""][:2]
            return [(p, f"{p} · {low}" if p == 1 else f"{p} · {high}" if p == self.scale else str(p))
                    for p in range(1, self.scale + 1)]
        return list(enumerate(self.options))


class Survey(msgspec.Struct, frozen=True):
    id: int
    title: str
    intro: str
    neighborhood_id: int | None
    neighborhood_name: str
    age_min: int | None
    age_max: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime
    published: bool
    counted: bool
    state: str  # draft, upcoming, open, closed
    questions: list[Question] = msgspec.field(default_factory=list)
    voters: str = "confirmed"


class Standing(msgspec.Struct, frozen=True):
    kind: str  # may, answered, ineligible, not_open, signed_out
    reason: str = ""


def parse_survey(form: Mapping[str, str], neighborhood_ids: set[int]) -> tuple[SurveyInput | None, forms.Errors]:
    errors: forms.Errors = {}
    title = texts.read(form, "title", errors, max_length=160)
    intro = texts.read(form, "intro", errors, max_length=2000, required=False)
    hood = forms.choice(form, "neighborhood_id", errors, [str(i) for i in neighborhood_ids], required=False)
    age_min = forms.integer(form, "age_min", errors, required=False, minimum=0, maximum=120)
    age_max = forms.integer(form, "age_max", errors, required=False, minimum=0, maximum=120)
    if age_min is not None and age_max is not None and age_max < age_min and "age_max" not in errors:
        errors["age_max"] = _("The oldest age must not be below the youngest.")
    voters = forms.choice(form, "voters", errors, list(audience.VOTERS), required=False) or "confirmed"
    opens_at = parse_datetime(form, "opens_at", errors)
    closes_at = parse_datetime(form, "closes_at", errors)
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("The survey must close after it opens.")
    if errors:
        return None, errors
    assert opens_at is not None and closes_at is not None
    return SurveyInput(title, intro, int(hood) if hood else None, age_min, age_max, opens_at, closes_at,
                       voters), errors


def parse_question(form: Mapping[str, str]) -> tuple[QuestionInput | None, forms.Errors]:
    errors: forms.Errors = {}
    kind = forms.choice(form, "kind", errors, KINDS)
    text = texts.read(form, "text", errors, max_length=500)
    options: list[dict[str, str]] = []
    lines = {lang: [line.strip() for line in forms.clean_text(form.get(f"options_{lang}")).split("\n")
                    if line.strip()] for lang in texts.LANGUAGES}
    if kind in ("single", "multiple", "likert"):
        wanted = 2 if kind == "likert" else None
        english = lines["en"]
        if wanted and len(english) != wanted:
            errors["options_en"] = _("Write the labels of the two ends of the scale, one a line.")
        elif not wanted and not 2 <= len(english) <= MAX_OPTIONS:
            errors["options_en"] = _("Write from 2 to %(n)s choices, one a line.", n=MAX_OPTIONS)
        elif any(len(line) > 200 for line in english):
            errors["options_en"] = _("Please keep each choice to 200 characters or fewer.")
        for lang in ("es", "ar"):
            if lines[lang] and len(lines[lang]) != len(english):
                errors[f"options_{lang}"] = _("Write as many lines as in English, in the same order.")
        options = [{lang: lines[lang][i] for lang in texts.LANGUAGES if lines[lang] and i < len(lines[lang])}
                   for i in range(len(english))]
    scale = 5
    if kind == "likert":
        scale = forms.integer(form, "scale", errors, minimum=3, maximum=7) or 5
    if errors:
        return None, errors
    return QuestionInput(kind, text, options, scale, forms.checkbox(form, "required"),
                         kind == "likert" and forms.checkbox(form, "trust")), errors


def parse_answers(questions: Sequence[Question], form: Mapping[str, list[str]]) -> tuple[
        dict[str, list[int] | str], forms.Errors, dict[str, list[str]]]:
    """Answers by question id, the errors by field (`q<id>`), and what was chosen or typed (for
    the form coming back)."""
    errors: forms.Errors = {}
    answers: dict[str, list[int] | str] = {}
    typed: dict[str, list[str]] = {}
    for q in questions:
        field = f"q{q.id}"
        raw = [v.strip() for v in form.get(field, []) if v.strip()]
        typed[field] = raw
        if q.kind == "text":
            value = forms.clean_text((form.get(field) or [""])[-1])
            typed[field] = [value]
            if len(value) > MAX_TEXT:
                errors[field] = _("Please keep this to %(n)s characters or fewer (you wrote %(m)s).", n=MAX_TEXT,
                                  m=len(value))
            elif value:
                answers[str(q.id)] = value
            elif q.required:
                errors[field] = _("This field is required.")
            continue
        allowed = {str(value) for value, _label in q.choices}
        if any(v not in allowed for v in raw):
            errors[field] = _("Please choose one of the options.")
        elif q.kind != "multiple" and len(raw) > 1:
            errors[field] = _("Please choose one.")
        elif raw:
            answers[str(q.id)] = sorted({int(v) for v in raw})
        elif q.required:
            errors[field] = _("Please choose one.") if q.kind != "multiple" else _("Please choose at least one.")
    return answers, errors, typed
