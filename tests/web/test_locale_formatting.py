"""Dates, numbers and money are written the way each language writes them, on rendered pages."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from support import signed_in_as, text_of

from server.i18n import reset_locale, set_locale
from server.notifications.tables import Notification

WHEN = dt.datetime(2026, 3, 5, 14, 30, tzinfo=dt.UTC)

# locale -> what the notifications page shows for WHEN (CLDR short date and time of each language)
NOTIFICATION_TIMES = {"en": "3/5/26, 2:30 PM", "es": "5/3/26, 14:30", "ar": "5/3/2026، 2:30 م"}


@pytest.mark.parametrize("locale", sorted(NOTIFICATION_TIMES))
async def test_notification_times_follow_the_language(client: httpx.AsyncClient, locale: str) -> None:
    viewer = await signed_in_as(client, "resident")
    await Notification.insert(Notification(recipient=viewer.id, kind="welcome", actor="Ana", url="/",
                                           created_at=WHEN))
    client.cookies.set("lang", locale)
    page = await client.get("/notifications")
    assert page.status_code == 200
    # Arabic dates carry right-to-left marks between the parts; they are not part of what is read.
    shown = text_of(page.text).replace("\u200f", "")
    assert NOTIFICATION_TIMES[locale] in shown, f"{locale}: {NOTIFICATION_TIMES[locale]!r} not in the page"
    assert 'datetime="2026-03-05T14:30:00+00:00"' in page.text  # machine-readable time stays the same


# locale -> (money, number, date, percent) as the template filters write them
FILTERS = {
    "en": ("$1,234,567", "1,234,567.5", "Mar 5, 2026", "25%"),
    "es": ("1.234.567\xa0US$", "1.234.567,5", "5 mar 2026", "25%"),
    "ar": ("1,234,567\xa0US$", "1,234,567.5", "05/03/2026", "25%"),
}


@pytest.mark.parametrize("locale", sorted(FILTERS))
def test_template_filters_format_for_the_language(app, locale: str) -> None:
    # Values come from variables, as on real pages (Jinja folds filters of literals at compile time).
    template = app.template_engine.engine.from_string(
        "{{ cost | money }}|{{ share | number }}|{{ day | date }}|{{ one | percent(4) }}")
    token = set_locale(locale)
    try:
        rendered = template.render(cost=1234567, share=1234567.5, day=dt.date(2026, 3, 5), one=1)
    finally:
        reset_locale(token)
    cleaned = rendered.replace("\u200f", "").replace("\u200e", "")
    assert cleaned.split("|") == list(FILTERS[locale])
