"""What every proposals template needs besides its own data: translated labels for stored codes."""

from __future__ import annotations

from typing import Any

from proposals.categories import CATEGORIES, PHASE_ACTIONS, STATUSES, category_label, phase_label, status_label
from proposals.schemas import date_labels


def phase_action(code: str) -> str:
    return str(PHASE_ACTIONS.get(code, ""))


def labels() -> dict[str, Any]:
    return {
        "category": category_label,
        "status": status_label,
        "phase": phase_label,
        "phase_action": phase_action,
        "categories": [(code, str(label)) for code, label in CATEGORIES.items()],
        "statuses": [(code, str(label)) for code, label in STATUSES.items()],
        "dates": date_labels(),
    }
