"""The plain-language summary of an indicator, generated from its numbers in the reader's language
("Median days to first response rose from 3 to 5 in Riverside; the target is 2."). Numbers and
months are formatted for the reader's locale; names inside sentences are direction-isolated by the
templates (the sentence parts are returned as Markup-safe pieces). No I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import msgspec
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from indicators import trends
from indicators.schemas import Detail, unit_label
from server.i18n import babel_locale, get_locale
from server.i18n import gettext as _


class Sentence(msgspec.Struct, frozen=True):
    html: str  # safe HTML: a translated sentence with its values in <bdi>
    setback: bool = False  # a missed target or a worsening trend: shown prominently


# Babel's formatting was about a third of the dashboard's "safety and trust" section (issue 21):
# the same few values, months and dates are formatted on every page, so each text is kept per
# language (pure functions of their arguments; `typed`, so 1 and 1.0 stay apart).
@lru_cache(maxsize=4096, typed=True)
def _decimal(value: float, locale: str) -> str:
    return format_decimal(value, locale=babel_locale(locale))


@lru_cache(maxsize=4096)
def _date(day: dt.date, pattern: str, locale: str) -> str:
    return format_date(day, pattern, locale=babel_locale(locale))


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    number = _decimal(round(value, 1), get_locale())
    return f"{number}%" if unit == "percent" else number


def fmt_period(period: str) -> str:
    if "-" not in period:
        return period
    return _date(trends.period_start(period), "MMM y", get_locale())


def _b(value: object) -> Markup:
    # What Markup("<bdi>{}</bdi>").format(value) gives, without string.Formatter.
    return Markup(f"<bdi>{escape(value)}</bdi>")


def _with_unit(value: float | None, unit: str) -> Markup:
    text = fmt_value(value, unit)
    return _b(text if unit == "percent" else f"{text} {unit_label(unit)}")


def sentences(detail: Detail, assessment: trends.Assessment,
              places: Sequence[tuple[str, trends.Assessment]] = ()) -> list[Sentence]:
    i = detail.indicator
    unit = i.unit
    out: list[Sentence] = []
    if assessment.latest is None:
        return [Sentence(str(escape(_("No values have been published yet."))))]
    latest, ref = assessment.latest, assessment.reference
    name = _b(i.name)
    if ref is None:
        out.append(Sentence(str(Markup(escape(_("%(name)s was %(value)s in %(period)s."))) % {
            "name": name, "value": _with_unit(latest.value, unit), "period": _b(fmt_period(latest.period))})))
    else:
        template = {"up": _("%(name)s rose from %(old)s in %(old_period)s to %(new)s in %(period)s."),
                    "down": _("%(name)s fell from %(old)s in %(old_period)s to %(new)s in %(period)s."),
                    "same": _("%(name)s stayed at %(new)s from %(old_period)s to %(period)s.")}[assessment.direction]
        out.append(Sentence(str(Markup(escape(template)) % {
            "name": name, "old": _with_unit(ref.value, unit), "old_period": _b(fmt_period(ref.period)),
            "new": _with_unit(latest.value, unit), "period": _b(fmt_period(latest.period))}),
            setback=assessment.worsening))
        if assessment.worsening:
            out.append(Sentence(str(escape(_("This is getting worse."))), setback=True))
    if i.target is not None:
        target = _with_unit(i.target, unit)
        when = _b(_date(i.target_date, "medium", get_locale())) if i.target_date else None
        if assessment.target_status == trends.MISSED:
            text = Markup(escape(_("The target of %(target)s by %(date)s was missed: the value was %(value)s."))) % {
                "target": target, "date": when, "value": _with_unit(assessment.target_value, unit)}
            out.append(Sentence(str(text), setback=True))
        elif assessment.target_status == trends.MET:
            out.append(Sentence(str(Markup(escape(_("The target of %(target)s is met."))) % {"target": target})))
        elif when is not None:
            out.append(Sentence(str(Markup(escape(_("The target is %(target)s by %(date)s; it is not met yet."))) % {
                "target": target, "date": when})))
        else:
            out.append(Sentence(str(Markup(escape(_("The target is %(target)s; it is not met yet."))) % {
                "target": target})))
    if assessment.broken and detail.breaks:
        last = max(detail.breaks, key=lambda b: trends.period_start(b.period))
        out.append(Sentence(str(Markup(escape(_("The method changed in %(period)s, so values before then are not "
                                                "compared with later ones."))) % {
            "period": _b(fmt_period(last.period))})))
    for place, found in places:
        if found.worsening and found.latest is not None and found.reference is not None:
            verb = (_("In %(place)s it rose from %(old)s to %(new)s.") if found.direction == "up"
                    else _("In %(place)s it fell from %(old)s to %(new)s."))
            out.append(Sentence(str(Markup(escape(verb)) % {
                "place": _b(place), "old": _with_unit(found.reference.value, unit),
                "new": _with_unit(found.latest.value, unit)}), setback=True))
    return out
