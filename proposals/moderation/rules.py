"""Moderation rules without I/O: reasons, the report threshold and what hidden content says."""

from __future__ import annotations

import datetime as dt

from server.i18n import gettext as _
from server.notifications.kinds import N_

# How many different people with established accounts must report an item before it is hidden
# pending review.
HIDE_AFTER_REPORTS = 3
# A report's weight: an established, confirmed account's report counts in full; one from an account
# younger than NEW_ACCOUNT_AGE counts half, and an unconfirmed account's not at all. Making accounts
# is cheap, so three fresh ones cannot hide a proposal: it takes six new accounts, or three
# established people, and a moderator reviews it either way.
FULL_WEIGHT = 2
NEW_ACCOUNT_WEIGHT = 1
NEW_ACCOUNT_AGE = dt.timedelta(days=7)
HIDE_AT_WEIGHT = HIDE_AFTER_REPORTS * FULL_WEIGHT

REASONS: dict[str, str] = {
    "spam": N_("spam"),
    "offensive": N_("offensive"),
    "off_topic": N_("off-topic"),
    "personal_data": N_("personal data"),
}

HIDDEN_STATUSES = ("pending", "hidden")


def reason_label(code: str) -> str:
    return _(REASONS[code]) if code in REASONS else code


def report_weight(confirmed: bool, account_age: dt.timedelta) -> int:
    if not confirmed:
        return 0
    return NEW_ACCOUNT_WEIGHT if account_age < NEW_ACCOUNT_AGE else FULL_WEIGHT


def should_auto_hide(status: str, report_weight_total: int) -> bool:
    """Reported items hide themselves once their reports weigh enough (report_weight), unless a
    moderator already decided."""
    return status == "visible" and report_weight_total >= HIDE_AT_WEIGHT


def hidden_message(status: str, reason: str) -> str:
    if status == "hidden":
        return _("Hidden by a moderator: %(reason)s", reason=reason_label(reason))
    return _("Hidden pending review after several reports")
