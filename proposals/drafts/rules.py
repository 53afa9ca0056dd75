"""When residents may comment on a draft (pure: no I/O)."""

from __future__ import annotations

import datetime as dt

from server.i18n import fmt_date
from server.i18n import gettext as _


def period_state(published: bool, opens: dt.date | None, closes: dt.date | None, today: dt.date) -> str:
    """unpublished | upcoming | open | closed. The period includes both its first and last day."""
    if not published or opens is None or closes is None:
        return "unpublished"
    if today < opens:
        return "upcoming"
    if today > closes:
        return "closed"
    return "open"


def closed_reason(state: str, opens: dt.date | None, closes: dt.date | None) -> str:
    if state == "upcoming":
        return _("The comment period opens on %(date)s.", date=fmt_date(opens))
    if state == "closed":
        return _("The comment period closed on %(date)s. Comments are read-only.", date=fmt_date(closes))
    if state == "unpublished":
        return _("This draft is not open for comment.")
    return ""


def check_period(opens: dt.date | None, closes: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if opens is None:
        errors["comment_opens"] = _("Please enter the first day of the comment period.")
    if closes is None:
        errors["comment_closes"] = _("Please enter the last day of the comment period.")
    if opens and closes and closes < opens:
        errors["comment_closes"] = _("The comment period must end on or after the day it opens.")
    return errors
