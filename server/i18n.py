"""Translations and locale-aware formatting. The active locale lives in a context variable set once
per request, so services, templates and notifications all speak the reader's language."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from babel.support import LazyProxy, NullTranslations, Translations

from server import clock

LOCALES: dict[str, str] = {"en": "English", "es": "Español", "ar": "العربية"}
RTL_LOCALES = frozenset({"ar"})
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default="en")


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def missing_catalog() -> str | None:
    """The first language offered without its compiled catalog. Babel would quietly fall back to
    English, so an installed server whose build skipped the catalogs would serve Arabic pages in
    English; start-up refuses instead."""
    for locale in LOCALES:
        if locale != "en" and not catalog_path(locale).is_file():
            return locale
    return None


@cache
def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], domain=DOMAIN)


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current_locale.set(locale if locale in LOCALES else "en")


def reset_locale(token: contextvars.Token[str]) -> None:
    _current_locale.reset(token)


@contextlib.contextmanager
def using_locale(locale: str) -> Iterator[None]:
    """Translate in `locale` for a while: an email goes out in its reader's language, whatever the
    language of the request (or background job) that sends it."""
    token = set_locale(locale)
    try:
        yield
    finally:
        reset_locale(token)


def get_locale() -> str:
    return _current_locale.get()


def text_direction(locale: str | None = None) -> str:
    return "rtl" if (locale or get_locale()) in RTL_LOCALES else "ltr"


def gettext(message: str, **params: object) -> str:
    text = translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def pgettext(context: str, message: str) -> str:
    return translations(get_locale()).pgettext(context, message)


def lazy_gettext(message: str) -> LazyProxy:
    """For strings defined at import time (choices, error messages): translated when rendered."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext


def negotiate_locale(chosen: str | None, accept_language: str | None, default: str = "en") -> str:
    """The person's own choice first, else the first language their browser asks for that we have."""
    if chosen in LOCALES:
        return chosen
    for tag in _parse_accept_language(accept_language or ""):
        base = tag.split("-")[0].lower()
        if base in LOCALES:
            return base
    return default


def _parse_accept_language(header: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


@cache
def _parsed_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def babel_locale(locale: str | None = None) -> Locale:
    # Parsed once per language: Locale.parse on every formatted number was a measurable part of a
    # page's CPU time (issue 21).
    return _parsed_locale(locale or get_locale())


@cache
def _money_pattern(locale: str) -> NumberPattern:
    # Budgets are whole currency units; showing cents would only add noise, so the locale's own
    # currency pattern is used without its fraction digits. Built once per language.
    return parse_pattern(_parsed_locale(locale).currency_formats["standard"].pattern.replace(".00", ""))


# Formatted dates and numbers, remembered per language (and city zone): a page formats the same few
# dates and amounts dozens of times (every card of a cycle repeats its deadline), and each Babel
# call walks the locale's pattern again; that was 10-12% of the home page's CPU (issue 21). Keyed
# on the value's type too, so that a date and a datetime that compare unequal never share an entry.
@lru_cache(maxsize=8192)
def _date_text(kind: type, value: dt.date, format: str, locale: str, zone: str) -> str:
    if kind is dt.datetime:
        value = clock.local_date(value)  # type: ignore[arg-type]
    return format_date(value, format=format, locale=_parsed_locale(locale))


@lru_cache(maxsize=8192)
def _datetime_text(value: dt.datetime, format: str, zone: bool, locale: str, zone_name: str) -> str:
    local = clock.to_local(value)
    text = format_datetime(local, format=format, tzinfo=local.tzinfo, locale=_parsed_locale(locale))
    return f"{text} ({local.strftime('%Z')})" if zone else text


@lru_cache(maxsize=8192)
def _number_text(kind: type, value: float | int, format: str | None, locale: str) -> str:
    return format_decimal(value, format=format, locale=_parsed_locale(locale))


def fmt_date(value: dt.date | dt.datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return _date_text(type(value), value, format, get_locale(), clock.zone_name())


def fmt_datetime(value: dt.datetime | None, format: str = "medium", zone: bool = False) -> str:
    """On the city's clock; `zone` adds the zone's short name at that moment ("CST" in winter, "CDT"
    in summer) where a deadline must be unmistakable."""
    if value is None:
        return ""
    # An aware moment hashes and compares by its instant, which is all the text depends on (it is
    # shown on the city's clock); a naive one never equals an aware one.
    return _datetime_text(value, format, zone, get_locale(), clock.zone_name())


def fmt_number(value: float | int | None) -> str:
    if value is None:
        return ""
    return _number_text(type(value), value, None, get_locale())


def fmt_money(value: float | int | None, currency: str = "USD") -> str:
    if value is None:
        return ""
    return _money_text(type(value), value, currency, get_locale())


@lru_cache(maxsize=8192)
def _money_text(kind: type, value: float | int, currency: str, locale: str) -> str:
    # What babel.numbers.format_currency does with a pattern, minus parsing it again on every call;
    # remembered like dates above (a ballot page shows each cost and the budget several times).
    return _money_pattern(locale).apply(value, _parsed_locale(locale), currency=currency, currency_digits=False)


def fmt_percent(numerator: float, denominator: float) -> str:
    if not denominator:
        return _number_text(int, 0, "#0%", get_locale())
    ratio = numerator / denominator
    return _number_text(type(ratio), ratio, "#0%", get_locale())
