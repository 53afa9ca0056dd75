"""What every proposals template needs besides its own data: translated labels for stored codes."""

from __future__ import annotations

from typing import Any

from proposals.categories import CATEGORIES, PHASE_ACTIONS, STATUSES, category_label, phase_label, status_label
from proposals.schemas import date_labels
from server.i18n import get_locale

# One dict per language: its lists are the same translated text on every request, so they are made
# once (translating 21 labels per page was measurable on the home page and the list, issue 21).
_BY_LOCALE: dict[str, dict[str, Any]] = {}


def phase_action(code: str) -> str:
    return str(PHASE_ACTIONS.get(code, ""))


def labels() -> dict[str, Any]:
    """Shared and read-only: templates only read it."""
    locale = get_locale()
    if (found := _BY_LOCALE.get(locale)) is None:
        found = _BY_LOCALE[locale] = {
            "category": category_label,
            "status": status_label,
            "phase": phase_label,
            "phase_action": phase_action,
            "categories": [(code, str(label)) for code, label in CATEGORIES.items()],
            "statuses": [(code, str(label)) for code, label in STATUSES.items()],
            "dates": date_labels(),
        }
    return found
