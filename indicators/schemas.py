"""What indicator pages and the API are given (msgspec structs), and the council form's checks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import msgspec

from indicators import texts
from server import forms
from server.i18n import gettext as _
from server.measures import UNITS
from server.navigation import N_

UNIT_LABELS = {"percent": N_("percent"), "days": N_("days"), "count": N_("people"), "score": N_("points out of 100")}
FLAG_LABELS = {"provisional": N_("provisional"), "estimated": N_("estimated"), "revised": N_("revised")}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PERIOD_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


def unit_label(unit: str) -> str:
    return _(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit


def flag_label(flag: str) -> str:
    return _(FLAG_LABELS[flag]) if flag in FLAG_LABELS else ""


class IndicatorInput(msgspec.Struct, frozen=True):
    slug: str
    name: dict[str, str]
    description: dict[str, str]
    unit: str
    lower_is_better: bool
    target: float | None
    target_date: dt.date | None
    by_neighborhood: bool
    source: str
    source_notes: str
    method_notes: str


class Value(msgspec.Struct, frozen=True):
    period: str
    neighborhood_id: int | None
    neighborhood: str  # its name ("" for the whole city)
    breakdown: dict[str, str]
    value: float | None  # None: hidden, about fewer than 5 people (or to protect such a value)
    flag: str
    fewer_than_5: bool = False


class Break(msgspec.Struct, frozen=True):
    period: str
    note: str


class Indicator(msgspec.Struct, frozen=True):
    id: int
    slug: str
    name: str
    description: str
    unit: str
    lower_is_better: bool
    target: float | None
    target_date: dt.date | None
    by_neighborhood: bool
    source: str  # "" imported, else a declared indicator source's name
    source_notes: str
    method_notes: str
    texts: dict[str, dict[str, str]] = msgspec.field(default_factory=dict)  # untranslated, for the edit form


class Detail(msgspec.Struct, frozen=True):
    indicator: Indicator
    values: list[Value]  # every value, small groups hidden
    breaks: list[Break]


def parse_indicator(form: Mapping[str, str], sources: Mapping[str, object]) -> tuple[IndicatorInput | None,
                                                                                    forms.Errors]:
    errors: forms.Errors = {}
    slug = forms.text(form, "slug", errors, max_length=60).lower()
    if slug and "slug" not in errors and not SLUG_RE.match(slug):
        errors["slug"] = _("Use lowercase letters, digits and dashes, like response-times.")
    name = texts.read(form, "name", errors, max_length=120)
    description = texts.read(form, "description", errors, max_length=2000, required=False)
    unit = forms.choice(form, "unit", errors, UNITS)
    source = forms.choice(form, "source", errors, ["", *sources], required=False)
    raw_target = forms.clean_text(form.get("target"))
    target: float | None = None
    if raw_target:
        try:
            target = float(raw_target)
        except ValueError:
            errors["target"] = _("Write the target as a number with a dot for decimals (12.5).")
    raw_date = forms.clean_text(form.get("target_date"))
    target_date: dt.date | None = None
    if raw_date:
        try:
            target_date = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors["target_date"] = _("Please enter a date like 2027-12-31.")
    if target_date is not None and target is None and "target" not in errors:
        errors["target"] = _("A target date needs a target.")
    source_notes = forms.text(form, "source_notes", errors, required=False, max_length=2000)
    method_notes = forms.text(form, "method_notes", errors, required=False, max_length=2000)
    if errors:
        return None, errors
    return IndicatorInput(slug, name, description, unit, forms.checkbox(form, "lower_is_better"), target,
                          target_date, forms.checkbox(form, "by_neighborhood"), source, source_notes,
                          method_notes), errors


def parse_break(form: Mapping[str, str]) -> tuple[tuple[str, dict[str, str]] | None, forms.Errors]:
    errors: forms.Errors = {}
    period = forms.text(form, "period", errors, max_length=7)
    if period and "period" not in errors and not PERIOD_RE.match(period):
        errors["period"] = _("Write the period as a year (2025) or a month (2025-03).")
    note = texts.read(form, "note", errors, max_length=500)
    if errors:
        return None, errors
    return (period, note), errors
