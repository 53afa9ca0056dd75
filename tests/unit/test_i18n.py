from __future__ import annotations

import datetime as dt

import pytest

from server import i18n


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        ("es", "ar", "es"),
        (None, "fr-CH, fr;q=0.9, es;q=0.8, *;q=0.5", "es"),
        (None, "ar-EG,ar;q=0.9,en;q=0.8", "ar"),
        (None, "de, en;q=0", "en"),
        ("xx", "", "en"),
        (None, "en;q=0.2, es;q=0.9", "es"),
    ],
)
def test_negotiate_locale(chosen: str | None, header: str, expected: str) -> None:
    assert i18n.negotiate_locale(chosen, header) == expected


def test_formatting_follows_locale() -> None:
    token = i18n.set_locale("es")
    try:
        assert i18n.fmt_money(1234567, "USD") == "1.234.567\xa0US$"
        assert i18n.fmt_date(dt.date(2026, 11, 22)) == "22 nov 2026"
        assert i18n.text_direction() == "ltr"
    finally:
        i18n.reset_locale(token)
    token = i18n.set_locale("ar")
    try:
        assert i18n.text_direction() == "rtl"
    finally:
        i18n.reset_locale(token)
    assert i18n.fmt_money(1500, "USD") == "$1,500"


def test_plural_messages_in_templates_fill_every_placeholder_and_escape_them() -> None:
    from server.templating import build_environment

    template = build_environment().from_string(
        '{{ ngettext("%(num)s ballot counted on %(day)s.", "%(num)s ballots counted on %(day)s.", n, day=day) }}')
    assert template.render(n=1, day="Monday") == "1 ballot counted on Monday."
    assert template.render(n=3, day="<b>Monday</b>") == "3 ballots counted on &lt;b&gt;Monday&lt;/b&gt;."


@pytest.mark.parametrize("locale", sorted(i18n.LOCALES))
@pytest.mark.parametrize("currency", ["USD", "EUR", "MXN", "JPY"])
def test_money_from_the_pattern_built_once_matches_babels_format_currency(locale: str, currency: str) -> None:
    """fmt_money keeps a parsed pattern per language (issue 21); the text is what Babel's own
    format_currency gives for the same pattern."""
    from babel.numbers import format_currency

    loc = i18n.babel_locale(locale)
    pattern = loc.currency_formats["standard"].pattern.replace(".00", "")
    with i18n.using_locale(locale):
        for value in (0, 7, 1500, 1234567, -250, 99.5):
            assert i18n.fmt_money(value, currency) == format_currency(value, currency, format=pattern, locale=loc,
                                                                      currency_digits=False)
    assert i18n.babel_locale(locale) is loc  # parsed once
