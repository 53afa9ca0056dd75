"""Moderation rules without I/O: reasons, the report threshold and what hidden content says."""

from __future__ import annotations

from server.i18n import gettext as _
from server.notifications.kinds import N_

# How many different people must report an item before it is hidden pending review.
HIDE_AFTER_REPORTS = 3

REASONS: dict[str, str] = {
    "spam": N_("spam"),
    "offensive": N_("offensive"),
    "off_topic": N_("off-topic"),
    "personal_data": N_("personal data"),
}

HIDDEN_STATUSES = ("pending", "hidden")


def reason_label(code: str) -> str:
    return _(REASONS[code]) if code in REASONS else code


def should_auto_hide(status: str, report_count: int) -> bool:
    """Reported items hide themselves at the threshold, unless a moderator already decided."""
    return status == "visible" and report_count >= HIDE_AFTER_REPORTS


def hidden_message(status: str, reason: str) -> str:
    if status == "hidden":
        return _("Hidden by a moderator: %(reason)s", reason=reason_label(reason))
    return _("Hidden pending review after several reports")
